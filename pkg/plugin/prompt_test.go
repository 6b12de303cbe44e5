package plugin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestTerminalPromptConfirmAnswers(t *testing.T) {
	cases := []struct {
		in  string
		yes bool
	}{
		{"y\n", true}, {"yes\n", true}, {" Y \r\n", true}, {"YES\n", true},
		{"n\n", false}, {"no\n", false}, {"\n", false}, {"yep\n", false},
		{"", false},  // end of input at once (Ctrl-D)
		{"y", false}, // no Enter: the line was not given
	}
	for _, tc := range cases {
		var out bytes.Buffer
		yes, err := TerminalPrompt{In: strings.NewReader(tc.in), Out: &out}.Confirm(context.Background(), "Really delete app x?")
		if err != nil || yes != tc.yes {
			t.Errorf("answer %q: got %v, %v; want %v", tc.in, yes, err, tc.yes)
		}
		if !strings.HasPrefix(out.String(), "Really delete app x? [y/N] ") {
			t.Errorf("answer %q: asked %q", tc.in, out.String())
		}
		if atEOF := !strings.Contains(tc.in, "\n"); atEOF && !strings.HasSuffix(out.String(), "\n") {
			t.Errorf("answer %q: the question's line was not ended: %q", tc.in, out.String())
		}
	}
}

func TestTerminalPromptEscapesTheQuestion(t *testing.T) {
	var out bytes.Buffer
	_, _ = TerminalPrompt{In: strings.NewReader("n\n"), Out: &out}.Confirm(context.Background(), "Really delete queue q\x1b[2J?")
	if want := `Really delete queue q\x1b[2J? [y/N] `; out.String() != want {
		t.Errorf("asked %q, want %q", out.String(), want)
	}
}

func TestTerminalPromptReadsOnlyItsLine(t *testing.T) {
	in := strings.NewReader("y\nnext line\n")
	if yes, err := (TerminalPrompt{In: in, Out: io.Discard}).Confirm(context.Background(), "Go?"); !yes || err != nil {
		t.Fatalf("got %v, %v", yes, err)
	}
	rest, _ := io.ReadAll(in)
	if string(rest) != "next line\n" {
		t.Errorf("left %q on the input, want the next line", rest)
	}
}

func TestTerminalPromptHidden(t *testing.T) {
	for in, want := range map[string]string{"tok-123\n": "tok-123", "tok-123\r\n": "tok-123", "tok-123": "tok-123", "": ""} {
		var out bytes.Buffer
		got, err := TerminalPrompt{In: strings.NewReader(in), Out: &out}.Hidden(context.Background(), "Token: ")
		if err != nil || got != want {
			t.Errorf("input %q: got %q, %v; want %q", in, got, err, want)
		}
		if out.String() != "Token: \n" {
			t.Errorf("input %q: wrote %q, want the prompt and a newline (Enter is not echoed)", in, out.String())
		}
	}
	_, err := TerminalPrompt{In: failingReader{}, Out: io.Discard}.Hidden(context.Background(), "Token: ")
	if err == nil || !strings.Contains(err.Error(), "reading the answer: disk on fire") {
		t.Errorf("read error: got %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// A cancelled context (Ctrl-C) ends a question at once, even while nothing is typed, with
// exit 130 and the question's line ended.
func TestTerminalPromptInterrupted(t *testing.T) {
	ask := map[string]func(TerminalPrompt, context.Context) error{
		"confirm": func(p TerminalPrompt, ctx context.Context) error { _, err := p.Confirm(ctx, "Go?"); return err },
		"hidden":  func(p TerminalPrompt, ctx context.Context) error { _, err := p.Hidden(ctx, "Token: "); return err },
	}
	for name, f := range ask {
		for _, already := range []bool{false, true} {
			in, w := io.Pipe() // nobody types
			var out bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			if already {
				cancel()
			} else {
				time.AfterFunc(20*time.Millisecond, cancel)
			}
			done := make(chan error, 1)
			go func() { done <- f(TerminalPrompt{In: in, Out: &out}, ctx) }()
			select {
			case err := <-done:
				if exitcode.Of(err) != exitcode.Interrupted || err.Error() != "interrupted" {
					t.Errorf("%s: got %v (exit %d), want interrupted (exit 130)", name, err, exitcode.Of(err))
				}
				if !strings.HasSuffix(out.String(), "\n") {
					t.Errorf("%s: the question's line was not ended: %q", name, out.String())
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: the question did not end on cancel", name)
			}
			cancel()
			w.Close()
		}
	}
}

// confirmPlugin's command deletes (counts) only after Confirm says yes.
func confirmPlugin(deleted *int) Plugin {
	return Plugin{
		Metadata: Metadata{Name: "demo", Vendor: "Test", Version: "1.2.3", ShortDescription: "Demo plugin"},
		Commands: []*cli.Command{{Name: "delete", Flags: []cli.Flag{ForceFlag()}, Action: func(c *cli.Context) error {
			if err := Confirm(c, `delete thing "x"`); err != nil {
				return err
			}
			*deleted++
			return nil
		}}},
	}
}

func TestConfirm(t *testing.T) {
	cases := []struct {
		name          string
		stdin         string
		inTTY, errTTY bool
		args          []string
		code          int
		deleted       int
		stderr        string
	}{
		{"yes", "y\n", true, true, nil, 0, 1, `Really delete thing "x"? [y/N] `},
		{"no", "n\n", true, true, nil, 1, 0, `cancelled: did not delete thing "x"`},
		{"empty answer", "\n", true, true, nil, 1, 0, `cancelled: did not delete thing "x"`},
		{"end of input", "", true, true, nil, 1, 0, "[y/N] \nably demo: cancelled"},
		{"stdin not a terminal", "y\n", false, true, nil, 2, 0, `not on a terminal, so not asking: pass --force to delete thing "x"`},
		{"stderr not a terminal", "y\n", true, false, nil, 2, 0, `not on a terminal, so not asking`},
		{"force", "", false, false, []string{"--force"}, 0, 1, ""},
		{"json on a terminal", "y\n", true, true, []string{"--json"}, 2, 0, `with --json nothing is asked: pass --force to delete thing`},
		{"json with force", "", true, true, []string{"--json", "--force"}, 0, 1, ""},
	}
	for _, tc := range cases {
		var deleted int
		var out, errOut bytes.Buffer
		env := Env{Stdin: strings.NewReader(tc.stdin), Stdout: &out, Stderr: &errOut, StdinTTY: tc.inTTY, StderrTTY: tc.errTTY,
			Getenv: func(string) string { return "" }, Now: time.Now}
		code := Run(context.Background(), confirmPlugin(&deleted), env, append([]string{"ably-demo", "delete"}, tc.args...))
		if code != tc.code || deleted != tc.deleted || !strings.Contains(errOut.String(), tc.stderr) {
			t.Errorf("%s: exit %d, deleted %d, stderr %q; want exit %d, deleted %d, stderr with %q",
				tc.name, code, deleted, errOut.String(), tc.code, tc.deleted, tc.stderr)
		}
		if tc.stderr == "" && errOut.Len() > 0 {
			t.Errorf("%s: stderr %q, want none", tc.name, errOut.String())
		}
	}
}

// Ctrl-C at the question (the context cancelled while it waits) exits 130, deleting nothing.
func TestConfirmInterrupted(t *testing.T) {
	var deleted int
	var errOut syncBuffer
	in, w := io.Pipe()
	defer w.Close()
	env := Env{Stdin: in, Stdout: io.Discard, Stderr: &errOut, StdinTTY: true, StderrTTY: true,
		Getenv: func(string) string { return "" }, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- Run(ctx, confirmPlugin(&deleted), env, []string{"ably-demo", "delete"}) }()
	for !strings.Contains(errOut.String(), "[y/N] ") {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitcode.Interrupted || deleted != 0 {
			t.Errorf("exit %d, deleted %d; want 130, nothing deleted", code, deleted)
		}
		if want := "[y/N] \nably demo: interrupted\n"; !strings.HasSuffix(errOut.String(), want) {
			t.Errorf("stderr %q, want it to end %q", errOut.String(), want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C did not end the question")
	}
}

// A command's questions go through Env.Prompt when a test (or a caller) sets one.
func TestConfirmUsesTheEnvPrompt(t *testing.T) {
	var deleted int
	p := &recordingPrompt{answer: true}
	env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, StdinTTY: true, StderrTTY: true, Prompt: p,
		Getenv: func(string) string { return "" }, Now: time.Now}
	if code := Run(context.Background(), confirmPlugin(&deleted), env, []string{"ably-demo", "delete"}); code != 0 || deleted != 1 {
		t.Fatalf("exit %d, deleted %d", code, deleted)
	}
	if want := []string{`Really delete thing "x"?`}; strings.Join(p.asked, "|") != want[0] {
		t.Errorf("asked %q, want %q", p.asked, want)
	}
}

type recordingPrompt struct {
	answer bool
	asked  []string
}

func (p *recordingPrompt) Confirm(_ context.Context, q string) (bool, error) {
	p.asked = append(p.asked, q)
	return p.answer, nil
}

func (p *recordingPrompt) Hidden(context.Context, string) (string, error) {
	return "", errors.New("not asked in this test")
}

// syncBuffer is a bytes.Buffer a test reads while a command writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
