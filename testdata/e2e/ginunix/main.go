// Command ginunix serves the work handler on a unix socket with gin's
// RunUnix (issue 11, item 4).
package main

import (
	"flag"
	"log"

	"github.com/gin-gonic/gin"

	"example.com/e2e/internal/work"
)

func main() {
	path := flag.String("socket", "/run/app.sock", "unix socket to serve on")
	flag.Parse()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Any("/*path", gin.WrapH(work.Handler()))
	log.Fatal(r.RunUnix(*path))
}
