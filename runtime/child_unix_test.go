//go:build linux || darwin || freebsd

package graceful

import (
	"net"
	"path/filepath"
	"syscall"
	"testing"
)

// inherited duplicates l's descriptor as if a parent had passed it.
func inherited(t *testing.T, l net.Listener, name socketName) inheritedSocket {
	t.Helper()
	fd, err := dupFD(l.(syscall.Conn))
	if err != nil {
		t.Fatal(err)
	}
	return inheritedSocket{name: name, fd: fd}
}

func TestAdoptFindsSocketsByAddressNotOrder(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	path := filepath.Join(t.TempDir(), "s.sock")
	unix, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close()
	in := &inheritance{parent: 1, readyFD: -1, sockets: []inheritedSocket{
		inherited(t, tcp, socketName{Network: "tcp", Address: "127.0.0.1:0", Bound: tcp.Addr().String()}),
		inherited(t, unix, socketName{Network: "unix", Address: path, Bound: path}),
	}}

	// The new version opens the unix socket first, then the TCP one by the
	// address it is bound at.
	ul, name, err := in.adopt("unix", path)
	if err != nil || ul == nil || name.Address != path {
		t.Fatalf("adopt unix: %v %v %v", ul, name, err)
	}
	defer ul.Close()
	if in.allAdopted() {
		t.Error("allAdopted with the TCP socket still waiting")
	}
	tl, _, err := in.adopt("tcp", tcp.Addr().String())
	if err != nil || tl == nil || tl.Addr().String() != tcp.Addr().String() {
		t.Fatalf("adopt tcp by bound address: %v %v", tl, err)
	}
	defer tl.Close()
	if again, _, _ := in.adopt("tcp", tcp.Addr().String()); again != nil {
		t.Error("a socket was adopted twice")
	}
	if !in.allAdopted() || len(in.closeUnadopted()) != 0 {
		t.Error("every socket adopted, yet some are reported unadopted")
	}
}

func TestUnadoptedSocketsAreClosed(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	s := inherited(t, tcp, socketName{Network: "tcp", Address: "127.0.0.1:0", Bound: tcp.Addr().String()})
	in := &inheritance{parent: 1, readyFD: -1, sockets: []inheritedSocket{s}}
	if got := in.closeUnadopted(); len(got) != 1 {
		t.Fatalf("closeUnadopted = %v, want the one socket", got)
	}
	if validFD(s.fd) {
		t.Errorf("fd %d still open after closeUnadopted", s.fd)
	}
}
