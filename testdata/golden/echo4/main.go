// Command echo4 starts echo v4 servers in every way echo offers.
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/http2"
)

func main() {
	e := echo.New()
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })

	go func() { log.Fatal(e.StartTLS(":8443", "cert.pem", []byte("key"))) }()
	go func() { log.Fatal(e.StartAutoTLS(":9443")) }()
	go func() { log.Fatal(e.StartH2CServer(":8082", &http2.Server{})) }()
	go func() {
		s := &http.Server{Addr: ":8081", ReadHeaderTimeout: time.Second}
		log.Fatal(e.StartServer(s))
	}()
	if err := e.Start(":8080"); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
