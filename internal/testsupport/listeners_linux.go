package testsupport

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ListenerPIDs returns the pids of the processes that hold the listening
// socket of t (read from /proc), sorted. For a "udp" target it is the
// bound, unconnected datagram socket at t's address.
func ListenerPIDs(t Target) ([]int, error) {
	inodes, err := listenInodes(t)
	if err != nil {
		return nil, err
	}
	if len(inodes) == 0 {
		return nil, nil
	}
	var pids []int
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range procs {
		pid, _ := strconv.Atoi(filepath.Base(dir))
		fds, _ := os.ReadDir(dir + "/fd")
		for _, fd := range fds {
			link, _ := os.Readlink(dir + "/fd/" + fd.Name())
			if strings.HasPrefix(link, "socket:[") && inodes[strings.Trim(link[7:], "[]")] {
				pids = append(pids, pid)
				break
			}
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// SocketInodes returns the inodes of the listening sockets of t (the bound
// datagram sockets of a "udp" target), sorted: a socket a restart hands
// over keeps its inode, one bound anew gets another.
func SocketInodes(t Target) ([]string, error) {
	inodes, err := listenInodes(t)
	if err != nil {
		return nil, err
	}
	var list []string
	for inode := range inodes {
		list = append(list, inode)
	}
	sort.Strings(list)
	return list, nil
}

// listenInodes returns the inodes of the listening sockets of t.
func listenInodes(t Target) (map[string]bool, error) {
	inodes := map[string]bool{}
	if t.Network == "unix" {
		err := scan("/proc/net/unix", func(f []string) {
			// Num RefCount Protocol Flags Type St Inode Path
			if len(f) >= 8 && f[3] == "00010000" && f[7] == t.Address {
				inodes[f[6]] = true
			}
		})
		return inodes, err
	}
	host, portStr, err := net.SplitHostPort(t.Address)
	if err != nil {
		return nil, fmt.Errorf("listener of %s: %w", t.Address, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("listener of %s: %w", t.Address, err)
	}
	ip := net.ParseIP(host)
	files, state := []string{"/proc/net/tcp", "/proc/net/tcp6"}, "0A" // TCP_LISTEN
	if strings.HasPrefix(t.Network, "udp") {
		// An unconnected datagram socket shows as TCP_CLOSE; a connected
		// one (a client's) as TCP_ESTABLISHED.
		files, state = []string{"/proc/net/udp", "/proc/net/udp6"}, "07"
	}
	for _, file := range files {
		err := scan(file, func(f []string) {
			// sl local_address rem_address st ... inode
			if len(f) < 10 || f[3] != state {
				return
			}
			lip, lport, ok := procAddr(f[1])
			if ok && lport == port && (lip.IsUnspecified() || ip == nil || lip.Equal(ip)) {
				inodes[f[9]] = true
			}
		})
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	return inodes, nil
}

func scan(file string, line func([]string)) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line(strings.Fields(s.Text()))
	}
	return s.Err()
}

// procAddr parses a local address of /proc/net/tcp{,6}: the IP as 32-bit
// words in host (little-endian) order, a colon, the port in hex.
func procAddr(s string) (net.IP, uint64, bool) {
	hexIP, hexPort, ok := strings.Cut(s, ":")
	if !ok || (len(hexIP) != 8 && len(hexIP) != 32) {
		return nil, 0, false
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return nil, 0, false
	}
	ip := make(net.IP, len(hexIP)/2)
	for w := 0; w < len(hexIP)/8; w++ {
		word, err := strconv.ParseUint(hexIP[w*8:w*8+8], 16, 32)
		if err != nil {
			return nil, 0, false
		}
		for b := 0; b < 4; b++ {
			ip[w*4+b] = byte(word >> (8 * b))
		}
	}
	return ip, port, true
}

// Handover is one restart as seen from outside: which process served before
// and after, and how long from the signal until the new process alone held
// the listening socket.
type Handover struct {
	Old, New  int
	Signalled time.Time // when the old process was signalled
	Took      time.Duration
}

// SolePID returns the pid of the one process holding t's listening socket,
// waiting up to timeout for there to be exactly one other than not.
func SolePID(t Target, not int, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		pids, err := ListenerPIDs(t)
		if err != nil {
			return 0, err
		}
		if len(pids) == 1 && pids[0] != not {
			return pids[0], nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("no single new process holds %s after %v (holders %v, old %d)", t.Address, timeout, pids, not)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Restart signals the process serving t and waits until another process
// alone holds the listening socket.
func Restart(t Target, sig syscall.Signal, timeout time.Duration) (Handover, error) {
	old, err := SolePID(t, 0, timeout)
	if err != nil {
		return Handover{}, err
	}
	start := time.Now()
	if err := syscall.Kill(old, sig); err != nil {
		return Handover{}, fmt.Errorf("signal %d: %w", old, err)
	}
	nw, err := SolePID(t, old, timeout)
	if err != nil {
		return Handover{Old: old}, err
	}
	return Handover{Old: old, New: nw, Signalled: start, Took: time.Since(start)}, nil
}
