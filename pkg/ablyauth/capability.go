package ablyauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ably/ably-suite/pkg/suggest"
)

// operations are the channel capability operations Ably knows, in the order of its docs.
// "*" (every operation) is also accepted.
var operations = [...]string{
	"subscribe", "publish", "presence", "history", "stats", "channel-metadata",
	"push-subscribe", "push-admin", "privileged-headers", "object-subscribe", "object-publish",
	"annotation-subscribe", "annotation-publish", "message-update-own", "message-update-any",
	"message-delete-own", "message-delete-any",
}

// Operations returns the known channel capability operations, in the order of Ably's docs.
func Operations() []string { return append([]string(nil), operations[:]...) }

// DefaultCapability grants every operation on every resource.
const DefaultCapability = `{"*":["*"]}`

// Capability maps a resource name (a channel name or pattern, or "*") to its operations.
type Capability map[string][]string

// JSON is the capability's canonical compact form: resources sorted, operations as given.
func (c Capability) JSON() string {
	b, _ := json.Marshal(map[string][]string(c)) // a map of strings cannot fail to marshal
	return string(b)
}

// Resources lists the resource names in sorted order.
func (c Capability) Resources() []string {
	rs := make([]string, 0, len(c))
	for r := range c {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}

// ParseCapability parses and checks a capability given as JSON: an object of resource name
// to a non-empty array of known operations. Errors say where and what would be right.
func ParseCapability(s string) (Capability, error) {
	if s == DefaultCapability { // every token command's default: no JSON decoder at start-up
		return Capability{"*": {"*"}}, nil
	}
	data := []byte(s)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New(`capability is empty: want a JSON object such as '{"my-channel":["publish","subscribe"]}'`)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, capabilityJSONError(data, err)
	}
	if top == nil { // the JSON was null
		return nil, errors.New(`capability must be a JSON object of resource to operations, not null`)
	}
	// encoding/json keeps the last of a repeated name: a resource given twice would lose
	// the operations of the first silently.
	if err := duplicateResource(data); err != nil {
		return nil, err
	}
	c := make(Capability, len(top))
	for r, raw := range top {
		var ops []string
		if err := json.Unmarshal(raw, &ops); err != nil {
			var typ *json.UnmarshalTypeError
			isArray := bytes.HasPrefix(bytes.TrimSpace(raw), []byte("["))
			if errors.As(err, &typ) && isArray {
				return nil, fmt.Errorf("capability for %q: operations must be strings, found a JSON %s", r, typ.Value)
			}
			if errors.As(err, &typ) {
				return nil, fmt.Errorf("capability for %q must be an array of operation strings, not a JSON %s", r, typ.Value)
			}
			return nil, fmt.Errorf("capability for %q: %v", r, err)
		}
		c[r] = ops
	}
	if len(c) == 0 {
		return nil, errors.New(`capability grants nothing: give at least one resource, e.g. '{"*":["subscribe"]}'`)
	}
	for _, r := range c.Resources() {
		if r == "" {
			return nil, errors.New(`capability has an empty resource name: use "*" for every channel`)
		}
		ops := c[r]
		if len(ops) == 0 {
			return nil, fmt.Errorf("capability for %q has no operations: list at least one, e.g. [\"subscribe\"], or [\"*\"] for all", r)
		}
		for _, op := range ops {
			if !knownOperation(op) {
				return nil, fmt.Errorf("capability for %q has unknown operation %q: %s", r, op, suggestOperation(op))
			}
		}
	}
	return c, nil
}

// CheckOperation says whether op is a known capability operation ("*" included), naming the
// closest known one when it is not.
func CheckOperation(op string) error {
	if knownOperation(op) {
		return nil
	}
	return errors.New(suggestOperation(op))
}

func knownOperation(op string) bool {
	if op == "*" {
		return true
	}
	for _, k := range operations {
		if op == k {
			return true
		}
	}
	return false
}

// suggestOperation names the closest known operation to op, and where the full list is.
func suggestOperation(op string) string {
	if lower := strings.ToLower(op); lower != op && knownOperation(lower) {
		return fmt.Sprintf("did you mean %q? (operations are lower case)", lower)
	}
	if best, ok := suggest.Closest(op, operations[:]); ok {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return fmt.Sprintf("known operations are %s, or \"*\"", strings.Join(operations[:], ", "))
}

// duplicateResource walks the top-level object of data (valid JSON, already decoded) and
// names the first resource given more than once, where it is repeated, and the one entry
// that would say it all. Names are compared decoded, so "chat" and "\u0063hat" are the same
// resource, as Ably would read them.
func duplicateResource(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil // not an object: the caller's decoding has said what is wrong
	}
	seen := map[string][]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		r, ok := tok.(string)
		if !ok {
			return nil
		}
		end := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil
		}
		if prev, dup := seen[r]; dup {
			line, col := position(data, stringStart(data, end)+1)
			return fmt.Errorf("capability names resource %q twice (again at line %d, column %d): give each resource once, with all its operations in one array%s",
				r, line, col, mergedHint(r, append(prev, raw)))
		}
		seen[r] = []json.RawMessage{raw}
	}
	return nil
}

// stringStart is the offset of the opening quote of the JSON string that ends just before
// end (the offset past its closing quote).
func stringStart(data []byte, end int64) int64 {
	for i := end - 2; i >= 0; i-- {
		if data[i] != '"' {
			continue
		}
		backslashes := 0
		for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
	}
	return 0
}

// mergedHint is ", e.g. {"r":[ops of every entry]}" when each entry is an array of strings,
// else "".
func mergedHint(r string, entries []json.RawMessage) string {
	var merged []string
	for _, raw := range entries {
		var ops []string
		if json.Unmarshal(raw, &ops) != nil {
			return ""
		}
		for _, op := range ops {
			if !slices.Contains(merged, op) {
				merged = append(merged, op)
			}
		}
	}
	if len(merged) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string][]string{r: merged}) // strings always marshal
	return ", e.g. " + string(b)
}

// capabilityJSONError turns a JSON decoding error into one naming line and column.
func capabilityJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		line, col := position(data, int64(len(data))+1)
		return fmt.Errorf("capability is not valid JSON: it ends early at line %d, column %d (a missing '}', ']' or '\"'?)", line, col)
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Errorf("capability is not valid JSON at line %d, column %d: %s", line, col, syn.Error())
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Errorf("capability at line %d, column %d: found a JSON %s, want an object of resource name to an array of operation strings, e.g. {\"my-channel\":[\"publish\"]}", line, col, typ.Value)
	}
	return fmt.Errorf("capability is not valid JSON: %v", err)
}

// position converts a byte offset (the count of bytes read, as encoding/json reports it) to
// a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data))+1)
	line, col = 1, 1
	for _, b := range data[:max(offset-1, 0)] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
