package testsupport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// FreeAddr returns a loopback address that no one listens on right now
// (see FindFreeAddr), failing t when there is none.
func FreeAddr(t testing.TB) string {
	t.Helper()
	addr, err := FindFreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// FindFreeAddr returns a loopback address whose port is free right now and
// lies below the kernel's ephemeral port range. A port inside that range
// can be taken, while a server restarts, by a client's own outgoing
// connection (a loopback connect to a port nobody listens on may even
// connect to itself), and the restarted server then fails to bind. The
// port is free for both TCP and UDP, so that a test may bind either (a
// datagram service's fixed port, which also lies outside that range).
func FindFreeAddr() (string, error) {
	lo, hi := 20000, ephemeralLow()-1
	for i := 0; i < 100 && hi > lo; i++ {
		addr := "127.0.0.1:" + strconv.Itoa(lo+rand.IntN(hi-lo))
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		l.Close()
		if c, err := net.ListenPacket("udp", addr); err == nil {
			c.Close()
			return addr, nil
		}
	}
	return "", fmt.Errorf("find a free loopback port between %d and %d: none of 100 tries was free", lo, hi)
}

// ephemeralLow is the first port of the kernel's ephemeral range (32768
// when it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return n
}
