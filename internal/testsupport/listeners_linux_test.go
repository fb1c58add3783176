package testsupport

import (
	"net"
	"testing"
)

func TestListenerPIDsFindsThisProcessByAddress(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Logf("%s: %v (no such loopback here)", addr, err)
			continue
		}
		defer l.Close()
		pids, err := ListenerPIDs(Target{Network: "tcp", Address: l.Addr().String()})
		if err != nil || len(pids) != 1 {
			t.Errorf("ListenerPIDs(%s) = %v, %v; want this process only", l.Addr(), pids, err)
		}
		_, port, _ := net.SplitHostPort(l.Addr().String())
		other := "127.0.0.2:" + port
		if pids, _ := ListenerPIDs(Target{Network: "tcp", Address: other}); len(pids) != 0 {
			t.Errorf("ListenerPIDs(%s) = %v: matched a socket on another address", other, pids)
		}
	}
}

// TestListenerPIDsFindsBoundDatagramSockets checks a "udp" target: the
// bound datagram socket at the address is found, with its inode; a
// connected client socket on the same port is not.
func TestListenerPIDsFindsBoundDatagramSockets(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	target := Target{Network: "udp", Address: c.LocalAddr().String()}
	pids, err := ListenerPIDs(target)
	if err != nil || len(pids) != 1 {
		t.Errorf("ListenerPIDs(%s) = %v, %v; want this process only", target.Address, pids, err)
	}
	inodes, err := SocketInodes(target)
	if err != nil || len(inodes) != 1 {
		t.Errorf("SocketInodes(%s) = %v, %v; want one", target.Address, inodes, err)
	}
	if pids, _ := ListenerPIDs(Target{Network: "tcp", Address: target.Address}); len(pids) != 0 {
		t.Errorf("ListenerPIDs of tcp at %s = %v: matched the datagram socket", target.Address, pids)
	}
	client, err := net.Dial("udp", target.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if inodes, _ := SocketInodes(Target{Network: "udp", Address: client.LocalAddr().String()}); len(inodes) != 0 {
		t.Errorf("SocketInodes(%s) = %v: matched a connected client socket", client.LocalAddr(), inodes)
	}
}
