package main

import "syscall"

// chaosSysProcAttr kills a child if the harness itself dies, so an
// interrupted chaos run leaves no hub or mall behind.
func chaosSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
