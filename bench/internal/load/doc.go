// Package load is the benchmark's load client: workers in three client modes
// send requests to one address until stopped, count every failure by kind,
// and record when each answer came and which process generation served it.
//
// The modes exist because Go's Transport silently retries an idempotent
// request that fails on a reused keep-alive connection: the keep-alive GET
// mode shows what a typical Go client sees, the keep-alive POST mode cannot
// be retried once written, and the new-connection mode opens a fresh
// connection per request, which is never retried either.
package load
