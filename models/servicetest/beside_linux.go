package servicetest

import (
	"os"
	"strconv"
	"syscall"
)

// Linux numbers pidfd_open and pidfd_getfd alike on every architecture
// (5.3 and 5.6 came after the numbering was unified); the syscall package
// does not name them.
const (
	sysPidfdOpen  = 434
	sysPidfdGetfd = 438
)

// writeBeside writes the line to the go command's standard output, which
// `go test ./...` keeps from a passing package's tests, unless the tests
// write there already. Nothing here goes through package os, so the go
// command's test cache does not take these files for inputs of the tests.
// It reports whether it did.
func writeBeside(line string) bool {
	fd := parentStdout(os.Getppid())
	if fd < 0 {
		return false
	}
	defer syscall.Close(fd)
	n, err := syscall.Write(fd, []byte(line))
	return err == nil && n == len(line)
}

// parentStdout returns a descriptor for the parent's standard output, or
// -1 when it is the tests' own or out of reach.
func parentStdout(ppid int) int {
	parent := "/proc/" + strconv.Itoa(ppid) + "/fd/1"
	var ours, theirs syscall.Stat_t
	if syscall.Fstat(1, &ours) != nil || syscall.Stat(parent, &theirs) != nil {
		return -1
	}
	if ours.Dev == theirs.Dev && ours.Ino == theirs.Ino {
		return -1 // the tests' output is shown as it comes
	}
	// A copy of the parent's own descriptor shares its offset, so the line
	// lands between the go command's lines in a terminal, a pipe or a file.
	if pidfd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(ppid), 0, 0); errno == 0 {
		fd, _, errno := syscall.Syscall(sysPidfdGetfd, pidfd, 1, 0)
		syscall.Close(int(pidfd))
		if errno == 0 {
			return int(fd)
		}
	}
	// Where ptrace rules forbid the copy, a terminal or a pipe can be opened
	// anew; a file cannot, since the go command's next write at its own
	// offset would overwrite the line.
	if mode := theirs.Mode & syscall.S_IFMT; mode != syscall.S_IFCHR && mode != syscall.S_IFIFO {
		return -1
	}
	fd, err := syscall.Open(parent, syscall.O_WRONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if err != nil {
		return -1
	}
	return fd
}
