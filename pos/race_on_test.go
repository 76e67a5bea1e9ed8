//go:build race

package pos_test

// raceDetector: the race detector slows the till's Go code several times
// over; tests that repeat one path thousands of times repeat it less.
const raceDetector = true
