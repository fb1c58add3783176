package testfiles

import (
	"net/http"
	"testing"
)

func TestServer(t *testing.T) {
	go http.ListenAndServe(":8080", nil)
	srv := &http.Server{}
	go srv.ListenAndServe()
}
