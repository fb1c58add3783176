package graceful

import (
	"net"
	"path/filepath"
	"testing"
)

func TestEphemeralPacket(t *testing.T) {
	for _, c := range []struct {
		network, address string
		want             bool
	}{
		{"udp", ":0", true},
		{"udp4", "127.0.0.1:0", true},
		{"udp6", "[::1]:", true},
		{"udp", ":9125", false},
		{"udp", "localhost:53", false},
		{"unixgram", "", true},
		{"unixgram", "@", true},
		{"unixgram", "/run/app.sock", false},
		{"unixgram", "@app", false},
		{"ip4:1", "127.0.0.1", false},
	} {
		if got := ephemeralPacket(c.network, c.address); got != c.want {
			t.Errorf("ephemeralPacket(%q, %q) = %v, want %v", c.network, c.address, got, c.want)
		}
	}
}

// heldNames returns the bound addresses of the sockets the process would
// hand over now.
func heldNames() map[string]bool {
	found := map[string]bool{}
	for _, s := range theProcess.heldSockets() {
		found[s.name.Bound] = true
	}
	return found
}

func TestListenPacketRecordsServicesNotClients(t *testing.T) {
	uc, err := ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	port := uc.LocalAddr().(*net.UDPAddr).Port
	uc.Close()
	// A fixed port (the one the client socket had a moment ago).
	service, err := ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer service.Close()
	path := filepath.Join(t.TempDir(), "dgram.sock")
	gram, err := ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer gram.Close()
	client, err := ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, ok := client.(*net.UDPConn); !ok {
		t.Errorf("ListenPacket returned %T, want *net.UDPConn", client)
	}

	found := heldNames()
	for _, a := range []net.Addr{service.LocalAddr(), gram.LocalAddr()} {
		if !found[a.String()] {
			t.Errorf("%s not recorded for handover (have %v)", a, found)
		}
	}
	if found[client.LocalAddr().String()] {
		t.Errorf("client socket %s recorded for handover", client.LocalAddr())
	}
	gram.Close()
	if heldNames()[path] {
		t.Error("a datagram socket the app closed is still handed over")
	}

	if _, err := ListenUDP("tcp", nil); err == nil {
		t.Error("ListenUDP accepted network tcp")
	}
	if _, err := ListenUnixgram("unix", &net.UnixAddr{Name: path}); err == nil {
		t.Error("ListenUnixgram accepted network unix")
	}
	if _, err := ListenUnixgram("unixgram", nil); err == nil {
		t.Error("ListenUnixgram accepted no address")
	}
}
