//go:build unix

package main

import "syscall"

// selfCPU is this process's user+system CPU time in seconds.
func selfCPU() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9, true
}

// syncDisks flushes dirty pages, so one scenario's writeback does not land
// in the next one's window.
func syncDisks() { syscall.Sync() }
