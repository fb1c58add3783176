//go:build !(linux || darwin || freebsd)

package graceful

import (
	"errors"
	"net"
	"runtime"
	"syscall"
)

// canRestart says whether this platform can hand sockets to a new process.
const canRestart = false

var errNoRestart = errors.New("graceful restarts are unavailable on " + runtime.GOOS + ": no descriptor passing")

func dupFD(syscall.Conn) (int, error) { return -1, errNoRestart }

func dupRawFD(int) (int, error) { return -1, errNoRestart }

func writeFD(int, []byte) (int, error) { return 0, errNoRestart }

func closeFD(int) {}

func setCloseOnExec(int) {}

func startProcess(string, []string, []string, string, []int) (int, error) {
	return 0, errNoRestart
}

func checkExecutable(string) error { return errNoRestart }

// terminateSelf has nothing to do where there are no restarts.
func terminateSelf() error { return nil }

func listenerFromFD(int, string) (net.Listener, error) { return nil, errNoRestart }

func packetConnFromFD(int, string) (net.PacketConn, error) { return nil, errNoRestart }
