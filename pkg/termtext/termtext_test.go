package termtext

import "testing"

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain name":                 "plain name",
		"caf\u00e9 \u65e5\u672c":     "caf\u00e9 \u65e5\u672c",
		"\x1b[2J\x1b]0;x\x07":        `\x1b[2J\x1b]0;x\a`,
		"line\nfake":                 `line\nfake`,
		"bad \xff byte":              `bad \xff byte`,
		"rtl \u202eevil":             `rtl \u202eevil`,
		"c1 \u009b control":          `c1 \u009b control`,
		`back\slash stays`:           `back\slash stays`,
		"tab\tand del\x7f":           `tab\tand del\x7f`,
		"isolate \u2066x\u2069 done": `isolate \u2066x\u2069 done`,
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}
