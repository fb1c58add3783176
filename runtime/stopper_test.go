package graceful

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

// fakeStopper serves a listener the way grpc-go does: Serve returns nil once
// GracefulStop or Stop was called, GracefulStop closes the listeners and
// waits for the calls in flight, Stop cuts them.
type fakeStopper struct {
	mu       sync.Mutex
	lis      []net.Listener
	quit     bool
	inFlight chan struct{} // closed when the call in flight ends
	graceful int
	stopped  int
}

func (s *fakeStopper) Serve(l net.Listener) error {
	s.mu.Lock()
	s.lis = append(s.lis, l)
	s.mu.Unlock()
	for {
		c, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.quit {
				return nil
			}
			return err
		}
		c.Close()
	}
}

func (s *fakeStopper) GracefulStop() {
	s.mu.Lock()
	s.quit = true
	s.graceful++
	for _, l := range s.lis {
		l.Close()
	}
	s.mu.Unlock()
	<-s.inFlight
}

func (s *fakeStopper) Stop() {
	s.mu.Lock()
	s.quit = true
	s.stopped++
	for _, l := range s.lis {
		l.Close()
	}
	s.mu.Unlock()
	select {
	case <-s.inFlight:
	default:
		close(s.inFlight)
	}
}

// stopperUnderDrain serves s on a new listener of p and drains p with
// timeout, letting the call in flight end after finish (never if 0). It
// returns what ServeStopper returned and what the drain returned.
func stopperUnderDrain(t *testing.T, s *fakeStopper, timeout, finish time.Duration) (serveErr, drainErr error, took time.Duration) {
	t.Helper()
	p := newProcess()
	ln, err := p.listen(nil, context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.serveStopper(s, ln) }()
	// Serve has started once a connection is accepted.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Timed from before the call in flight is set to finish, so that a
	// drain that waits for it cannot seem to take less than finish.
	start := time.Now()
	if finish > 0 {
		time.AfterFunc(finish, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			select {
			case <-s.inFlight:
			default:
				close(s.inFlight)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	p.beginStop(false)
	drainErr = p.drain(ctx, false)
	took = time.Since(start)
	select {
	case serveErr = <-served:
	case <-time.After(5 * time.Second):
		t.Fatal("ServeStopper did not return after the drain")
	}
	return serveErr, drainErr, took
}

func TestServeStopperDrainWaitsForGracefulStop(t *testing.T) {
	s := &fakeStopper{inFlight: make(chan struct{})}
	serveErr, drainErr, took := stopperUnderDrain(t, s, 20*time.Second, 1500*time.Millisecond)
	if serveErr != nil || drainErr != nil {
		t.Errorf("ServeStopper returned %v, drain %v; want nil, nil", serveErr, drainErr)
	}
	if s.graceful != 1 || s.stopped != 0 {
		t.Errorf("GracefulStop called %d times, Stop %d; want 1, 0", s.graceful, s.stopped)
	}
	if took < 1500*time.Millisecond {
		t.Errorf("the drain ended after %v, before the call in flight finished", took)
	}
}

func TestServeStopperStopsAtTheDrainDeadline(t *testing.T) {
	s := &fakeStopper{inFlight: make(chan struct{})}
	serveErr, drainErr, _ := stopperUnderDrain(t, s, 1500*time.Millisecond, 0)
	if serveErr != nil {
		t.Errorf("ServeStopper returned %v, want nil", serveErr)
	}
	if !errors.Is(drainErr, context.DeadlineExceeded) {
		t.Errorf("drain returned %v, want the deadline", drainErr)
	}
	if s.graceful != 1 || s.stopped != 1 {
		t.Errorf("GracefulStop called %d times, Stop %d; want 1, 1", s.graceful, s.stopped)
	}
}
