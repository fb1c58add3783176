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
