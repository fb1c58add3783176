package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// Datagram sockets. The runtime hands over stream listeners only; a UDP,
// unixgram or raw IP socket bound to a fixed address stays with the old
// process, so the new one cannot bind it (EADDRINUSE) and every restart
// fails: the new process exits and the old one serves on. The analyzer
// names each such socket, so that gracefulgen exits 3 rather than leave a
// program that only looks restartable. A socket on an ephemeral port (port
// 0, a nil local address), a client's, is no service and is left alone;
// so is one whose net.ListenConfig has a Control hook, which sets socket
// options of the program's own choosing (caddy sets SO_REUSEPORT there, so
// that both generations can bind).

// datagramListens are the functions and methods (by package path and "Name"
// or "Recv.Name") that bind a datagram socket, with the index among the
// call's arguments of the local address.
var datagramListens = map[[2]string]int{
	{"net", "ListenUDP"}:                 1,
	{"net", "ListenPacket"}:              1,
	{"net", "ListenConfig.ListenPacket"}: 2,
	{"net", "ListenUnixgram"}:            1,
	{"net", "ListenMulticastUDP"}:        2,
	{"net", "ListenIP"}:                  1,
}

// datagramNames are the names of datagramListens, for the scan's filter.
func datagramNames() []string {
	var names []string
	for k := range datagramListens {
		_, name, _ := strings.Cut(k[1], ".")
		if name == "" {
			name = k[1]
		}
		names = append(names, name)
	}
	return names
}

// datagramSite reports a call of fn that binds a datagram socket to a
// fixed address; it reports whether fn is such a function.
func (c *checker) datagramSite(r ref, fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	i, ok := datagramListens[[2]string{fn.Pkg().Path(), funcName(fn)}]
	if !ok {
		return false
	}
	if r.call != nil && i < len(r.call.Args) && c.ephemeral(r.call.Args[i]) {
		return true
	}
	if sel, ok := r.expr.(*ast.SelectorExpr); ok && c.setsControl(r, sel.X) {
		return true
	}
	addr := "its address"
	if r.call != nil && i < len(r.call.Args) {
		addr = c.text(r.call.Args[i])
	}
	c.addSite(&Site{
		Pos: r.expr.Pos(), End: r.expr.End(), Kind: KindFunc, Op: Op(fn.Name()), Status: NotRewritable,
		Original: c.text(r.expr), Call: callSpan(r.call), plan: sitePlan{file: r.file},
		Reason: fmt.Sprintf("it binds a datagram socket at %s, which the runtime does not hand over (it hands over stream listeners): the new process of a restart cannot bind it while the old one holds it, so every restart fails and the old process serves on; set SO_REUSEPORT on it (net.ListenConfig.Control) so that both generations can bind it, or serve it from a process of its own", addr),
	})
	return true
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

// setsControl reports whether the net.ListenConfig lc (a variable) gets a
// Control hook in the function that uses it: lc.Control = f, or a literal
// with a Control field.
func (c *checker) setsControl(r ref, lc ast.Expr) bool {
	id, ok := ast.Unparen(lc).(*ast.Ident)
	if !ok {
		return false
	}
	v, _ := c.info.ObjectOf(id).(*types.Var)
	body := enclosingDecl(r.cur)
	if v == nil || body == nil {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok && sel.Sel.Name == "Control" && c.isVar(sel.X, v) {
					found = true
				}
				if c.isVar(lhs, v) && len(n.Lhs) == len(n.Rhs) && literalField(n.Rhs[i], "Control") != nil {
					found = true
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if c.info.Defs[name] == v && i < len(n.Values) && literalField(n.Values[i], "Control") != nil {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// isVar reports whether e is the variable v.
func (c *checker) isVar(e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && c.info.ObjectOf(id) == v
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
