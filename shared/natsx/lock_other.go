//go:build !unix

package natsx

// dirLock is a no-op where flock is unavailable; malls and the hub run on
// Linux, this only keeps the package building elsewhere.
type dirLock struct{}

func lockDir(string) (*dirLock, error) { return &dirLock{}, nil }

func (*dirLock) unlock() {}
