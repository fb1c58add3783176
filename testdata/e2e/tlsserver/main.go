// Command tlsserver serves HTTPS (HTTP/1.1 and HTTP/2) with the certificate
// and key files named by flags.
package main

import (
	"crypto/tls"
	"flag"
	"log"
	"net/http"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	addr := flag.String("addr", ":https", "address to serve on")
	cert := flag.String("cert", "cert.pem", "certificate file")
	key := flag.String("key", "key.pem", "key file")
	flag.Parse()
	srv := &http.Server{
		Addr:              *addr,
		Handler:           work.Handler(),
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Fatal(srv.ListenAndServeTLS(*cert, *key))
}
