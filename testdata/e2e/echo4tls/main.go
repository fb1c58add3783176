// Command echo4tls serves the work handler over HTTPS (HTTP/1.1 and h2)
// with echo v4's StartTLS, which builds its TLS configuration from the
// certificate itself (issue 11, item 4).
package main

import (
	"log"
	"os"

	"github.com/labstack/echo/v4"

	"example.com/e2e/internal/work"
)

func main() {
	e := echo.New()
	e.HideBanner = true
	e.Any("/*", echo.WrapHandler(work.Handler()))
	log.Fatal(e.StartTLS(os.Getenv("E2E_ADDR"), os.Getenv("E2E_CERT"), os.Getenv("E2E_KEY")))
}
