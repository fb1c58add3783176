package convertedprotocols

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/grpc"
)

// Converted by gracefulgen: silent.
func serve(h http.Handler) error {
	l, err := /*@s1*/ gracefulListenTCP("tcp", &net.TCPAddr{Port: 9090})
	if err != nil {
		return err
	}
	go /*@s2*/ gracefulGRPCServerServe(grpc.NewServer(), l)
	srv := &http.Server{Addr: ":8080", Handler: /*@s3*/ gracefulH2CNewHandler(h, &http2.Server{}), ReadHeaderTimeout: time.Second}
	return /*@s4*/ gracefulServerListenAndServe(srv)
}
