package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	path := "/tmp/app.sock"
	os.Remove(path)
	l, err := gracefulListen("unix", path)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(gracefulServe(l, http.NotFoundHandler()))
}
