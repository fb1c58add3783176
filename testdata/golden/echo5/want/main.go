// Command echo5 starts echo v5 servers in every way echo offers.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"

	"github.com/labstack/echo/v5"
)

func main() {
	e := echo.New()
	e.GET("/", func(c *echo.Context) error { return c.String(http.StatusOK, "ok") })

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		sc := echo.StartConfig{Address: ":8443"}
		log.Fatal(sc.StartTLS(ctx, e, "cert.pem", "key.pem"))
	}()
	go func() { log.Fatal(gracefulEchoV5Start(e, ":8081")) }()
	if err := gracefulEchoV5StartConfigStart(&(echo.StartConfig{Address: ":8080", HideBanner: true}), ctx, e); err != nil {
		log.Fatal(err)
	}
}
