//go:build go1.24

package loadtest

import (
	"crypto/tls"
	"net/http"
)

// http2Only makes tr speak HTTP/2 only: over TLS (ALPN h2, the loopback
// server's certificate not verified), or unencrypted with prior knowledge.
func http2Only(tr *http.Transport, unencrypted bool) {
	tr.Protocols = new(http.Protocols)
	if unencrypted {
		tr.Protocols.SetUnencryptedHTTP2(true)
		return
	}
	tr.Protocols.SetHTTP2(true)
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}}
}
