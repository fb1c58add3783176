package loadtest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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

// Alive reports whether pid exists and is not a zombie.
func Alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	return !zombie(string(b))
}

func zombie(stat string) bool {
	// pid (comm) S ...: the state follows the last ')'.
	for i := len(stat) - 1; i >= 0; i-- {
		if stat[i] == ')' {
			return i+2 < len(stat) && stat[i+2] == 'Z'
		}
	}
	return false
}

// CPUTime returns the user and system CPU time pid has used so far.
func CPUTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	st := string(b)
	i := strings.LastIndexByte(st, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(st[i+1:]) // state is field 3; utime and stime are fields 14 and 15
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// Memory returns the resident set size of pid now (VmRSS) and at its
// highest so far (VmHWM), in bytes.
func Memory(pid int) (rss, hwm int64, err error) {
	m, err := MemoryStatus(pid)
	return m["VmRSS"], m["VmHWM"], err
}

// MemoryStatus returns the memory figures of /proc/PID/status that are in
// kB (VmRSS, VmHWM, RssAnon, RssFile, ...), in bytes.
func MemoryStatus(pid int) (map[string]int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		f := strings.Fields(v) // "12345 kB"
		if !ok || len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("/proc/%d/status: %s: %w", pid, k, err)
		}
		m[k] = n << 10
	}
	if _, ok := m["VmRSS"]; !ok {
		return nil, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
	}
	return m, nil
}
