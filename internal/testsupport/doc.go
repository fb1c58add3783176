// Package testsupport is what the tests of every gracefulgen module share,
// in the spirit of tableflip's testing package: a load client whose
// requests cannot hide a failure behind a retry, in several client modes
// (Run, Probe); one classification of failed requests (Classify, Kind,
// Failures); the processes holding a listening socket, read from /proc
// (ListenerPIDs, SolePID, Restart); process figures (Alive, Stat, CPUTime,
// Memory, PeakRSS, FDCount); free loopback addresses (FreeAddr); and the
// guards of tests that need root, a tool or namespaces (NeedRoot, NeedTool,
// NeedPIDNamespace), which skip with a one-line reason, or fail under
// CI=true, where every requirement is installed.
//
// It is a module of its own, standard library only, reached by the root,
// runtime and bench modules through go.work only: the runtime module must
// keep no requirement (users build it into their programs) and the root
// module no replace directive (go install ...@version ignores it).
package testsupport
