package graceful

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// executable is how this process was started, recorded when the runtime
// turns on: the new process of a restart is started the same way, from the
// path as the operator gave it (not resolved through symlinks, so that a
// deploy that switches a symlink to a new release runs the new release),
// in the working directory as the operator named it (a "current" symlink
// stays a symlink, so the new release runs in its own directory).
type executable struct {
	argv []string
	dir  string
}

func recordExecutable() executable {
	argv := append([]string(nil), os.Args...)
	arg0 := ""
	if len(argv) > 0 {
		arg0 = argv[0]
	}
	return executable{argv: argv, dir: startDir(arg0, os.Getenv("PWD"), selfExecutable)}
}

// startDir returns the directory the process was started in, as the
// operator named it:
//   - os.Getwd, which is $PWD when $PWD names the current directory (a
//     shell's cd through a symlink);
//   - without $PWD (a service manager's WorkingDirectory=), the current
//     directory mapped back through a symlink among the ancestors of an
//     absolute argv[0]: /srv/app/current/bin/app started in the resolved
//     /srv/app/releases/v1 was started in /srv/app/current;
//   - when a relative argv[0] does not name this executable from the
//     current directory but does from $PWD, $PWD: something (a
//     dependency's init) changed directory before the runtime turned on.
func startDir(arg0, pwd string, isSelf func(string) bool) string {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = pwd
	}
	switch {
	case pwd == "" && filepath.IsAbs(arg0):
		if dir, ok := throughSymlink(cwd, filepath.Dir(arg0)); ok {
			return dir
		}
	case pwd != "" && pwd != cwd && filepath.IsAbs(pwd) && !filepath.IsAbs(arg0) && strings.ContainsRune(arg0, '/'):
		if !isSelf(filepath.Join(cwd, arg0)) && isSelf(filepath.Join(pwd, arg0)) {
			return pwd
		}
	}
	return cwd
}

// throughSymlink maps cwd, a resolved path, back through the first ancestor
// of dir (dir included) that resolves to cwd or to a directory above it by
// way of a symlink.
func throughSymlink(cwd, dir string) (string, bool) {
	for a := filepath.Clean(dir); ; a = filepath.Dir(a) {
		if r, err := filepath.EvalSymlinks(a); err == nil && r != a {
			if r == cwd {
				return a, true
			}
			if rel, err := filepath.Rel(r, cwd); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				return filepath.Join(a, rel), true
			}
		}
		if a == filepath.Dir(a) {
			return "", false
		}
	}
}

// selfExecutable reports whether path is this process's executable.
func selfExecutable(path string) bool {
	self, err := os.Executable()
	if err != nil {
		return false
	}
	a, err1 := os.Stat(path)
	b, err2 := os.Stat(self)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// withPWD returns env with PWD naming dir, so that the new process sees the
// directory as it was named (its os.Getwd returns dir, not the resolved
// path) and records the same one for the next restart.
func withPWD(env []string, dir string) []string {
	if dir == "" {
		return env
	}
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PWD=") {
			out = append(out, kv)
		}
	}
	return append(out, "PWD="+dir)
}

// path resolves argv[0] at restart time: relative to the start-up working
// directory when it names a path, through PATH when it is a bare name, and
// os.Executable as a last resort.
func (e executable) path() (string, error) {
	if len(e.argv) == 0 || e.argv[0] == "" {
		return os.Executable()
	}
	arg0 := e.argv[0]
	switch {
	case filepath.IsAbs(arg0):
		return arg0, nil
	case strings.ContainsRune(arg0, os.PathSeparator) || strings.ContainsRune(arg0, '/'):
		return filepath.Join(e.dir, arg0), nil
	}
	if p, err := exec.LookPath(arg0); err == nil {
		return filepath.Abs(p)
	}
	return os.Executable()
}

// child is a process started by a restart, watched until it exits.
type child struct {
	pid    int
	proc   *os.Process
	exited chan string // receives why it exited, once reaped
}

func watch(pid int) (*child, error) {
	proc, err := os.FindProcess(pid)
	if err != nil {
		return nil, fmt.Errorf("watch child %d: %w", pid, err)
	}
	c := &child{pid: pid, proc: proc, exited: make(chan string, 1)}
	go func() {
		st, err := proc.Wait()
		if err != nil {
			c.exited <- err.Error()
			return
		}
		c.exited <- st.String()
	}()
	return c, nil
}

// kill kills the child and waits until it is reaped.
func (c *child) kill() string {
	c.proc.Kill()
	return <-c.exited
}

// handOver starts the new process with this process's sockets and waits
// until it is ready. On any failure the new process is killed and reaped and
// the error says why; the sockets stay with this process.
func (p *process) handOver(abort <-chan struct{}) (_ *child, err error) {
	cfg := p.config()
	path, err := p.exe.path()
	if err != nil {
		return nil, fmt.Errorf("find executable: %w", err)
	}
	if err := checkExecutable(path); err != nil {
		return nil, err
	}

	fds, names := p.dupSockets("new process")
	defer func() {
		for _, fd := range fds {
			closeFD(fd)
		}
	}()

	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("ready pipe: %w", err)
	}
	defer r.Close()
	proto := encodeProtocol(os.Getpid(), names, firstInheritedFD+len(fds), exclusiveProcess)
	env := append(withPWD(withoutProtocol(os.Environ()), p.exe.dir), proto...)
	pid, err := startProcess(path, p.exe.argv, env, p.exe.dir, append(fds, int(w.Fd())))
	w.Close()
	if err != nil {
		return nil, err
	}
	c, err := watch(pid)
	if err != nil {
		return nil, err
	}
	logEvent("child started", "child", pid, "path", path, "sockets", len(names))

	readyCh, takenCh := readReadiness(r)
	// The child has every socket: this process stops accepting at once,
	// and accepts again if the child fails before it is ready.
	held := false
	defer func() {
		if held && err != nil {
			p.releaseAccepts()
			logEvent("accepting again: the new process failed before it was ready", "child", pid)
		}
	}()
	timer := time.NewTimer(cfg.StartTimeout)
	defer timer.Stop()
	for {
		select {
		case <-takenCh:
			held = true
			logEvent("stopped accepting: the new process has every socket", "child", pid, "sockets", p.holdAccepts())
		case err := <-readyCh:
			if err == nil {
				logEvent("child ready", "child", pid)
				return c, nil
			}
			readyCh = nil // the pipe closed: the child is exiting
		case why := <-c.exited:
			return nil, fmt.Errorf("child %d exited before it was ready: %s", pid, why)
		case <-timer.C:
			why := c.kill()
			return nil, fmt.Errorf("child %d not ready within the start timeout %v, killed (%s)", pid, cfg.StartTimeout, why)
		case <-abort:
			c.kill()
			return nil, errAborted
		}
	}
}

// dupSockets duplicates the descriptors of every socket this process
// holds (its open listeners, its datagram sockets, then inherited sockets
// not yet taken), for the new process or the supervisor (to), with their
// names in the same order. A socket that cannot be duplicated is logged and
// left out.
func (p *process) dupSockets(to string) (fds []int, names []socketName) {
	for _, s := range p.heldSockets() {
		fd, err := dupConn(s.conn)
		if err != nil {
			logFailure("socket not handed to the "+to, "socket", s.name.String(), "err", err)
			continue
		}
		fds, names = append(fds, fd), append(names, s.name)
	}
	pendingFDs, pendingNames := p.in.dupPending()
	return append(fds, pendingFDs...), append(names, pendingNames...)
}

// readReadiness reads the new process's readiness pipe r: takenCh gets a
// value each time it writes msgTaken (it has every socket); readyCh gets nil
// when it writes that it is ready, or the read error when the pipe closes.
func readReadiness(r *os.File) (readyCh chan error, takenCh chan struct{}) {
	readyCh, takenCh = make(chan error, 1), make(chan struct{}, 1)
	go func() {
		var b [1]byte
		for {
			_, err := r.Read(b[:])
			if err == nil && b[0] == msgTaken {
				takenCh <- struct{}{}
				continue
			}
			readyCh <- err
			return
		}
	}()
	return readyCh, takenCh
}

// dupConn duplicates the descriptor of a listener or datagram socket.
func dupConn(c any) (int, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("%T has no descriptor to pass", c)
	}
	return dupFD(sc)
}
