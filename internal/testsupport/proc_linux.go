package testsupport

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcStat is what /proc/PID/stat says of a process that the tests use.
type ProcStat struct {
	State byte          // R, S, D, Z, ...
	PPID  int           // parent pid
	PGID  int           // process group
	CPU   time.Duration // user and system CPU time used so far
}

// Stat reads /proc/PID/stat.
func Stat(pid int) (ProcStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ProcStat{}, err
	}
	return parseStat(b)
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat: 100
// on every Linux architecture Go supports.
const clockTicks = 100

// parseStat parses a /proc/PID/stat line. The command name may hold spaces
// and parentheses, so the fields are read after its last ')'.
func parseStat(b []byte) (ProcStat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ProcStat{}, fmt.Errorf("parse /proc stat %q: no command name", b)
	}
	// state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return ProcStat{}, fmt.Errorf("parse /proc stat %q: too few fields", b)
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	utime, err3 := strconv.ParseInt(f[11], 10, 64)
	stime, err4 := strconv.ParseInt(f[12], 10, 64)
	if len(f[0]) != 1 || err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return ProcStat{}, fmt.Errorf("parse /proc stat %q: bad state, ppid, pgrp, utime or stime", b)
	}
	return ProcStat{State: f[0][0], PPID: ppid, PGID: pgid, CPU: time.Duration(utime+stime) * time.Second / clockTicks}, nil
}

// Alive reports whether pid exists and is neither a zombie nor dead.
func Alive(pid int) bool {
	st, err := Stat(pid)
	return err == nil && st.State != 'Z' && st.State != 'X'
}

// CPUTime returns the CPU time (user and system) pid has used so far.
func CPUTime(pid int) (time.Duration, error) {
	st, err := Stat(pid)
	return st.CPU, err
}

// Memory returns the resident set size of pid now (VmRSS) and at its
// highest so far (VmHWM), in bytes.
func Memory(pid int) (rss, hwm int64, err error) {
	m, err := MemoryStatus(pid)
	return m["VmRSS"], m["VmHWM"], err
}

// PeakRSS returns pid's peak resident set size (VmHWM) in bytes.
func PeakRSS(pid int) (int64, error) {
	_, hwm, err := Memory(pid)
	return hwm, err
}

// MemoryStatus returns the memory figures of /proc/PID/status that are in
// kB (VmRSS, VmHWM, RssAnon, RssFile, ...), in bytes.
func MemoryStatus(pid int) (map[string]int64, error) {
	m := map[string]int64{}
	err := statusLines(pid, func(k, v string) error {
		f := strings.Fields(v) // "12345 kB"
		if len(f) != 2 || f[1] != "kB" {
			return nil
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return fmt.Errorf("/proc/%d/status: %s: %w", pid, k, err)
		}
		m[k] = n << 10
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := m["VmRSS"]; !ok {
		return nil, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
	}
	return m, nil
}

// StatusField returns the value of one "Name:\tvalue" line of
// /proc/PID/status.
func StatusField(pid int, name string) (string, error) {
	value, found := "", false
	err := statusLines(pid, func(k, v string) error {
		if k == name && !found {
			value, found = strings.TrimSpace(v), true
		}
		return nil
	})
	if err == nil && !found {
		err = fmt.Errorf("/proc/%d/status has no %s line", pid, name)
	}
	return value, err
}

func statusLines(pid int, line func(k, v string) error) error {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok {
			if err := line(k, v); err != nil {
				return err
			}
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("read /proc/%d/status: %w", pid, err)
	}
	return nil
}

// FDCount returns the number of open descriptors of pid.
func FDCount(pid int) (int, error) {
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("count descriptors of %d: %w", pid, err)
	}
	return len(es), nil
}
