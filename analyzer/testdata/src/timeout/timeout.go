package timeout

import (
	"net/http"
	"time"
)

type app struct{ srv *http.Server }

func literals() {
	a := &http.Server{Addr: ":8080"} // want `http.Server without ReadHeaderTimeout lets slow-loris clients hold its connections: set ReadHeaderTimeout`
	_ = a
	b := http.Server{} // want `http.Server without ReadHeaderTimeout`
	_ = b
	c := &http.Server{ // want `http.Server without ReadHeaderTimeout`
		Addr:    ":8081",
		Handler: nil,
	}
	_ = c
}

func protected() {
	a := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	b := &http.Server{Addr: ":8080", ReadTimeout: time.Minute}
	c := &http.Server{Addr: ":8080"}
	c.ReadHeaderTimeout = 5 * time.Second
	x := &app{srv: &http.Server{}}
	x.srv.ReadHeaderTimeout = time.Second
	var d app
	d.srv = &http.Server{}
	d.srv.ReadTimeout = time.Second
	_, _, _ = a, b, c
}

func zero() {
	var s http.Server // want `http.Server without ReadHeaderTimeout`
	_ = s
	p := new(http.Server) // want `http.Server without ReadHeaderTimeout`
	_ = p
}
