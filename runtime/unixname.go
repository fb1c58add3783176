package graceful

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A program that serves on a unix socket often removes a stale socket file
// before it listens (os.Remove(path); net.Listen("unix", path)). In a new
// process of a restart, that removes the name of the very socket it is
// about to adopt, which would then serve on with no name in the file
// system. So, at start, before any program code runs, a new process links
// each inherited socket file to a spare name beside it; when Listen adopts
// the socket and its path is gone, the spare name is linked back to the
// path. Between the program's remove and its Listen (a moment), clients
// connecting by path fail with ENOENT; after it, they reach the socket.

// spareName is the spare name of the socket file at path for this process.
func spareName(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+base+".graceful-"+strconv.Itoa(os.Getpid()))
}

// keepUnixNames links every inherited unix socket file to its spare name.
func (in *inheritance) keepUnixNames() {
	for i := range in.sockets {
		s := &in.sockets[i]
		path := s.name.Bound
		if !strings.HasPrefix(s.name.Network, "unix") || path == "" || path[0] == '@' || s.activated {
			continue
		}
		spare := spareName(path)
		os.Remove(spare) // left by a process of the same pid that died
		if err := os.Link(path, spare); err != nil {
			logFailure("socket file not protected against removal before Listen", "path", path, "err", err)
			continue
		}
		s.spare = spare
	}
}

// restoreUnixName links the spare name back to the socket's path when the
// program removed it, and drops the spare name.
func (s *inheritedSocket) restoreUnixName() {
	if s.spare == "" {
		return
	}
	defer s.dropSpare()
	if _, err := os.Lstat(s.name.Bound); !os.IsNotExist(err) {
		return
	}
	if err := os.Link(s.spare, s.name.Bound); err != nil {
		logFailure("socket file removed by the program not restored", "path", s.name.Bound, "err", err)
		return
	}
	logEvent("restored the socket file the program removed before Listen", "path", s.name.Bound)
}

// dropSpare removes the spare name, if any.
func (s *inheritedSocket) dropSpare() {
	if s.spare != "" {
		os.Remove(s.spare)
		s.spare = ""
	}
}
