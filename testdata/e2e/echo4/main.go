// Command echo4 serves the work handler with echo v4's Start, echo's own
// start (issue 11, item 4).
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
	log.Fatal(e.Start(os.Getenv("E2E_ADDR")))
}
