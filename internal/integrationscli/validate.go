package integrationscli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/suggest"
	"github.com/ably/ably-suite/pkg/userfile"
)

// checkOneOf refuses a flag value that is not one of allowed, suggesting the closest.
func checkOneOf(flag, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	msg := fmt.Sprintf("--%s %q: want one of %s", flag, v, strings.Join(allowed, ", "))
	if s, ok := suggest.Closest(v, allowed); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return exitcode.Usagef("%s", msg)
}

// checkRuleTypeName refuses a ruleType the API does not have, suggesting the closest.
func checkRuleTypeName(what, name string) (ruleType, error) {
	if t, ok := lookupRuleType(name); ok {
		return t, nil
	}
	names := ruleTypeNames()
	msg := fmt.Sprintf("%s %q is not a rule type", what, name)
	if s, ok := suggest.Closest(name, names); ok {
		msg += fmt.Sprintf(": did you mean %q?", s)
	}
	return ruleType{}, exitcode.Usagef("%s (types: %s)", msg, strings.Join(names, ", "))
}

// checkJSRegexp refuses only what no JavaScript regular expression can be (Ably matches
// channel names with JavaScript's syntax, which Go's regexp does not fully accept:
// lookarounds, backreferences): unbalanced parentheses, an unclosed character class, a
// trailing backslash, or a quantifier with nothing to repeat.
func checkJSRegexp(flag, re string) error {
	bad := func(why string) error {
		return exitcode.Usagef("--%s %q is not a regular expression: %s", flag, re, why)
	}
	depth, inClass, atStart := 0, false, true
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\':
			if i == len(re)-1 {
				return bad("it ends with a lone backslash")
			}
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(':
			depth++
			atStart = true
			continue
		case c == ')':
			if depth == 0 {
				return bad(fmt.Sprintf("the ) at offset %d closes no group", i))
			}
			depth--
		case c == '|':
			atStart = true
			continue
		case (c == '*' || c == '+' || c == '?') && atStart:
			if !(c == '?' && i > 0 && re[i-1] == '(') { // "(?:", "(?=" are groups
				return bad(fmt.Sprintf("the %c at offset %d has nothing to repeat", c, i))
			}
		}
		atStart = false
	}
	switch {
	case inClass:
		return bad("a [ is never closed with ]")
	case depth > 0:
		return bad("a ( is never closed with )")
	}
	return nil
}

// checkChatRoomFilter checks the API's form /REGEX/.
func checkChatRoomFilter(v string) error {
	if len(v) < 2 || !strings.HasPrefix(v, "/") || !strings.HasSuffix(v, "/") {
		return exitcode.Usagef("--%s %q: write the regular expression between slashes, e.g. /^chat:.*$/", flagChatRoomFilter, v)
	}
	return checkJSRegexp(flagChatRoomFilter, v[1:len(v)-1])
}

// maxSource caps a rule body or target read from a file or standard input.
const maxSource = 1 << 20

// readSource reads a file argument; "-" is standard input.
func readSource(env plugin.Env, flag, path string) ([]byte, error) {
	if path == "" {
		return nil, exitcode.Usagef("--%s is empty: give a file name, or - for standard input", flag)
	}
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(env.Stdin, maxSource+1))
		if err == nil && len(data) > maxSource {
			err = fmt.Errorf("larger than the limit of %s", userfile.Size(maxSource))
		}
	} else {
		data, err = userfile.Read(path, maxSource)
	}
	if err != nil {
		return nil, exitcode.Usagef("--%s %s: cannot read it: %v", flag, path, err)
	}
	return data, nil
}

// parseObject parses JSON that must be one object, naming the line and column of a syntax
// error.
func parseObject(what string, data []byte) (*node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, exitcode.Usagef("%s is empty: want a JSON object", what)
	}
	n, err := parseNode(data)
	if err != nil {
		// The streaming decoder's offsets are not always from the start: json.Unmarshal's are.
		var whole any
		if uerr := json.Unmarshal(data, &whole); uerr != nil {
			err = uerr
		}
		return nil, exitcode.Usagef("%s is not valid JSON: %s", what, describeJSONError(data, err))
	}
	if !n.isObject {
		return nil, exitcode.Usagef("%s must be a JSON object ({...}), not %s", what, jsonKind(n))
	}
	return n, nil
}

func describeJSONError(data []byte, err error) string {
	var offset int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "unexpected end of JSON input"):
		return "it ends too early (an unclosed { or [ or string?)"
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	}
	if offset < 0 {
		return err.Error()
	}
	// Offset counts the bytes read, the offending one included.
	line, col := 1, 1
	for _, b := range data[:min(max(int(offset)-1, 0), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d: %v", line, col, err)
}

func jsonKind(n *node) string {
	switch {
	case n.isArray:
		return "an array"
	case n.scalar == nil:
		return "null"
	}
	switch n.scalar.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}
