package analyzer

import (
	"fmt"

	"golang.org/x/tools/go/analysis"
)

// reportSites reports every site that is not restartable yet, in category
// "restart". Rewritable sites say to run gracefulgen; no suggested fix is
// offered, because the rewrite alone would call shims that only the
// generated file declares.
func (c *checker) reportSites() {
	for _, s := range c.res.Sites {
		var msg string
		switch s.Status {
		case Rewritable:
			msg = restartMessage(s)
		case NotRewritable:
			if len(s.Deferred) > 0 && c.facts() {
				continue // the calls in other packages report (listenerParamFact)
			}
			msg = fmt.Sprintf("%s is not restartable: %s", s.Original, s.Reason)
		default:
			continue
		}
		c.pass.Report(analysis.Diagnostic{Pos: s.Pos, End: s.End, Category: "restart", Message: msg})
	}
}

func restartMessage(s *Site) string {
	switch {
	case s.Form != nil && s.Form.Pkg == goSystemdActivationPath:
		return fmt.Sprintf("%s returns the sockets systemd passed, which a converted program's runtime takes at start (go-systemd would find none) and a restart does not inherit yet: run gracefulgen to make it graceful.Activated", s.Original)
	case s.Form != nil && s.Form.Packet:
		return fmt.Sprintf("%s binds a datagram socket that a restart does not hand over yet (the new process could not bind it while the old one holds it, so every restart would fail): run gracefulgen to make it restartable", s.Original)
	case s.Form != nil && s.Form.Listens && s.plan.servedBy != "":
		return fmt.Sprintf("%s opens the listener of %s, which a restart does not inherit yet: run gracefulgen to make it restartable", s.Original, s.plan.servedBy)
	case s.Form != nil && s.Form.Listens:
		return fmt.Sprintf("%s opens a listening socket that a restart does not inherit yet (the new process could not bind it): run gracefulgen to make it restartable", s.Original)
	case s.Form != nil && s.Form.SocketFile && (s.Form.Op == "Stat" || s.Form.Op == "Lstat"):
		return fmt.Sprintf("%s looks for the file of a unix socket this function then listens on, which in the new process of a restart is the socket it inherits (a program that will not start when the file is there fails every restart): run gracefulgen to make it find no file there until Listen adopts the socket", s.Original)
	case s.Form != nil && s.Form.SocketFile:
		return fmt.Sprintf("%s removes the file of a unix socket this function then listens on, which in the new process of a restart is the socket it inherits (clients find no file until Listen): run gracefulgen to make it keep that file", s.Original)
	case s.Form != nil && s.Form.Body == BodyH2C:
		return fmt.Sprintf("%s serves h2c connections that a restart cuts (no GOAWAY): run gracefulgen to make it restartable", s.Original)
	case s.MethodValue:
		return fmt.Sprintf("method value %s starts a server that is not restartable: run gracefulgen to make it restartable", s.Original)
	default:
		return fmt.Sprintf("%s starts a server that is not restartable: run gracefulgen to make it restartable", s.Original)
	}
}
