package proc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Info is what the harness needs to know about one live process.
type Info struct {
	PID   int   // pid in the harness's (the root) pid namespace
	PGID  int   // process group
	PPID  int   // parent pid, root namespace
	NSPID []int // pid in each nested pid namespace, outermost first (NSpid without the root entry)
}

// InnerPID is the process's pid as it sees itself: in its innermost pid
// namespace, or its root pid when it has none of its own.
func (i Info) InnerPID() int {
	if len(i.NSPID) == 0 {
		return i.PID
	}
	return i.NSPID[len(i.NSPID)-1]
}

// stat reads a process's state, parent and process group from
// /proc/PID/stat. The command name may hold spaces and parentheses, so the
// fields are read after its last ')'.
func stat(pid int) (state byte, ppid, pgid int, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	return parseStat(b)
}

func parseStat(b []byte) (state byte, ppid, pgid int, err error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, 0, fmt.Errorf("parse /proc stat %q: no command name", b)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 {
		return 0, 0, 0, fmt.Errorf("parse /proc stat %q: too few fields", b)
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || len(f[0]) != 1 {
		return 0, 0, 0, fmt.Errorf("parse /proc stat %q: bad state, ppid or pgrp", b)
	}
	return f[0][0], ppid, pgid, nil
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat: 100
// on every Linux architecture Go supports.
const clockTicks = 100

// CPUTime returns the CPU time (user and system) the process has used.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseCPUTime(b)
}

func parseCPUTime(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc stat %q: no command name", b)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc stat %q: too few fields", b)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse /proc stat %q: bad utime or stime", b)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// statusField returns the value of one "Name:\tvalue" line of /proc/PID/status.
func statusField(pid int, name string) (string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), name+":"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	if err := s.Err(); err != nil {
		return "", fmt.Errorf("read /proc/%d/status: %w", pid, err)
	}
	return "", fmt.Errorf("/proc/%d/status has no %s line", pid, name)
}

// nsPIDs returns a process's pids in its nested pid namespaces (the NSpid
// line without its first, root-namespace entry).
func nsPIDs(pid int) ([]int, error) {
	v, err := statusField(pid, "NSpid")
	if err != nil {
		return nil, err
	}
	f := strings.Fields(v)
	var out []int
	for _, s := range f[1:] {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("parse NSpid %q of %d: %w", v, pid, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// PeakRSS returns the process's peak resident set size (VmHWM) in bytes.
func PeakRSS(pid int) (int64, error) {
	v, err := statusField(pid, "VmHWM")
	if err != nil {
		return 0, err
	}
	kb, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse VmHWM %q of %d: %w", v, pid, err)
	}
	return kb * 1024, nil
}

// FDCount returns the number of open descriptors of the process.
func FDCount(pid int) (int, error) {
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("count descriptors of %d: %w", pid, err)
	}
	return len(es), nil
}

// live lists the processes, not zombies, whose group is in groups.
func live(groups map[int]bool) ([]Info, error) {
	es, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	var out []Info
	for _, e := range es {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		state, ppid, pgid, err := stat(pid)
		if err != nil || !groups[pgid] || state == 'Z' || state == 'X' {
			continue // gone meanwhile, another group, or dead
		}
		ns, err := nsPIDs(pid)
		if err != nil {
			continue // gone meanwhile
		}
		out = append(out, Info{PID: pid, PGID: pgid, PPID: ppid, NSPID: ns})
	}
	return out, nil
}
