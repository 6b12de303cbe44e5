package config

import (
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/userfile"
)

// Limits on the config file, checked before it is parsed. The TOML parser recurses without
// bound, so a file nested ten thousand deep kills the process; and every level of tables
// costs a header on rewrite. Real files are a few kilobytes, nested at most five deep
// ([accounts.ALIAS.apps.APPID] and a value).
const (
	MaxFileSize = 1 << 20 // bytes
	MaxDepth    = 16      // tables, arrays and inline tables inside one another
)

// checkShape refuses a file beyond MaxDepth, naming the file and the line where the limit
// was crossed. (The size is capped when the file is read.)
func checkShape(path string, data []byte) error {
	if depth, line := nestingDepth(data, MaxDepth); depth > MaxDepth {
		return exitcode.New(exitcode.Failure,
			"config file %s, line %d: nested more than %d deep (tables, arrays and inline tables); no real config is: the file was left as it is: fix or remove it",
			path, line, MaxDepth)
	}
	return nil
}

func tooLargeError(path string) error {
	return exitcode.New(exitcode.Failure,
		"config file %s is larger than %s; no real config is: the file was left as it is: fix or remove it",
		path, userfile.Size(MaxFileSize))
}

// frame is one open array ('[') or inline table ('{') of a value, with the number of key
// segments that led into it.
type frame struct {
	kind byte
	segs int
}

// nestingDepth measures, without parsing, how deep TOML text nests: each segment of a table
// header or dotted key, and each array or inline table, counts one level. It never counts
// fewer levels than the parsed tree has (an array of tables and its element count as one),
// so a file it accepts is safe to parse and to write back. It stops as soon as the depth
// exceeds limit, and returns the depth seen and the line (from 1) where it stopped.
func nestingDepth(data []byte, limit int) (depth, line int) {
	s := scanner{data: data, line: 1}
	headerSegs := 0
	var stack []frame
	enclosing := func() int { // levels of the open frames and the keys that led into them
		n := headerSegs + len(stack)
		for _, f := range stack {
			n += f.segs
		}
		return n
	}
	note := func(d int) bool {
		depth = max(depth, d)
		return depth > limit
	}
	lastSegs := 0     // key segments of the current key/value pair
	inKey := true     // at a key (start of a line, or after '{' or ',' in an inline table)
	lineStart := true // at the start of a top-level line: a header may come
	for s.i < len(data) {
		c := data[s.i]
		switch {
		case c == '\n':
			s.i++
			s.line++
			if len(stack) == 0 {
				lineStart, inKey = true, true
			}
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
		case c == '#':
			s.skipLine()
		case lineStart && c == '[':
			segs := s.header()
			headerSegs = segs
			if note(segs) {
				return depth, s.line
			}
			lineStart = false
		case inKey && c == '}' && len(stack) > 0 && stack[len(stack)-1].kind == '{': // {}
			stack = stack[:len(stack)-1]
			s.i++
			inKey = false
		case inKey:
			lastSegs = s.key()
			if note(enclosing() + lastSegs) {
				return depth, s.line
			}
			if s.i < len(data) && data[s.i] == '=' {
				s.i++
			}
			inKey, lineStart = false, false
		case c == '"' || c == '\'':
			s.str()
		case c == '[' || c == '{':
			segs := 0
			if len(stack) == 0 || stack[len(stack)-1].kind == '{' {
				segs = lastSegs // the key this container is the value of
			}
			stack = append(stack, frame{kind: c, segs: segs})
			s.i++
			if note(enclosing()) {
				return depth, s.line
			}
			lastSegs = 0
			inKey = c == '{'
		case c == ']' || c == '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			s.i++
		case c == ',':
			s.i++
			inKey = len(stack) > 0 && stack[len(stack)-1].kind == '{'
		default:
			s.i++
		}
	}
	return depth, s.line
}

// scanner walks TOML text just well enough to find its structure.
type scanner struct {
	data []byte
	i    int
	line int
}

func (s *scanner) skipLine() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
}

// header reads a table header ([a.b] or [[a.b]]) and the rest of its line, and returns the
// number of key segments.
func (s *scanner) header() int {
	s.i++ // '['
	if s.i < len(s.data) && s.data[s.i] == '[' {
		s.i++
	}
	segs := 1
	for s.i < len(s.data) && s.data[s.i] != ']' && s.data[s.i] != '\n' {
		switch s.data[s.i] {
		case '"', '\'':
			s.str()
			continue
		case '.':
			segs++
		}
		s.i++
	}
	s.skipLine()
	return segs
}

// key reads a (dotted) key up to, not including, '=', and returns its number of segments.
func (s *scanner) key() int {
	segs := 1
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '=', '\n', '}', ',':
			return segs
		case '"', '\'':
			s.str()
			continue
		case '.':
			segs++
		}
		s.i++
	}
	return segs
}

// str skips a string of any of TOML's four kinds, starting at its opening quote.
func (s *scanner) str() {
	q := s.data[s.i]
	multi := s.i+2 < len(s.data) && s.data[s.i+1] == q && s.data[s.i+2] == q
	if multi {
		s.i += 3
	} else {
		s.i++
	}
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\\' && q == '"':
			s.i += 2
			continue
		case c == '\n':
			if !multi {
				return // unterminated: the parser will say so
			}
			s.line++
		case c == q:
			if !multi {
				s.i++
				return
			}
			if s.i+2 < len(s.data) && s.data[s.i+1] == q && s.data[s.i+2] == q {
				s.i += 3
				// A multi-line string may end with up to two more quotes: """a"""".
				for n := 0; n < 2 && s.i < len(s.data) && s.data[s.i] == q; n++ {
					s.i++
				}
				return
			}
		}
		s.i++
	}
}
