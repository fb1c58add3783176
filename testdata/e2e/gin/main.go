// Command gin serves the work handler with a gin engine's Run, gin's own
// start (issue 11, item 4).
package main

import (
	"log"
	"os"

	"github.com/gin-gonic/gin"

	"example.com/e2e/internal/work"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Any("/*path", gin.WrapH(work.Handler()))
	log.Fatal(r.Run(os.Getenv("E2E_ADDR")))
}
