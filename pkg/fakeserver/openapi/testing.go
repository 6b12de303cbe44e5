package openapi

import (
	"strings"
	"testing"
)

// WantViolations fails t unless got (from SpecViolations) has exactly one line for each
// entry of want, in order, each line holding every part of its entry: a test names what
// each violation must mention without spelling out kin-openapi's wording.
func WantViolations(t testing.TB, got []string, want ...[]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d spec violations, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, parts := range want {
		for _, p := range parts {
			if !strings.Contains(got[i], p) {
				t.Errorf("violation %d = %q, want it to mention %q", i, got[i], p)
			}
		}
	}
}
