package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gracefulgen/gracefulgen/bench/handler"
)

// Answer is one successful request: when its answer arrived and which
// process generation served it.
type Answer struct {
	At  time.Time
	PID int    // the server's pid in its own pid namespace
	Gen string // the server process's generation id
	// Conn is when the client got the connection the request went on, and
	// Fresh says that connection was opened for this request (not reused):
	// an answer with Fresh set shows that Gen accepted a connection
	// established at Conn (or just before).
	Conn  time.Time
	Fresh bool
	Mode  Mode
}

// Config says where and how hard to load.
type Config struct {
	URL     string        // the URL every request goes to
	Modes   []Mode        // the modes to run side by side (default: all)
	Workers int           // concurrent workers per mode (default 4)
	Timeout time.Duration // per request (default 10 s)
	// Requests, if not zero, is how many requests each worker sends before
	// it stops on its own.
	Requests int
	// Observe, if set, is called with every answer as it arrives, from the
	// workers' goroutines.
	Observe func(Answer)
}

// Result is what a load run counted.
type Result struct {
	Start, End time.Time
	Requests   [numModes]int      // requests sent, per mode
	Failed     [numModes]Failures // failed requests, per mode and kind
	Answered   [numModes]int      // requests answered by the handler, per mode
	// Retried counts, per mode, the requests the server refused
	// unprocessed and the client sent again (HTTP/2 streams above the last
	// stream id of a GOAWAY, or refused with REFUSED_STREAM); each such
	// request also counts once in Requests and once as answered or failed.
	Retried [numModes]int
	Samples map[Kind]string // the first error message of each kind seen
	Answers []time.Time     // arrival of every answer, sorted
}

// Successes is the number of answered requests of every mode.
func (r Result) Successes() int { return len(r.Answers) }

// AllFailed sums the failures of every mode.
func (r Result) AllFailed() Failures {
	var f Failures
	for _, m := range r.Failed {
		f = f.Add(m)
	}
	return f
}

// LongestGap is the longest time during the run in which no request was
// answered.
func (r Result) LongestGap() time.Duration { return LongestGap(r.Start, r.End, r.Answers) }

// Run loads cfg.URL until ctx is done (or each worker sent cfg.Requests), then waits for the requests in flight
// (each bounded by cfg.Timeout) and returns the counts. Stopping does not
// cancel requests in flight, so it never shows as a failure.
func Run(ctx context.Context, cfg Config) Result {
	if len(cfg.Modes) == 0 {
		cfg.Modes = Modes
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	res := Result{Start: time.Now(), Samples: map[Kind]string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, m := range cfg.Modes {
		c := m.client(cfg.Workers, cfg.Timeout)
		for i := 0; i < cfg.Workers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := worker{mode: m, client: c, cfg: &cfg}
				w.loop(ctx)
				mu.Lock()
				defer mu.Unlock()
				res.Requests[m] += w.requests
				res.Failed[m] = res.Failed[m].Add(w.failed)
				res.Answered[m] += len(w.answers)
				res.Retried[m] += int(w.retried.Load())
				for k, s := range w.samples {
					if _, ok := res.Samples[k]; !ok {
						res.Samples[k] = s
					}
				}
				res.Answers = append(res.Answers, w.answers...)
			}()
		}
		defer c.CloseIdleConnections()
	}
	wg.Wait()
	res.End = time.Now()
	sort.Slice(res.Answers, func(i, j int) bool { return res.Answers[i].Before(res.Answers[j]) })
	return res
}

// failurePause is how long a worker waits after a failure before its next
// request, as a real client would, so that a server that is down is not
// counted thousands of times a second.
const failurePause = 5 * time.Millisecond

// worker sends requests of one mode, one at a time, and counts them.
type worker struct {
	mode     Mode
	client   *http.Client
	cfg      *Config
	requests int
	failed   Failures
	samples  map[Kind]string
	answers  []time.Time
	retried  atomic.Int64 // requests sent again by the Transport (H2C only)
}

func (w *worker) loop(ctx context.Context) {
	w.samples = map[Kind]string{}
	for ctx.Err() == nil && (w.cfg.Requests == 0 || w.requests < w.cfg.Requests) {
		w.requests++
		a, kind, err := w.one()
		if err != nil {
			w.failed[kind]++
			if _, ok := w.samples[kind]; !ok {
				w.samples[kind] = fmt.Sprintf("%v: %v", w.mode, err)
			}
			time.Sleep(failurePause)
			continue
		}
		w.answers = append(w.answers, a.At)
		if w.cfg.Observe != nil {
			w.cfg.Observe(a)
		}
	}
}

// one sends one request and returns its answer, or the kind of its failure.
func (w *worker) one() (Answer, Kind, error) {
	var mu sync.Mutex // the Transport may call the trace from its own goroutines
	var conn time.Time
	fresh := false
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		mu.Lock()
		defer mu.Unlock()
		conn, fresh = time.Now(), !i.Reused
	}}
	req, err := w.mode.request(httptrace.WithClientTrace(context.Background(), trace), w.cfg.URL)
	if err != nil {
		return Answer{}, Other, fmt.Errorf("build request: %w", err)
	}
	if w.mode == H2C {
		// The Transport resends a request only through GetBody, and for
		// HTTP/2 only a stream the server refused unprocessed: count each.
		req.GetBody = func() (io.ReadCloser, error) {
			w.retried.Add(1)
			return io.NopCloser(bytes.NewReader(postBody)), nil
		}
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return Answer{}, classify(err), err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return Answer{}, classify(err), fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Answer{}, Status, fmt.Errorf("status %s: %q", resp.Status, body)
	}
	if w.mode == H2C && resp.ProtoMajor != 2 {
		return Answer{}, Other, fmt.Errorf("answered over %s, not HTTP/2", resp.Proto)
	}
	pid, gen, err := handler.Identity(body)
	if err != nil {
		return Answer{}, BadBody, err
	}
	mu.Lock()
	defer mu.Unlock()
	return Answer{At: time.Now(), PID: pid, Gen: gen, Conn: conn, Fresh: fresh, Mode: w.mode}, 0, nil
}

// Probe sends one GET to url on a new connection and returns its answer;
// it is not counted anywhere.
func Probe(url string, timeout time.Duration) (Answer, error) {
	w := worker{mode: NewConnGET, client: NewConnGET.client(1, timeout), cfg: &Config{URL: url}}
	a, _, err := w.one()
	return a, err
}
