package chaos

import "syscall"

// sysProcAttr kills a child if the harness itself dies, so an
// interrupted chaos run leaves no hub or mall behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
