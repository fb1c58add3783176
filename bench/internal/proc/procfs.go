package proc

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gracefulgen/gracefulgen/internal/testsupport"
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

// nsPIDs returns a process's pids in its nested pid namespaces (the NSpid
// line without its first, root-namespace entry).
func nsPIDs(pid int) ([]int, error) {
	v, err := testsupport.StatusField(pid, "NSpid")
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
		st, err := testsupport.Stat(pid)
		if err != nil || !groups[st.PGID] || st.State == 'Z' || st.State == 'X' {
			continue // gone meanwhile, another group, or dead
		}
		ns, err := nsPIDs(pid)
		if err != nil {
			continue // gone meanwhile
		}
		out = append(out, Info{PID: pid, PGID: st.PGID, PPID: st.PPID, NSPID: ns})
	}
	return out, nil
}
