package plugin

import (
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/term"
)

// Env is everything a command touches outside itself. Commands take it from EnvOf instead of
// reaching for os.Stdout, os.Getenv or time.Now, so tests can run them in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// StdinTTY, StdoutTTY and StderrTTY say which streams are terminals: SystemEnv finds out,
	// and a test sets them to run a command as if on a terminal, with no real one.
	StdinTTY, StdoutTTY, StderrTTY bool
	// Prompt asks the user questions; nil is a TerminalPrompt asking on Stderr and reading
	// Stdin. Use Prompter, which fills that in.
	Prompt Prompt
	Getenv func(string) string
	Now    func() time.Time
	Rand   io.Reader
	// Transport carries every HTTP request the command makes; nil is the clients' own
	// (which dials plain http to loopback addresses only).
	Transport http.RoundTripper
}

// SystemEnv is the real process environment.
func SystemEnv() Env {
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		StdinTTY: isTerminal(os.Stdin), StdoutTTY: isTerminal(os.Stdout), StderrTTY: isTerminal(os.Stderr),
		Getenv: os.Getenv, Now: time.Now, Rand: rand.Reader,
	}
}

// Prompter is the prompt commands ask their questions with.
func (e Env) Prompter() Prompt {
	if e.Prompt != nil {
		return e.Prompt
	}
	return TerminalPrompt{In: e.Stdin, Out: e.Stderr}
}

// Interactive reports whether the user can be asked: standard input and standard error (where
// questions go) are terminals.
func (e Env) Interactive() bool { return e.StdinTTY && e.StderrTTY }

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
