// Package termtext makes text from elsewhere (servers, plugins) harmless to print on a
// terminal.
package termtext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe makes text that may come from a server (an app, key, queue or rule name, an error
// message) harmless on a terminal: control characters are shown escaped, as Go writes them
// ("\x1b", "\n", "\u009b"), and so are bytes that are not UTF-8 and the Unicode controls that
// reorder text (U+202E), so a name cannot clear the screen, retitle the window, fake a line
// or hide what follows it. Everything else, backslashes included, is left as it is. It has no
// dependencies beyond the standard library, so the dispatcher can use it too.
func Safe(s string) string {
	i := unsafeAt(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for s = s[i:]; s != ""; {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\n', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// unsafeAt is the index of the first character Safe must escape, or -1. Plain ASCII, the
// usual case, is checked a byte at a time.
func unsafeAt(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || needsEscape(r) {
			return i
		}
		i += size
	}
	return -1
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) || isBidiControl(r)
}

// isBidiControl reports the formatting characters that change the order text is shown in.
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
