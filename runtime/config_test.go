package graceful

import (
	"log/slog"
	"os"
	"testing"
	"time"
)

func TestConfigureMergesCallsFromEveryPackage(t *testing.T) {
	l := slog.Default()
	got := merge(Config{}, Config{AppHandlesStop: true, DrainTimeout: time.Second, Logger: l})
	got = merge(got, Config{DrainTimeout: 2 * time.Second, RestartSignal: os.Interrupt})
	got = merge(got, Config{})
	if !got.AppHandlesStop {
		t.Error("AppHandlesStop set by one package was lost by a later call")
	}
	if got.DrainTimeout != 2*time.Second || got.RestartSignal != os.Interrupt || got.Logger != l {
		t.Errorf("non-zero fields: last one must win, earlier ones must stay: %+v", got)
	}
}

func TestDefaultsFillOnlyZeroFields(t *testing.T) {
	got := Config{StartTimeout: time.Second}.withDefaults()
	if got.StartTimeout != time.Second {
		t.Errorf("StartTimeout set to %v was changed to %v", time.Second, got.StartTimeout)
	}
	if got.RestartSignal != SIGHUP || got.DrainTimeout != DefaultDrainTimeout ||
		got.ReadHeaderTimeout != DefaultReadHeaderTimeout || got.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("defaults missing: %+v", got)
	}
}
