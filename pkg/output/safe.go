package output

import (
	"fmt"

	"github.com/ably/ably-suite/pkg/termtext"
)

// Safe makes text that may come from a server (an app, key, queue or rule name, an error
// message) harmless on a terminal (termtext.Safe): control characters are shown escaped, as
// Go writes them ("\x1b", "\n", "\u009b"), and so are bytes that are not UTF-8 and the
// Unicode controls that reorder text. Human output goes through it (tables, details,
// headings, warnings, errors, Printf); JSON output never does: JSON escapes control
// characters itself, and keeps the exact string.
func Safe(s string) string { return termtext.Safe(s) }

// safeArg formats a value as fmt would, then makes the result Safe.
type safeArg struct{ v any }

func (a safeArg) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(Safe(fmt.Sprintf(fmt.FormatString(f, verb), a.v))))
}

// safeArgs wraps arguments for a format whose text is the program's own and whose arguments
// may come from a server.
func safeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = safeArg{a}
	}
	return out
}

// Printf writes human text on Out, like fmt.Fprintf with every argument made Safe: format is
// the program's own text, the arguments may come from a server.
func (p *Printer) Printf(format string, args ...any) error {
	_, err := fmt.Fprintf(p.Out, format, safeArgs(args)...)
	return err
}

// ErrPrintf is Printf on Err, for notes to people that are not the command's result.
func (p *Printer) ErrPrintf(format string, args ...any) error {
	_, err := fmt.Fprintf(p.Err, format, safeArgs(args)...)
	return err
}
