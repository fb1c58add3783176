package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A program that serves on a unix socket often removes a stale socket file
// before it listens (os.Remove(path); net.Listen("unix", path)). In the new
// process of a restart that path is the socket it inherits: removed, clients
// find no file until Listen adopts the socket and the runtime links the name
// back. Such a removal (a form with SocketFile) becomes a call of the
// runtime's Remove, which keeps an inherited socket's file; any other
// removal is left alone. A program may instead refuse to start when the
// file is there (os.Stat(path) before net.ListenUnixgram, statsd_exporter):
// in the new process that fails every restart. Such a look (os.Stat,
// os.Lstat) becomes a call of the runtime's Stat or Lstat, which find no
// file at the path of an inherited socket not adopted yet.

// socketRemoveSite records the call r of a removal or look form t when it
// names the path that a listener of the same function, called after it,
// listens on.
func (c *checker) socketRemoveSite(r ref, fn *types.Func, t target) {
	if r.call == nil || len(r.call.Args) != 1 {
		return
	}
	body := enclosingDecl(r.cur)
	if body == nil {
		return
	}
	removed := r.call.Args[0]
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found || !ok || call.Pos() < r.call.End() {
			return !found
		}
		if addr := c.listenAddress(call); addr != nil && c.sameValue(removed, addr) {
			found = true
		}
		return !found
	})
	if !found {
		return
	}
	s := c.renameSite(r.expr, fn, t, r.file)
	s.Call = callSpan(r.call)
	c.addSite(s)
}

// listenAddress returns the address (for ListenUnix, the Name of a
// *net.UnixAddr literal) that call, a listener form or its shim, listens
// on; nil for any other call.
func (c *checker) listenAddress(call *ast.CallExpr) ast.Expr {
	fn, _ := typeutil.Callee(c.info, call).(*types.Func)
	if fn == nil {
		return nil
	}
	t, shim := c.shimDecls[fn]
	if !shim {
		var ok bool
		if t, ok = classify(fn); !ok {
			return nil
		}
	}
	if !t.Listens {
		return nil
	}
	p := t.paramNamed("address", "laddr")
	i := t.argIndex(p, shim)
	if i < 0 || i >= len(call.Args) {
		return nil
	}
	addr := ast.Unparen(call.Args[i])
	if t.Params[p].Name == "laddr" {
		return literalField(addr, "Name") // &net.UnixAddr{Name: path}
	}
	return addr
}

// sameValue reports whether a and b, two expressions of one function, name
// the same path: the same constant, or the same expression of variables
// (path, cfg.Socket).
func (c *checker) sameValue(a, b ast.Expr) bool {
	va, vb := c.info.Types[a].Value, c.info.Types[b].Value
	if va != nil || vb != nil {
		return va != nil && vb != nil && constant.Compare(va, token.EQL, vb)
	}
	return types.ExprString(ast.Unparen(a)) == types.ExprString(ast.Unparen(b)) && c.sameObjects(a, b)
}

// sameObjects reports whether the identifiers of a and b, in order, denote
// the same objects.
func (c *checker) sameObjects(a, b ast.Expr) bool {
	var objs []types.Object
	ast.Inspect(a, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			objs = append(objs, c.info.ObjectOf(id))
		}
		return true
	})
	i, same := 0, true
	ast.Inspect(b, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			same = same && i < len(objs) && objs[i] == c.info.ObjectOf(id)
			i++
		}
		return same
	})
	return same && i == len(objs)
}
