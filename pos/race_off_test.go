//go:build !race

package pos_test

const raceDetector = false
