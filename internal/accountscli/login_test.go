package accountscli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// loginEnv is an environment for `accounts login` against srv, with stdin on a terminal (as
// far as the command can tell) and a config directory of its own. Unlike plugintest's, its
// stdin is any reader (a pipe nobody types into) and stderr any writer (one that is safe to
// read while the command writes), which the interrupted prompt needs.
func loginEnv(t *testing.T, srv *controltest.Server, stdin io.Reader, stderr io.Writer) (plugin.Env, string) {
	dir := t.TempDir()
	vars := map[string]string{"ABLY_CONTROL_HOST": srv.URL, "ABLY_CLI_CONFIG_DIR": dir}
	return plugin.Env{Stdin: stdin, Stdout: io.Discard, Stderr: stderr, StdinTTY: true, StderrTTY: true,
		Getenv: func(k string) string { return vars[k] }, Now: time.Now}, dir
}

func TestLoginAsksForTheTokenOnATerminal(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	dir := t.TempDir()
	res := plugintest.Options{Vars: map[string]string{"ABLY_CONTROL_HOST": srv.URL, "ABLY_CLI_CONFIG_DIR": dir},
		Stdin: controltest.DefaultToken + "\n", TTY: true}.Run(t, Plugin(), "login")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if !strings.HasPrefix(res.Stderr, "Paste an access token (create one on ") || strings.Contains(res.Stderr, controltest.DefaultToken) {
		t.Errorf("stderr %q: want the prompt, and never the token", res.Stderr)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "config"))
	if err != nil || !strings.Contains(string(cfg), controltest.DefaultToken) {
		t.Errorf("the typed token was not stored (%v)", err)
	}
}

func TestLoginEmptyAnswerAtThePrompt(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	for _, in := range []string{"\n", ""} {
		res := plugintest.Options{Vars: map[string]string{"ABLY_CONTROL_HOST": srv.URL, "ABLY_CLI_CONFIG_DIR": t.TempDir()},
			Stdin: in, TTY: true}.Run(t, Plugin(), "login")
		if res.Code != exitcode.Usage || !strings.Contains(res.Stderr, "no access token: pass --token") {
			t.Errorf("answer %q: exit %d, stderr %q; want exit 2 and no access token", in, res.Code, res.Stderr)
		}
	}
}

// Ctrl-C at the hidden prompt ends it at once with exit 130, storing nothing and asking the
// Control API nothing.
func TestLoginInterruptedAtThePrompt(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	in, w := io.Pipe() // nobody types
	defer w.Close()
	var errOut lockedBuffer
	env, dir := loginEnv(t, srv, in, &errOut)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- plugin.Run(ctx, Plugin(), env, []string{"ably-accounts", "login"}) }()
	for !strings.Contains(errOut.String(), "Paste an access token") {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitcode.Interrupted {
			t.Errorf("exit %d, want 130; stderr %q", code, errOut.String())
		}
		if !strings.HasSuffix(errOut.String(), ": \nably accounts: interrupted\n") {
			t.Errorf("stderr %q: want the prompt's line ended, then interrupted", errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C did not end the prompt")
	}
	if _, err := os.Stat(filepath.Join(dir, "config")); !os.IsNotExist(err) {
		t.Errorf("a config was written (%v)", err)
	}
	if n := len(srv.RequestsMatching("", "")); n != 0 {
		t.Errorf("%d requests sent to the Control API, want none", n)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
