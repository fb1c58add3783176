//go:build !go1.24

package loadtest

import "net/http"

// http2Only needs Go 1.24 (Transport.Protocols); before it the modes H2 and
// H2C are not available.
func http2Only(*http.Transport, bool) {
	panic("loadtest: HTTP/2 modes need Go 1.24 or later")
}
