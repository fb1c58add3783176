// Command echo5 serves the work handler with echo v5's Start, echo's own
// start, which also stops the server on SIGINT/SIGTERM itself (issue 11,
// item 4).
package main

import (
	"log"
	"os"

	"github.com/labstack/echo/v5"

	"example.com/e2e/internal/work"
)

func main() {
	e := echo.New()
	e.Any("/*", echo.WrapHandler(work.Handler()))
	if err := e.Start(os.Getenv("E2E_ADDR")); err != nil {
		log.Fatal(err)
	}
}
