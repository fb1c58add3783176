package graceful

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// writePIDFile makes path name pid, atomically: it writes a new file beside
// it and renames it over path, so that a reader sees the old pid or the new
// one, never a partial file. The new file is created with O_EXCL and
// O_NOFOLLOW, so a symlink planted where it goes is not followed, and the
// rename replaces a symlink planted at path itself rather than writing
// through it. Its mode is 0644 whatever the umask. A failure is logged: the
// pid file must not stop the server.
func writePIDFile(path string, pid int) {
	if path == "" {
		return
	}
	if err := replacePIDFile(path, pid); err != nil {
		logFailure("pid file not written", "path", path, "err", err)
		return
	}
	logEvent("pid file written", "path", path, "pid", pid)
}

func replacePIDFile(path string, pid int) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d.%d.tmp", base, pid, time.Now().UnixNano()))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	_, err = f.WriteString(strconv.Itoa(pid) + "\n")
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// removePIDFile removes the pid file when it still names pid (a successor
// may have written its own already).
func removePIDFile(path string, pid int) {
	if path == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(pid) {
		return
	}
	if err := os.Remove(path); err != nil {
		logFailure("pid file not removed", "path", path, "err", err)
	}
}

// pidFileOnReady points the pid file at this process once it serves; a
// supervised child leaves it to its supervisor, which the file names.
func (p *process) pidFileOnReady() {
	if supervisorPID == 0 {
		writePIDFile(p.config().PIDFile, os.Getpid())
	}
}

// pidFileOnStop removes the pid file at a real stop, if it names this
// process (never after a handover: it names the successor by then).
func (p *process) pidFileOnStop() {
	if supervisorPID == 0 {
		removePIDFile(p.config().PIDFile, os.Getpid())
	}
}
