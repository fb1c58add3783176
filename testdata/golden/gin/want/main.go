// Command gin starts gin engines in every way gin offers.
package main

import (
	"log"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.New()
	r.GET("/", func(c *gin.Context) { c.String(200, "ok") })

	go func() { log.Fatal(gracefulGinRun(r)) }()
	go func() { log.Fatal(gracefulGinRun(r, ":8081")) }()
	addrs := []string{":8082"}
	go func() { log.Fatal(gracefulGinRun(r, addrs...)) }()
	go func() { log.Fatal(gracefulGinRunTLS(r, ":8443", "cert.pem", "key.pem")) }()
	go func() { log.Fatal(gracefulGinRunUnix(r, "/tmp/gin.sock")) }()
	go func() { log.Fatal(r.RunFd(3)) }()

	l, err := gracefulListen("tcp", os.Getenv("ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(gracefulGinRunListener(r, l))
}
