// Package load is the benchmark's load client: workers in four client modes
// send requests to one address until stopped, count every failure by kind,
// and record when each answer came, on which connection (new or reused,
// got when) and which process generation served it.
//
// The modes exist because Go's Transport silently retries an idempotent
// request that fails on a reused keep-alive connection: the keep-alive GET
// mode shows what a typical Go client sees, the keep-alive POST mode cannot
// be retried once written, and the new-connection mode opens a fresh
// connection per request, which is never retried either. The HTTP/2 mode
// sends POSTs as concurrent streams over shared connections; a stream the
// server refused unprocessed (GOAWAY) is sent again and counted apart.
package load
