// Package harness runs the side-by-side restart benchmark: for each row it
// builds the row's server, starts it on a loopback port, loads it in every
// client mode of package load while restarting it with the row's own
// mechanism, measures what the clients and /proc saw, repeats the restart
// run with the server as PID 1 of its own pid namespace, and renders one
// markdown table.
//
// Every process it starts is tracked by package proc and killed by process
// group when its row ends; requests go to 127.0.0.1 only and each run is
// bounded in restarts and time.
package harness
