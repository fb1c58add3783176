// Package bench is the side-by-side benchmark of gracefulgen against the
// restart libraries Go services use today.
//
// It is its own module so that the peers it measures (tableflip, endless,
// grace) never become dependencies of the tool module. Each row is one small
// server program under servers/, all serving the same handler (package
// handler); the harness (internal/harness, run by cmd/restartbench) builds
// each, loads it in four client modes (three of HTTP/1.1, one of HTTP/2)
// while restarting it with its own mechanism, and prints one markdown table
// and, with -svg, a chart.
//
// Run it from the repository root:
//
//	go run ./bench/cmd/restartbench -restarts 20 -svg bench/chart.svg
package bench
