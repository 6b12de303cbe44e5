package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ably/ably-suite/internal/ttymode"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
)

// Prompt asks the user questions on the terminal. Commands take it from Env (Env.Prompter)
// instead of reading the terminal themselves, so tests can run the question in-process and
// every prompt obeys Ctrl-C the same way: it ends at once with exit 130 (DESIGN §6).
type Prompt interface {
	// Confirm asks a yes/no question whose default is no: only "y" or "yes" is yes, and end
	// of input is no.
	Confirm(ctx context.Context, question string) (bool, error)
	// Hidden asks for a line the terminal does not echo (an access token) and returns it
	// without its line ending.
	Hidden(ctx context.Context, prompt string) (string, error)
}

// maxAnswer bounds one answer; an access token is far shorter.
const maxAnswer = 64 << 10

// TerminalPrompt asks on Out and reads the answer from In. When In is a real terminal,
// Hidden turns its echo off while reading; otherwise (a test) it just reads the line.
//
// An interrupted question leaves the goroutine reading In blocked until the next line or the
// process's exit, which follows an interrupt at once.
type TerminalPrompt struct {
	In  io.Reader
	Out io.Writer
}

// Confirm writes "question [y/N] " and reads the answer. The question is made output.Safe:
// it names what the server called things.
func (p TerminalPrompt) Confirm(ctx context.Context, question string) (bool, error) {
	_ = ctx.Done() // catch Ctrl-C before the question is shown (see Hidden)
	fmt.Fprintf(p.Out, "%s [y/N] ", output.Safe(question))
	line, err := p.readLine(ctx)
	if errors.Is(err, io.EOF) {
		fmt.Fprintln(p.Out) // Ctrl-D echoes nothing: end the question's line
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// Hidden writes prompt and reads a line with echo off. Echo goes off before the prompt is
// written, so nothing typed after the prompt appears, and comes back on however the read ends.
func (p TerminalPrompt) Hidden(ctx context.Context, prompt string) (string, error) {
	// Catch Ctrl-C from here on (signals are caught lazily, see package interrupt), so that it
	// cancels ctx rather than ending the process with echo off.
	_ = ctx.Done()
	if f, ok := p.In.(*os.File); ok {
		restore, err := ttymode.NoEcho(int(f.Fd()))
		if err != nil {
			return "", fmt.Errorf("cannot turn echo off on the terminal to read a secret: %w", err)
		}
		defer restore()
	}
	fmt.Fprint(p.Out, prompt)
	line, err := p.readLine(ctx)
	if err == nil || errors.Is(err, io.EOF) {
		fmt.Fprintln(p.Out) // the Enter that ended the line was not echoed
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return strings.TrimRight(line, "\r\n"), err
}

// readLine reads up to and including a newline, one byte at a time so that nothing after the
// line is taken from In. It returns io.EOF when In ends before a newline (with what came
// before it), and an interrupted error (exit 130) as soon as ctx is cancelled: Ctrl-C on a
// terminal is a signal, which cancels the commands' context (see Main).
func (p TerminalPrompt) readLine(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", p.interrupted()
	}
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var b strings.Builder
		buf := make([]byte, 1)
		for b.Len() < maxAnswer {
			n, err := p.In.Read(buf)
			if n == 1 {
				b.WriteByte(buf[0])
				if buf[0] == '\n' {
					break
				}
			}
			if err != nil {
				done <- result{b.String(), err}
				return
			}
		}
		done <- result{b.String(), nil}
	}()
	select {
	case r := <-done:
		if r.err != nil && !errors.Is(r.err, io.EOF) {
			return "", fmt.Errorf("reading the answer: %w", r.err)
		}
		return r.line, r.err
	case <-ctx.Done():
		return "", p.interrupted()
	}
}

// interrupted ends the question's line (after the ^C the terminal echoed) so that what
// follows starts on a line of its own.
func (p TerminalPrompt) interrupted() error {
	fmt.Fprintln(p.Out)
	return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted"))
}
