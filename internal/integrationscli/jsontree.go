package integrationscli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// node is a JSON value that keeps its object members in the order the API sent them, so a
// rule of any type (one this suite does not model included) can be masked, summarised and
// printed without losing or reordering anything.
type node struct {
	members           []member // an object (when isObject)
	items             []*node  // an array (when isArray)
	scalar            any      // string, json.Number, bool or nil otherwise
	isObject, isArray bool
}

type member struct {
	key string
	val *node
}

// parseNode reads exactly one JSON value.
func parseNode(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return n, nil
}

func readNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		n := &node{isObject: true}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{key: k.(string), val: v})
		}
		_, err := dec.Token() // '}'
		return n, err
	case json.Delim('['):
		n := &node{isArray: true}
		for dec.More() {
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
		}
		_, err := dec.Token() // ']'
		return n, err
	}
	return &node{scalar: tok}, nil
}

// MarshalJSON writes the value back, members in their order.
func (n *node) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := n.write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (n *node) write(b *bytes.Buffer) error {
	switch {
	case n == nil:
		b.WriteString("null")
	case n.isObject:
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeScalar(b, m.key)
			b.WriteByte(':')
			if err := m.val.write(b); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case n.isArray:
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := it.write(b); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		writeScalar(b, n.scalar)
	}
	return nil
}

func writeScalar(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false) // URLs keep their & and <
	_ = enc.Encode(v)        // strings, numbers, bools and null always encode
	b.Truncate(b.Len() - 1)  // Encode's newline
}

// get returns the member named key of an object (nil when absent or not an object).
func (n *node) get(key string) *node {
	if n == nil || !n.isObject {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// str is the value at a path of keys as text: strings as they are, numbers and bools
// printed, "" for anything absent, null or structured.
func (n *node) str(path ...string) string {
	for _, k := range path {
		n = n.get(k)
	}
	if n == nil || n.isObject || n.isArray || n.scalar == nil {
		return ""
	}
	if s, ok := n.scalar.(string); ok {
		return s
	}
	return fmt.Sprint(n.scalar)
}

// strings lists an array of scalars as text.
func (n *node) strings() []string {
	if n == nil || !n.isArray {
		return nil
	}
	var out []string
	for _, it := range n.items {
		if s := it.str(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// text renders any value for a human: scalars plainly, structures as compact JSON.
func (n *node) text() string {
	if n != nil && (n.isObject || n.isArray) {
		data, _ := n.MarshalJSON()
		return string(data)
	}
	if n == nil || n.scalar == nil {
		return "null"
	}
	return strings.TrimSpace(n.str())
}

// object returns an empty JSON object, to build request bodies in a readable order.
func object() *node { return &node{isObject: true} }

// value wraps a Go scalar (string, bool, int, json.Number, nil).
func value(v any) *node { return &node{scalar: v} }

// stringList wraps strings as a JSON array.
func stringList(ss []string) *node {
	n := &node{isArray: true}
	for _, s := range ss {
		n.items = append(n.items, value(s))
	}
	return n
}

// set adds or replaces a member of an object.
func (n *node) set(key string, v *node) *node {
	for i, m := range n.members {
		if m.key == key {
			n.members[i].val = v
			return n
		}
	}
	n.members = append(n.members, member{key: key, val: v})
	return n
}

// has reports whether an object has the member key.
func (n *node) has(key string) bool { return n.get(key) != nil }

// empty reports whether an object has no members.
func (n *node) empty() bool { return n == nil || len(n.members) == 0 }
