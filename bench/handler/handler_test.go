package handler

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestAnswerNamesThisProcessAndReadsTheBody(t *testing.T) {
	rec := httptest.NewRecorder()
	New(0).ServeHTTP(rec, httptest.NewRequest("POST", "/", strings.NewReader("12345")))
	pid, gen, err := Identity(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if pid != os.Getpid() || gen != generation {
		t.Errorf("answer names pid %d gen %q, want %d %q", pid, gen, os.Getpid(), generation)
	}
	if !strings.Contains(rec.Body.String(), "read=5") {
		t.Errorf("answer %q does not say the 5 body bytes were read", rec.Body.String())
	}
	if _, _, err := Identity([]byte("hello")); err == nil {
		t.Error("a foreign answer parsed as the handler's")
	}
}
