//go:build !linux

package main

import "syscall"

func chaosSysProcAttr() *syscall.SysProcAttr { return nil }
