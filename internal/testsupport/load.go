package testsupport

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says where and how hard to load.
type Config struct {
	Target  Target
	Modes   []Mode        // the modes to run side by side (default KeepAlivePOST)
	Workers int           // concurrent workers per mode (default 4)
	Timeout time.Duration // per request (default 10 s)
	// Requests, if not zero, is how many requests each worker sends before
	// it stops on its own.
	Requests int
	Body     []byte      // what POST requests carry (default 512 bytes)
	Header   http.Header // added to every request
	Want     int         // the status of a success (default 200)
	// Identify, if set, reads the serving process's pid and generation from
	// an answer; an error makes the request fail as BadBody.
	Identify func(resp *http.Response, body []byte) (pid int, gen string, err error)
	// Observe, if set, is called with every answer as it arrives, from the
	// workers' goroutines.
	Observe func(Answer)
}

// Answer is one successful request: when its answer arrived and which
// process generation served it (as Config.Identify read them).
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

// Result is what a load run counted.
type Result struct {
	Start, End time.Time
	Requests   [NumModes]int      // requests sent, per mode
	Failed     [NumModes]Failures // failed requests, per mode and kind
	Answered   [NumModes]int      // requests answered, per mode
	// Retried counts, per mode, the requests the server refused
	// unprocessed and the client sent again (HTTP/2 streams above the last
	// stream id of a GOAWAY, or refused with REFUSED_STREAM); each such
	// request also counts once in Requests and once as answered or failed.
	Retried [NumModes]int
	Samples map[Kind]string // the first error message of each kind seen
	Answers []time.Time     // arrival of every answer, sorted
	// FailedAt lists every failed request, sorted by when it failed, so
	// that a test can hold a failure to the moment it was allowed in.
	FailedAt []Failure
}

// Failure is one failed request: when the client saw it fail, and how.
type Failure struct {
	At   time.Time
	Kind Kind
	Mode Mode
}

// Successes is the number of answered requests of every mode.
func (r Result) Successes() int { return len(r.Answers) }

// Sent is the number of requests of every mode.
func (r Result) Sent() int { return sum(r.Requests) }

// RetriedAll is the number of requests sent again, of every mode.
func (r Result) RetriedAll() int { return sum(r.Retried) }

// AllFailed sums the failures of every mode.
func (r Result) AllFailed() Failures {
	var f Failures
	for _, m := range r.Failed {
		f = f.Add(m)
	}
	return f
}

// Failures is the number of failed requests of every mode and kind.
func (r Result) Failures() int { return r.AllFailed().Total() }

// LongestGap is the longest time during the run in which no request was
// answered.
func (r Result) LongestGap() time.Duration { return LongestGap(r.Start, r.End, r.Answers) }

// String says what the run counted, with one error of each failure kind.
func (r Result) String() string {
	var modes []string
	for m, n := range r.Requests {
		if n > 0 {
			modes = append(modes, Mode(m).String())
		}
	}
	s := fmt.Sprintf("%s: %d requests, %v failed", strings.Join(modes, ", "), r.Sent(), r.AllFailed())
	var samples []string
	for k, e := range r.Samples {
		samples = append(samples, fmt.Sprintf("%v: %s", k, e))
	}
	sort.Strings(samples)
	if len(samples) > 0 {
		s += " (e.g. " + strings.Join(samples, "; ") + ")"
	}
	if n := r.RetriedAll(); n > 0 {
		s += fmt.Sprintf(", %d refused unprocessed by a GOAWAY and sent again", n)
	}
	return s
}

func sum(a [NumModes]int) int {
	n := 0
	for _, v := range a {
		n += v
	}
	return n
}

// defaultBody is what POST requests carry by default, so the server has a
// body to read.
var defaultBody = bytes.Repeat([]byte("x"), 512)

func (cfg *Config) defaults() {
	if len(cfg.Modes) == 0 {
		cfg.Modes = []Mode{KeepAlivePOST}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Body == nil {
		cfg.Body = defaultBody
	}
	cfg.Want = cmp.Or(cfg.Want, http.StatusOK)
}

// Run loads cfg.Target until ctx is done (or each worker sent
// cfg.Requests), then waits for the requests in flight (each bounded by
// cfg.Timeout) and returns the counts. Stopping does not cancel requests
// in flight, and a request that fails after the stop still counts: the
// server must answer every request it took.
func Run(ctx context.Context, cfg Config) Result {
	cfg.defaults()
	res := Result{Start: time.Now(), Samples: map[Kind]string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, m := range cfg.Modes {
		c := NewClient(cfg.Target, m, cfg.Workers, cfg.Timeout)
		defer c.CloseIdleConnections()
		for i := 0; i < cfg.Workers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := worker{mode: m, client: c, cfg: &cfg, url: cfg.Target.URL(m, "")}
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
				res.FailedAt = append(res.FailedAt, w.failures...)
			}()
		}
	}
	wg.Wait()
	res.End = time.Now()
	sort.Slice(res.Answers, func(i, j int) bool { return res.Answers[i].Before(res.Answers[j]) })
	sort.Slice(res.FailedAt, func(i, j int) bool { return res.FailedAt[i].At.Before(res.FailedAt[j].At) })
	return res
}

// Once sends one request of cfg's first mode to cfg.Target on a new client
// and returns its answer; it is not counted anywhere.
func Once(cfg Config) (Answer, error) {
	cfg.defaults()
	m := cfg.Modes[0]
	c := NewClient(cfg.Target, m, 1, cfg.Timeout)
	defer c.CloseIdleConnections()
	w := worker{mode: m, client: c, cfg: &cfg, url: cfg.Target.URL(m, "")}
	a, _, err := w.one()
	return a, err
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
	url      string
	requests int
	failed   Failures
	samples  map[Kind]string
	answers  []time.Time
	failures []Failure
	retried  atomic.Int64 // requests sent again by the Transport (HTTP/2 only)
}

func (w *worker) loop(ctx context.Context) {
	w.samples = map[Kind]string{}
	for ctx.Err() == nil && (w.cfg.Requests == 0 || w.requests < w.cfg.Requests) {
		w.requests++
		a, kind, err := w.one()
		if err != nil {
			w.failed[kind]++
			w.failures = append(w.failures, Failure{At: time.Now(), Kind: kind, Mode: w.mode})
			if _, ok := w.samples[kind]; !ok {
				// The time, to match the servers' logs.
				w.samples[kind] = fmt.Sprintf("%s %v: %v", time.Now().Format("15:04:05.000"), w.mode, err)
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
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	var body io.Reader
	method := http.MethodGet
	if w.mode.post() {
		method, body = http.MethodPost, bytes.NewReader(w.cfg.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.url, body)
	if err != nil {
		return Answer{}, Other, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range w.cfg.Header {
		req.Header[k] = vs
	}
	// Never replayable: a failure cannot hide behind a retry of the
	// Transport. HTTP/2 resends a request only through GetBody, and only a
	// stream the server refused unprocessed: count each.
	req.GetBody = nil
	if w.mode.HTTP2() {
		req.GetBody = func() (io.ReadCloser, error) {
			w.retried.Add(1)
			return io.NopCloser(bytes.NewReader(w.cfg.Body)), nil
		}
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return Answer{}, Classify(err), err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return Answer{}, Classify(err), fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode != w.cfg.Want {
		return Answer{}, Status, fmt.Errorf("status %s: %q", resp.Status, answer)
	}
	if w.mode.HTTP2() && resp.ProtoMajor != 2 {
		return Answer{}, Other, fmt.Errorf("answered over %s, not HTTP/2", resp.Proto)
	}
	a := Answer{Mode: w.mode}
	if w.cfg.Identify != nil {
		if a.PID, a.Gen, err = w.cfg.Identify(resp, answer); err != nil {
			return Answer{}, BadBody, err
		}
	}
	mu.Lock()
	defer mu.Unlock()
	a.At, a.Conn, a.Fresh = time.Now(), conn, fresh
	return a, 0, nil
}
