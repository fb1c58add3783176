package main

import (
	"log"
	"net/http"
)

func main() {
	path := "/tmp/app.sock"
	gracefulRemove(path)
	l, err := gracefulListen("unix", path)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(gracefulServe(l, http.NotFoundHandler()))
}
