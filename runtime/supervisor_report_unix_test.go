//go:build unix

package graceful

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// TestReceiveReportReadsAReportLongerThanOneRead: a readiness report of
// many sockets with long unix paths arrives over several reads of the
// stream socket, with every descriptor sent beside its first byte.
func TestReceiveReportReadsAReportLongerThanOneRead(t *testing.T) {
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	child, supervisor := pair[0], pair[1]
	defer syscall.Close(child)
	var names []socketName
	var fds []int
	for i := 0; i < 60; i++ {
		path := fmt.Sprintf("/run/%s/sock%02d", strings.Repeat("long-directory-name/", 6), i)
		names = append(names, socketName{Network: "unix", Address: path, Bound: path})
		fd, err := syscall.Dup(0)
		if err != nil {
			t.Fatal(err)
		}
		defer syscall.Close(fd)
		fds = append(fds, fd)
	}
	msg := append([]byte{msgTaken, 'R'}, encodeSockets(names)...)
	if len(msg) < 3*4096 {
		t.Fatalf("the report is only %d bytes; the test wants several reads", len(msg))
	}
	done := make(chan readyReport, 1)
	takenCalls := 0
	go func() { done <- receiveReport(1234, supervisor, func() { takenCalls++ }) }()
	if err := syscall.Sendmsg(child, msg, syscall.UnixRights(fds...), nil, 0); err != nil {
		t.Fatal(err)
	}
	syscall.Shutdown(child, syscall.SHUT_WR)
	r := <-done
	defer closeAll(r.fds)
	if r.err != nil {
		t.Fatalf("report of %d bytes: %v", len(msg), r.err)
	}
	defer syscall.Close(r.ctl)
	if takenCalls != 1 || len(r.fds) != len(fds) || len(r.names) != len(names) || r.names[59] != names[59] {
		t.Errorf("taken %d times, %d descriptors, names %v; want 1, %d, %v", takenCalls, len(r.fds), r.names, len(fds), names)
	}
}
