package iface

import (
	"net/http"
	"time"
)

type starter interface {
	ListenAndServe() error
}

type other interface {
	ListenAndServe(port int) error
}

func start(s starter) error {
	return s.ListenAndServe() // want `s.ListenAndServe is not restartable: the call goes through interface starter, which may hold an \*http.Server`
}

func notServer(o other) error {
	return o.ListenAndServe(8080)
}

func main() {
	_ = start(&http.Server{ReadHeaderTimeout: time.Second})
}
