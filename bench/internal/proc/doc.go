// Package proc starts the benchmark's server processes and keeps track of
// every process they spawn, so that the harness can measure them through
// /proc (descriptors, peak memory, pid namespace) and kill all of them by
// process group at the end, never by name.
//
// Each started server leads a process group of its own; the restart
// libraries fork their new generations without leaving the group, so the
// group is how a generation is found whatever its pid.
package proc
