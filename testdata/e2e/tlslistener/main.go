// Command tlslistener layers TLS on its listener itself,
// srv.Serve(tls.NewListener(l, cfg)), and checks that net/http sees the
// TLS connection: r.TLS set, HTTP/2 negotiated by ALPN for h2 clients.
package main

import (
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	cert, err := tls.LoadX509KeyPair(os.Getenv("E2E_CERT"), os.Getenv("E2E_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	l, err := net.Listen("tcp", os.Getenv("E2E_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: checkTLS(work.Handler()), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.Serve(tls.NewListener(l, cfg)))
}

// checkTLS fails a request that net/http did not see arrive over TLS, or
// whose protocol is not the one ALPN negotiated.
func checkTLS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.TLS == nil:
			http.Error(w, "r.TLS is nil: net/http did not see a *tls.Conn", http.StatusInternalServerError)
		case (r.TLS.NegotiatedProtocol == "h2") != (r.ProtoMajor == 2):
			http.Error(w, "ALPN said "+r.TLS.NegotiatedProtocol+", the request is "+r.Proto, http.StatusInternalServerError)
		default:
			h.ServeHTTP(w, r)
		}
	})
}
