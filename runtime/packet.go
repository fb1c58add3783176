package graceful

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
)

// Datagram sockets (UDP, unixgram). A restart hands them over as it hands
// over listeners: the new process inherits the very socket, under the same
// name, and ListenPacket and its kin adopt it there instead of binding a
// new one (which would fail while the old process holds the address).
//
// A datagram socket has no connections to drain and no accept to hold, and
// the program reads it through the *net.UDPConn (or *net.UnixConn) it was
// given, which the runtime does not wrap. So from the moment the new
// process has adopted it until the old process exits, both read from the
// one socket, and each datagram is read by exactly one of them: none waits
// in a queue that a closing socket would discard (as with two sockets bound
// with SO_REUSEPORT), and replies go out from the address clients sent to.
// The runtime never closes the old process's copy (a read loop that sees
// its socket closed often ends the program); it goes when the old process
// exits after its drain. A datagram the old process read and had not
// handled when it exits is lost, as it would be at any stop. A server served
// through ServePacket (gracefulgen's code for a miekg/dns server) is stopped
// by the drain instead: the old process stops reading as its drain begins
// and answers what it read.
//
// A socket bound to an ephemeral port (port 0, no address), a client's, is
// not handed over: each generation binds its own.

// datagramNetwork reports whether network names datagram sockets.
func datagramNetwork(network string) bool {
	return strings.HasPrefix(network, "udp") || network == "unixgram"
}

// gracefulPacket is the runtime's record of a datagram socket, handed to
// the next process on restart under its name.
type gracefulPacket struct {
	conn    net.PacketConn // the one the program holds
	name    socketName
	stopper stoppable // the server that reads it (ServePacket), or nil; guarded by p.mu
}

// ListenPacket is net.ListenPacket that adopts the datagram socket this
// process inherited for the same network and address, if any, instead of
// binding a new one. It returns what net.ListenPacket would (*net.UDPConn,
// *net.UnixConn, *net.IPConn), never a wrapper.
func ListenPacket(network, address string) (net.PacketConn, error) {
	return ListenConfigPacket(&net.ListenConfig{}, context.Background(), network, address)
}

// ListenConfigPacket is lc.ListenPacket(ctx, network, address) that adopts
// the datagram socket this process inherited for the same network and
// address, if any. An adopted socket keeps the options it was created with;
// lc applies only to sockets bound here.
func ListenConfigPacket(lc *net.ListenConfig, ctx context.Context, network, address string) (net.PacketConn, error) {
	return ensure().listenPacket(lc, ctx, network, address)
}

// ListenUDP is net.ListenUDP that adopts the socket this process inherited
// for the same network and address, if any.
func ListenUDP(network string, laddr *net.UDPAddr) (*net.UDPConn, error) {
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, &net.OpError{Op: "listen", Net: network, Addr: udpAddrOrNil(laddr), Err: net.UnknownNetworkError(network)}
	}
	address := ":0"
	if laddr != nil {
		address = laddr.String()
	}
	c, err := ListenPacket(network, address)
	return narrow[*net.UDPConn](c, err, network, address, "a UDP socket")
}

func udpAddrOrNil(a *net.UDPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

// ListenUnixgram is net.ListenUnixgram that adopts the socket this process
// inherited for the same path, if any.
func ListenUnixgram(network string, laddr *net.UnixAddr) (*net.UnixConn, error) {
	if network != "unixgram" {
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	if laddr == nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: errors.New("missing address")}
	}
	c, err := ListenPacket(network, laddr.Name)
	return narrow[*net.UnixConn](c, err, network, laddr.Name, "a unix datagram socket")
}

func (p *process) listenPacket(lc *net.ListenConfig, ctx context.Context, network, address string) (_ net.PacketConn, err error) {
	if lc == nil {
		lc = &net.ListenConfig{}
	}
	if ephemeralPacket(network, address) {
		return lc.ListenPacket(ctx, network, address)
	}
	// A new process takes over only once no Listen is under way (handover.go).
	p.listenStarts()
	defer func() { p.listenEnds(err != nil) }()
	c, name, err := p.in.adoptPacket(network, address)
	if err != nil {
		return nil, err
	}
	if c != nil {
		logEvent("adopted inherited socket", "socket", name.String(), "bound", name.Bound)
		p.registerPacket(c, *name)
		return c, nil
	}
	c, err = lc.ListenPacket(ctx, network, address)
	if err != nil {
		return nil, err
	}
	p.registerPacket(c, socketName{Network: network, Address: address, Bound: c.LocalAddr().String()})
	return c, nil
}

// ephemeralPacket reports whether address asks for a datagram socket on a
// port the system picks (or, for unixgram, an autobound name): a client's,
// which is not handed over.
func ephemeralPacket(network, address string) bool {
	if strings.HasPrefix(network, "unix") {
		return address == "" || address == "@"
	}
	_, port, err := net.SplitHostPort(address)
	return err == nil && (port == "" || port == "0")
}

// registerPacket records c as a datagram socket the process hands over. It
// counts for readiness from the start, as a listener does.
func (p *process) registerPacket(c net.PacketConn, name socketName) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.packets = append(p.packets, &gracefulPacket{conn: c, name: name})
	p.progressLocked()
}

// heldSocket is a socket the process hands over: a listener's or a
// datagram socket's conn, and its name.
type heldSocket struct {
	conn any
	name socketName
}

// heldSockets returns the open listeners, then the open datagram sockets.
// Datagram sockets the program closed are forgotten.
func (p *process) heldSockets() []heldSocket {
	var held []heldSocket
	for _, l := range p.openListeners() {
		held = append(held, heldSocket{l.Listener, l.name})
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	open := p.packets[:0]
	for _, gp := range p.packets {
		if sc, ok := gp.conn.(syscall.Conn); !ok || connOpen(sc) {
			open = append(open, gp)
			held = append(held, heldSocket{gp.conn, gp.name})
		}
	}
	clear(p.packets[len(open):])
	p.packets = open
	return held
}

// ServePacket is serve() through the runtime, for a server that reads the
// datagram socket pc (from ListenPacket or its kin) and can stop
// gracefully: when the process drains, the runtime calls gracefulStop,
// which must stop reading pc and return once the datagrams read are
// handled (a miekg/dns server's Shutdown), waits for it, and calls stop at
// the drain deadline. So the old process of a restart stops reading the
// shared socket as its drain begins, and what it read is answered before
// it exits. It returns what serve returns, once the drain has ended, as the
// serving functions do (and never when the runtime exits the process
// itself).
func ServePacket(pc net.PacketConn, serve func() error, gracefulStop, stop func()) error {
	return ensure().servePacket(pc, serve, &funcStopper{gracefulStop: gracefulStop, stop: stop})
}

func (p *process) servePacket(pc net.PacketConn, serve func() error, s stoppable) error {
	p.mu.Lock()
	draining := p.phase == phaseDraining
	if !draining {
		p.packetLocked(pc).stopper = s
	}
	p.mu.Unlock()
	if draining {
		return p.afterStopper(nil)
	}
	err := serve()
	if p.draining() {
		return p.afterStopper(err)
	}
	return err
}

// packetLocked returns the record of pc, registering a socket the runtime
// did not open by its local address.
func (p *process) packetLocked(pc net.PacketConn) *gracefulPacket {
	for _, gp := range p.packets {
		if gp.conn == pc {
			return gp
		}
	}
	gp := &gracefulPacket{conn: pc, name: addrName(pc.LocalAddr())}
	p.packets = append(p.packets, gp)
	p.progressLocked()
	return gp
}

// stopPacketServers tells the servers of datagram sockets to stop
// gracefully (step 1 of the drain); the drain waits for them.
func (p *process) stopPacketServers() {
	p.mu.Lock()
	var servers []stoppable
	for _, gp := range p.packets {
		if gp.stopper != nil {
			servers = append(servers, gp.stopper)
		}
	}
	p.mu.Unlock()
	for _, s := range servers {
		p.stopGracefully(s)
	}
}
