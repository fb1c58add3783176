package testsupport

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// Kind classifies a failed request by what the client saw.
type Kind int

// The kinds of failure.
const (
	Refused  Kind = iota // connection refused: nothing listening
	Reset                // connection reset or broken pipe
	EOF                  // connection closed before an answer
	Timeout              // no answer within the request timeout
	Status               // an answer with another status than the one wanted
	BadBody              // an answer that is not the handler's (Config.Identify refused it)
	Other                // any other error
	NoSocket             // no socket file at a unix socket's path
	NumKinds
)

func (k Kind) String() string {
	if k < 0 || k >= NumKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return [...]string{"refused", "reset", "EOF", "timeout", "status", "bad body", "other", "no socket file"}[k]
}

// Classify returns the kind of a transport error.
func Classify(err error) Kind {
	var ne net.Error
	msg := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	case errors.Is(err, syscall.ENOENT):
		return NoSocket
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		// HTTP/2: a write to the connection failed (the server closed or
		// reset it), and the Transport closed it under every stream.
		strings.Contains(msg, "http2: client connection force closed"):
		return Reset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		strings.Contains(msg, "server closed idle connection"),
		// HTTP/2: the connection ended (closed or reset) before the
		// server's SETTINGS came, the error does not say which; or the
		// server closed it after a GOAWAY with this stream unanswered.
		strings.Contains(msg, "http2: client conn could not be established"),
		strings.Contains(msg, "http2: server sent GOAWAY and closed the connection"):
		return EOF
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return Timeout
	case strings.Contains(msg, "EOF"):
		// An EOF the error chain lost (some errors of net/http flatten
		// their cause to text).
		return EOF
	}
	return Other
}

// Failures counts failed requests by kind.
type Failures [NumKinds]int

// Total is the number of failed requests of every kind.
func (f Failures) Total() int {
	n := 0
	for _, c := range f {
		n += c
	}
	return n
}

// Add returns the sum of f and g.
func (f Failures) Add(g Failures) Failures {
	for k := range f {
		f[k] += g[k]
	}
	return f
}

// String is the total followed by its kinds, as "3 (2 reset, 1 EOF)", or "0".
func (f Failures) String() string {
	if f.Total() == 0 {
		return "0"
	}
	var parts []string
	for k, c := range f {
		if c > 0 {
			parts = append(parts, fmt.Sprintf("%d %v", c, Kind(k)))
		}
	}
	return fmt.Sprintf("%d (%s)", f.Total(), strings.Join(parts, ", "))
}
