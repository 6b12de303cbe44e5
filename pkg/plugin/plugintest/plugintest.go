// Package plugintest runs a plugin's commands in-process for tests: the whole plugin from its
// arguments (Run), or one command's run function with a Deps of the test's own (Deps). Streams
// are in memory; which of them are terminals, the prompt, the environment, the clock,
// randomness and the HTTP transport are the test's to set. Nothing reaches the real process:
// an unset variable is unset, not read from os.Getenv.
//
//	res := plugintest.Options{Vars: map[string]string{"ABLY_ACCESS_TOKEN": tok}}.Run(t, queuescli.Plugin(), "list")
//	if res.Code != 0 { t.Fatal(res.Stderr) }
package plugintest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Options describe the world a test runs a command in. The zero value is a run with no
// environment variables, empty stdin, no terminal, the real clock and randomness, and the
// clients' own transport.
type Options struct {
	Vars  map[string]string // the environment; HOME is set to a temporary directory unless given
	Stdin string
	// TTY makes stdin, stdout and stderr terminals, as far as the command can tell.
	TTY bool
	// Prompt answers the command's questions; nil is a terminal prompt on Stdin.
	Prompt    plugin.Prompt
	Now       func() time.Time  // nil is time.Now
	Rand      io.Reader         // nil is a fixed, repeating byte, so output is reproducible
	Transport http.RoundTripper // nil is the clients' own
	Context   context.Context   // nil is the test's context
	Format    output.Format     // the output format of Deps (Run takes it from the flags)
	Verbose   bool              // --verbose, for Deps
}

// Result is what a run left behind.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Streams are the in-memory standard output and error of a Deps.
type Streams struct {
	Stdout, Stderr *bytes.Buffer
}

// Env is the plugin.Env of o, writing to s.
func (o Options) Env(t testing.TB, s Streams) plugin.Env {
	t.Helper()
	vars := map[string]string{}
	for k, v := range o.Vars {
		vars[k] = v
	}
	if _, ok := vars["HOME"]; !ok {
		vars["HOME"] = t.TempDir()
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	rnd := o.Rand
	if rnd == nil {
		rnd = repeating(0xab)
	}
	return plugin.Env{
		Stdin: strings.NewReader(o.Stdin), Stdout: s.Stdout, Stderr: s.Stderr,
		StdinTTY: o.TTY, StdoutTTY: o.TTY, StderrTTY: o.TTY,
		Prompt: o.Prompt,
		Getenv: func(k string) string { return vars[k] },
		Now:    now, Rand: rnd, Transport: o.Transport,
	}
}

// Run runs plugin p with args (without the program name) and returns what it left behind.
func (o Options) Run(t testing.TB, p plugin.Plugin, args ...string) Result {
	t.Helper()
	s := Streams{Stdout: new(bytes.Buffer), Stderr: new(bytes.Buffer)}
	code := plugin.Run(o.context(t), p, o.Env(t, s), append([]string{"ably-" + p.Metadata.Name}, args...))
	return Result{Code: code, Stdout: s.Stdout.String(), Stderr: s.Stderr.String()}
}

// Deps is a plugin.Deps for calling a command's run function directly, with its output in
// the returned Streams, and the context to call it with.
func (o Options) Deps(t testing.TB) (context.Context, plugin.Deps, Streams) {
	t.Helper()
	s := Streams{Stdout: new(bytes.Buffer), Stderr: new(bytes.Buffer)}
	env := o.Env(t, s)
	out := &output.Printer{Out: s.Stdout, Err: s.Stderr, Format: o.Format, Verbose: o.Verbose,
		Prog: "ably test", Terminal: o.TTY}
	return o.context(t), plugin.Deps{Env: env, Out: out}, s
}

func (o Options) context(t testing.TB) context.Context {
	if o.Context != nil {
		return o.Context
	}
	return t.Context()
}

// repeating is an endless stream of one byte.
type repeating byte

func (r repeating) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// CountingTransport counts the requests sent through it, then sends them with
// http.DefaultTransport: a test gives it as Options.Transport to prove a command sends
// through the transport of its Deps.
type CountingTransport struct{ N int }

// RoundTrip counts r and sends it.
func (c *CountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.N++
	return http.DefaultTransport.RoundTrip(r)
}
