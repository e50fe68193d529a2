//go:build unix

package ocr

import (
	"syscall"
	"time"
)

// childCPU is the processor time used so far by the finished child
// processes, tesseract's runs: unlike the wall clock it does not grow
// when other work shares the machine.
func childCPU() (time.Duration, bool) {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &u); err != nil {
		return 0, false
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()), true
}
