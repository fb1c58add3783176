package graceful

import "time"

// delayStop waits Config.StopDelay before a stop drains, serving as usual
// with the listeners open: a load balancer that learns of the stop at the
// same time as the process (a Kubernetes pod's endpoints are removed while
// SIGTERM is sent) may still send new connections for a moment.
func (p *process) delayStop() {
	d := p.config().StopDelay
	if d <= 0 {
		return
	}
	logEvent("stop delayed: serving on before draining", "delay", d)
	time.Sleep(d)
}
