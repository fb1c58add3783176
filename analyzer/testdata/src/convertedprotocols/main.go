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
	l, err := gracefulListenTCP("tcp", &net.TCPAddr{Port: 9090})
	if err != nil {
		return err
	}
	go gracefulGRPCServerServe(grpc.NewServer(), l)
	srv := &http.Server{Addr: ":8080", Handler: gracefulH2CNewHandler(h, &http2.Server{}), ReadHeaderTimeout: time.Second}
	return gracefulServerListenAndServe(srv)
}
