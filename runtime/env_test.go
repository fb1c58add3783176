package graceful

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestProtocolRoundTripsAndLeavesNoVariable(t *testing.T) {
	names := []socketName{{Network: "tcp", Address: ":8080", Bound: "[::]:8080"}, {Network: "unix", Address: "/run/a,b.sock", Bound: "/run/a,b.sock", Activated: true}}
	env := encodeProtocol(os.Getppid(), names, 5, exclusiveProcess) // the protocol names this process
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	pr, ok, err := readProtocol()
	if !ok || err != nil {
		t.Fatalf("readProtocol: ok=%v err=%v", ok, err)
	}
	if pr.parentPID != os.Getppid() || pr.readyFD != 5 || !reflect.DeepEqual(pr.sockets, names) {
		t.Errorf("read back %+v", pr)
	}
	for _, k := range []string{envParentPID, envListeners, envReadyFD} {
		if _, set := os.LookupEnv(k); set {
			t.Errorf("%s still set after reading: a subprocess of the app would inherit it", k)
		}
	}
}

func TestProtocolAbsentMeansFirstProcess(t *testing.T) {
	if _, ok, err := readProtocol(); ok || err != nil {
		t.Errorf("no protocol variables: ok=%v err=%v, want false, nil", ok, err)
	}
}

func TestWithoutProtocolDropsOnlyProtocolVariables(t *testing.T) {
	got := withoutProtocol([]string{"A=1", envParentPID + "=1", "GRACEFUL_OTHER=2", envListeners + "=[]", envReadyFD + "=4"})
	if want := []string{"A=1", "GRACEFUL_OTHER=2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
