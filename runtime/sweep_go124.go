//go:build go1.24

package graceful

import "net/http"

// servesH2C reports whether srv serves unencrypted HTTP/2 (Go 1.24's
// Server.Protocols), whose connections keep net/http's own timeouts.
func servesH2C(srv *http.Server) bool {
	return srv.Protocols != nil && srv.Protocols.UnencryptedHTTP2()
}
