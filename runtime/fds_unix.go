//go:build linux || darwin || freebsd

package graceful

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// canRestart says whether this platform can hand sockets to a new process.
const canRestart = true

// dupFD duplicates the descriptor behind c as a new close-on-exec descriptor.
// It reaches the descriptor through SyscallConn().Control, never through
// (*os.File).Fd, which would switch the open file description (shared by
// parent, duplicate and child) to blocking mode: the parent's Accept would
// then ignore Close and its drain would hang.
func dupFD(c syscall.Conn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("dup: %w", err)
	}
	dup := -1
	var dupErr error
	err = rc.Control(func(fd uintptr) {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_DUPFD_CLOEXEC, 0)
		if errno != 0 {
			dupErr = fmt.Errorf("dup fd %d: fcntl(F_DUPFD_CLOEXEC): %w", fd, errno)
			return
		}
		dup = int(r)
	})
	if err != nil {
		return -1, fmt.Errorf("dup: %w", err)
	}
	return dup, dupErr
}

// dupRawFD duplicates a descriptor this process holds outside the net
// package (an inherited socket not adopted yet) as a close-on-exec one.
func dupRawFD(fd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		return -1, fmt.Errorf("dup fd %d: fcntl(F_DUPFD_CLOEXEC): %w", fd, errno)
	}
	return int(r), nil
}

// writeFD writes b to a raw descriptor.
func writeFD(fd int, b []byte) (int, error) { return syscall.Write(fd, b) }

// closeFD closes a raw descriptor.
func closeFD(fd int) { syscall.Close(fd) }

// setCloseOnExec marks an inherited descriptor close-on-exec, so that the
// programs this process starts do not inherit it.
func setCloseOnExec(fd int) { syscall.CloseOnExec(fd) }

// validFD reports whether fd is an open descriptor.
func validFD(fd int) bool {
	_, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	return errno == 0
}

// startProcess starts path with the given descriptors from fd 3 onwards,
// passing them as raw descriptors so that none goes through (*os.File).Fd.
// Standard input, output and error are shared with this process (or
// /dev/null where this process has none).
func startProcess(path string, argv, env []string, dir string, extra []int) (int, error) {
	files := make([]uintptr, 0, 3+len(extra))
	for fd := 0; fd < 3; fd++ {
		if validFD(fd) {
			files = append(files, uintptr(fd))
			continue
		}
		null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return 0, fmt.Errorf("open %s for fd %d: %w", os.DevNull, fd, err)
		}
		defer null.Close()
		files = append(files, null.Fd())
	}
	for _, fd := range extra {
		files = append(files, uintptr(fd))
	}
	pid, _, err := syscall.StartProcess(path, argv, &syscall.ProcAttr{Dir: dir, Env: env, Files: files})
	if err != nil {
		return 0, fmt.Errorf("start %s: %w", path, err)
	}
	return pid, nil
}

// checkExecutable returns an error that says why path cannot be executed.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("executable %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("executable %s: not a regular file", path)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("executable %s: not executable (mode %v)", path, fi.Mode().Perm())
	}
	return nil
}

// terminateSelf sends SIGTERM to this process, so that an app that handles
// SIGTERM runs its own shutdown path after a handover.
func terminateSelf() error {
	return syscall.Kill(os.Getpid(), syscall.SIGTERM)
}

// listenerFromFD adopts an inherited listening socket.
func listenerFromFD(fd int, name string) (net.Listener, error) {
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		return nil, errors.New("invalid descriptor")
	}
	defer f.Close() // net.FileListener keeps its own copy.
	return net.FileListener(f)
}

// packetConnFromFD adopts an inherited datagram socket.
func packetConnFromFD(fd int, name string) (net.PacketConn, error) {
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		return nil, errors.New("invalid descriptor")
	}
	defer f.Close() // net.FilePacketConn keeps its own copy.
	return net.FilePacketConn(f)
}
