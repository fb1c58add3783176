// Command gin starts gin engines in every way gin offers.
package main

import (
	"log"
	"net"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.New()
	r.GET("/", func(c *gin.Context) { c.String(200, "ok") })

	go func() { log.Fatal(r.Run()) }()
	go func() { log.Fatal(r.Run(":8081")) }()
	addrs := []string{":8082"}
	go func() { log.Fatal(r.Run(addrs...)) }()
	go func() { log.Fatal(r.RunTLS(":8443", "cert.pem", "key.pem")) }()
	go func() { log.Fatal(r.RunUnix("/tmp/gin.sock")) }()
	go func() { log.Fatal(r.RunFd(3)) }()

	l, err := net.Listen("tcp", os.Getenv("ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(r.RunListener(l))
}
