package load

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
	Refused Kind = iota // connection refused: nothing listening
	Reset               // connection reset or broken pipe
	EOF                 // connection closed before an answer
	Timeout             // no answer within the request timeout
	Status              // an answer other than 200
	BadBody             // an answer that is not the handler's
	Other               // any other error
	numKinds
)

func (k Kind) String() string {
	return [...]string{"refused", "reset", "EOF", "timeout", "status", "bad body", "other"}[k]
}

// classify returns the kind of a transport error.
func classify(err error) Kind {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		// HTTP/2: a write to the connection failed (the server closed or
		// reset it), and the Transport closed it under every stream.
		strings.Contains(err.Error(), "http2: client connection force closed"):
		return Reset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		strings.Contains(err.Error(), "server closed idle connection"),
		// HTTP/2: the connection ended (closed or reset) before the
		// server's SETTINGS came, the error does not say which; or the
		// server closed it after a GOAWAY with this stream unanswered.
		strings.Contains(err.Error(), "http2: client conn could not be established"),
		strings.Contains(err.Error(), "http2: server sent GOAWAY and closed the connection"):
		return EOF
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return Timeout
	}
	return Other
}

// Failures counts failed requests by kind.
type Failures [numKinds]int

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
