//go:build unix

package faultinject

import "syscall"

func killSelf() {
	syscall.Kill(syscall.Getpid(), syscall.SIGKILL)
	select {}
}
