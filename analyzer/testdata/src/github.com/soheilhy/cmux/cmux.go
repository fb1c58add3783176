// Package cmux is a stub of the connection multiplexer, for tests.
package cmux

import "net"

type Matcher func() bool

type CMux interface {
	Match(...Matcher) net.Listener
	Serve() error
}

func New(l net.Listener) CMux { return nil }

func HTTP1Fast() Matcher { return nil }
