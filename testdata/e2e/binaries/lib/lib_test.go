package lib

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// TestSlow stands for a long test that a developer interrupts: with
// E2E_SLOW_TEST set it says so and waits; interrupted, the test binary must
// end as an unconverted one does.
func TestSlow(t *testing.T) {
	if os.Getenv("E2E_SLOW_TEST") == "" {
		return
	}
	fmt.Println("slow test started")
	time.Sleep(time.Minute)
}
