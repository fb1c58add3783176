// Package autocert is a stub of golang.org/x/crypto/acme/autocert, for tests.
package autocert

import (
	"crypto/tls"
	"net"
)

type Manager struct{}

func (m *Manager) Listener() net.Listener { return nil }
func (m *Manager) TLSConfig() *tls.Config { return nil }
