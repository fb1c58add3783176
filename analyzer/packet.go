package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// Datagram sockets. net.ListenPacket, (*net.ListenConfig).ListenPacket,
// net.ListenUDP and net.ListenUnixgram are forms (Form.Packet): the runtime
// hands the socket over at a restart, as it hands over listeners, so the
// new process adopts it instead of failing to bind it while the old one
// holds it. A socket on an ephemeral port (port 0, a nil local address) is
// a client's: no site, each generation binds its own. Multicast
// (net.ListenMulticastUDP sets SO_REUSEADDR) and raw IP sockets (net.ListenIP)
// never clash between generations: both bind, and are left alone.

// clientPacket reports whether call, a datagram form, binds a client's
// socket: its local address lets the system pick the port.
func (c *checker) clientPacket(call *ast.CallExpr, t target) bool {
	i := t.argIndex(t.paramNamed("address", "laddr"), false)
	return i >= 0 && i < len(call.Args) && c.ephemeral(call.Args[i])
}

// ephemeral reports whether the local address e lets the system pick a
// port (or leaves the socket unbound): nil, a constant "host:0", a
// *net.UDPAddr or *net.IPAddr literal without a port. Such a socket is a
// client's, and two generations never clash over it.
func (c *checker) ephemeral(e ast.Expr) bool {
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok {
		if _, isNil := c.info.Uses[id].(*types.Nil); isNil {
			return true
		}
	}
	if v := c.info.Types[e].Value; v != nil && v.Kind() == constant.String {
		_, port, ok := c.constHostPort(e)
		return ok && (port == "0" || port == "")
	}
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return false
	}
	st, ok := c.info.TypeOf(lit).Underlying().(*types.Struct)
	if !ok || st.NumFields() == 0 {
		return false
	}
	if c.info.TypeOf(lit).String() == "net.UnixAddr" {
		return false // a path, or an abstract name: fixed either way
	}
	for i, elt := range lit.Elts {
		field, value := "", elt
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				field = id.Name
			}
			value = kv.Value
		} else if i < st.NumFields() {
			field = st.Field(i).Name()
		}
		if field != "Port" {
			continue
		}
		v := c.info.Types[value].Value
		return v != nil && constant.Sign(v) == 0
	}
	return true // no Port: 0
}

// literalField returns the value a composite literal e (or its address)
// gives the field name, or nil.
func literalField(e ast.Expr, name string) ast.Expr {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				return kv.Value
			}
		}
	}
	return nil
}
