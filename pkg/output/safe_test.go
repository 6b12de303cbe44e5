package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestSafe(t *testing.T) {
	cases := map[string]string{
		"":                                 "",
		"Prod app":                         "Prod app",
		"café ☕ 東京 \uFFFD":                 "café ☕ 東京 \uFFFD", // printable Unicode, a real U+FFFD too
		`back\slash`:                       `back\slash`,
		"\x1b[2J\x1b]0;x\x07":              `\x1b[2J\x1b]0;x\a`,
		"two\nlines\r\tand tab":            `two\nlines\r\tand tab`,
		"nul\x00 del\x7f":                  `nul\x00 del\x7f`,
		"c1 \u009b31m csi":                 `c1 \u009b31m csi`,
		"bad \xff\xfe utf8":                `bad \xff\xfe utf8`,
		"evil\u202Etxt.exe":                `evil\u202etxt.exe`,
		"isolate \u2066x\u2069 mark\u200f": `isolate \u2066x\u2069 mark\u200f`,
	}
	for in, want := range cases {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
		if got := Safe(Safe(in)); got != Safe(in) {
			t.Errorf("Safe is not stable on %q: %q", in, got)
		}
	}
}

const hostile = "\x1b[2J\x1b]0;x\x07"

// Every way human output carries server text escapes it; JSON keeps the string exact.
func TestHumanOutputIsSafe(t *testing.T) {
	var out, errOut bytes.Buffer
	p := &Printer{Out: &out, Err: &errOut, Prog: "ably apps", Verbose: true}
	_ = p.Table([]string{"name"}, [][]string{{hostile}})
	_ = p.Details([]Field{{"Name", hostile}})
	p.Heading("App " + hostile)
	p.Printf("Deleted app %s (%q) %5s.\n", hostile, hostile, "x\ty")
	p.ErrPrintf("note %v\n", errors.New(hostile))
	p.Warnf("app %s", hostile)
	p.Verbosef("GET %s", hostile)
	p.Error(&exitcode.Error{Code: exitcode.Failure, Message: "server said " + hostile, Href: "https://x/" + hostile})
	for name, s := range map[string]string{"stdout": out.String(), "stderr": errOut.String()} {
		if strings.ContainsAny(s, "\x1b\x07\t") {
			t.Errorf("%s holds control characters:\n%q", name, s)
		}
		if !strings.Contains(s, `\x1b[2J\x1b]0;x\a`) {
			t.Errorf("%s does not show the name escaped:\n%q", name, s)
		}
	}
	if want := `Deleted app \x1b[2J\x1b]0;x\a ("\x1b[2J\x1b]0;x\a")   x\ty.` + "\n"; !strings.Contains(out.String(), want) {
		t.Errorf("Printf: want %q (%%q quoted once, width kept) in\n%q", want, out.String())
	}

	out.Reset()
	errOut.Reset()
	p.Format = JSON
	_ = p.JSON(map[string]string{"name": hostile})
	p.Error(errors.New(hostile))
	var got map[string]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got["name"] != hostile {
		t.Errorf("JSON output changed the string: %q (%v)", out.String(), err)
	}
	var e struct{ Error struct{ Message string } }
	if err := json.Unmarshal(errOut.Bytes(), &e); err != nil || e.Error.Message != hostile {
		t.Errorf("JSON error changed the message: %q (%v)", errOut.String(), err)
	}
}
