package main

import (
	"log"

	"example.com/golden/field_server/server"
)

func main() {
	a := server.New(":8080")
	log.Fatal(a.Run())
}
