package controltest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
)

// fields is a JSON object body kept as raw members, so that a handler can tell a field that
// is absent from one set to its zero value: a PATCH changes only what it names.
type fields struct {
	raw  map[string]json.RawMessage
	used map[string]bool
	err  error // the first type error met
}

// readObject parses the request body as a JSON object, answering 400 itself if it is not one.
func (c *call) readObject() (*fields, bool) {
	data, err := io.ReadAll(c.r.Body)
	if err != nil {
		c.badRequest("reading the request body: %v", err)
		return nil, false
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		if err == nil {
			err = fmt.Errorf("want a JSON object")
		}
		writeError(c.w, http.StatusBadRequest, CodeInvalidBody, "the request body is not a JSON object: %v", err)
		return nil, false
	}
	return &fields{raw: raw, used: map[string]bool{}}, true
}

// has reports whether the body names the field (even as null).
func (f *fields) has(name string) bool {
	_, ok := f.raw[name]
	return ok
}

// isNull reports whether the body sets the field to null.
func (f *fields) isNull(name string) bool {
	v, ok := f.raw[name]
	return ok && bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// get decodes a present field into dst (a pointer); a nullable pointer field takes null.
// Absent fields leave dst alone.
func (f *fields) get(name string, dst any) {
	v, ok := f.raw[name]
	if !ok {
		return
	}
	f.used[name] = true
	if f.err != nil {
		return
	}
	if err := json.Unmarshal(v, dst); err != nil {
		f.err = fmt.Errorf("field %q: %s", name, typeProblem(err))
	}
}

// getNew decodes a present field into a new value and points dst at it. Decoding into
// what dst points at now would write through a pointer that copies of the stored object
// (earlier answers, the object before a failed PATCH) share.
func getNew[T any](f *fields, name string, dst **T) {
	if !f.has(name) {
		return
	}
	var v *T
	f.get(name, &v)
	*dst = v
}

// check is the first problem with the body: a type error, then a field the operation does
// not take.
func (f *fields) check() error {
	if f.err != nil {
		return f.err
	}
	var unknown []string
	for name := range f.raw {
		if !f.used[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("unknown field %q", unknown[0])
	}
	return nil
}

func typeProblem(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Sprintf("want %s, got a JSON %s", te.Type, te.Value)
	}
	return err.Error()
}

// missing lists the required fields the body lacks or sets to null or "".
func (f *fields) missing(names ...string) []string {
	var out []string
	for _, n := range names {
		v, ok := f.raw[n]
		if !ok || f.isNull(n) || bytes.Equal(bytes.TrimSpace(v), []byte(`""`)) {
			out = append(out, n)
		}
	}
	return out
}
