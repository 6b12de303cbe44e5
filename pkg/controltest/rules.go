package controltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
)

// Rule is an integration rule as the API returns it: a JSON object. The fake does not
// model rule types: whatever object a client creates (any ruleType, including ones newer
// than the spec or "unsupported") is stored as it came, with id, appId, created, modified,
// status and version added.
type Rule map[string]any

// ID is the rule's ID.
func (r Rule) ID() string { s, _ := r["id"].(string); return s }

// AppID is the ID of the rule's app.
func (r Rule) AppID() string { s, _ := r["appId"].(string); return s }

// RuleType is the rule's ruleType, e.g. "http" or "aws/lambda".
func (r Rule) RuleType() string { s, _ := r["ruleType"].(string); return s }

// ruleVersion is the version the API gives new rules (of their event payloads).
const ruleVersion = "1.2"

// AddRule adds a rule to an app and returns it as stored. rule is a JSON object, given as
// JSON text (string, []byte, json.RawMessage) or as a value that encodes to one (a map, a
// struct, a Rule). It panics if the app does not exist or rule is not an object.
func (s *Server) AddRule(appID string, rule any) Rule {
	var data []byte
	switch v := rule.(type) {
	case string:
		data = []byte(v)
	case []byte:
		data = v
	case json.RawMessage:
		data = v
	default:
		var err error
		if data, err = json.Marshal(v); err != nil {
			panic(fmt.Sprintf("controltest: AddRule: %v", err))
		}
	}
	r, err := decodeRule(bytes.NewReader(data))
	if err != nil {
		panic(fmt.Sprintf("controltest: AddRule: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app(appID) == nil {
		panic(fmt.Sprintf("controltest: AddRule: no app %q", appID))
	}
	return cloneRule(s.addRule(appID, r))
}

// Rules returns an app's rules, oldest first.
func (s *Server) Rules(appID string) []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Rule
	for _, r := range s.rules {
		if r.AppID() == appID {
			out = append(out, cloneRule(r))
		}
	}
	return out
}

// addRule stamps and stores a rule; the caller holds s.mu.
func (s *Server) addRule(appID string, r Rule) Rule {
	if r.ID() == "" {
		r["id"] = s.newID()
	}
	r["appId"] = appID
	now := json.Number(fmt.Sprint(s.nowMillis()))
	if _, ok := r["created"]; !ok {
		r["created"] = now
	}
	r["modified"] = now
	if _, ok := r["status"]; !ok {
		r["status"] = "enabled"
	}
	if _, ok := r["version"]; !ok {
		r["version"] = ruleVersion
	}
	s.rules = append(s.rules, r)
	return r
}

func (s *Server) listRules(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	out := []Rule{}
	for _, r := range s.rules {
		if r.AppID() == a.ID {
			out = append(out, publicRule(r))
		}
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Server) createRule(c *call) {
	r, err := decodeRule(c.r.Body)
	if err != nil {
		writeError(c.w, http.StatusBadRequest, CodeInvalidBody, "the request body is not a JSON object: %v", err)
		return
	}
	if r.RuleType() == "" {
		c.invalid(true, "ruleType is required")
		return
	}
	if _, ok := r["target"].(map[string]any); !ok {
		c.invalid(true, "target is required: an object describing where the rule sends to or reads from")
		return
	}
	for _, k := range []string{"id", "appId", "created", "modified", "version"} {
		delete(r, k) // the API's to set
	}
	fillServerDefaults(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	writeJSON(c.w, http.StatusCreated, publicRule(s.addRule(a.ID, r)))
}

func (s *Server) getRule(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.ownRule(c); r != nil {
		writeJSON(c.w, http.StatusOK, publicRule(r))
	}
}

// updateRule applies the body as a JSON merge patch (RFC 7386): objects merge, null removes,
// anything else replaces, so a PATCH changes only what it names.
func (s *Server) updateRule(c *call) {
	patch, err := decodeRule(c.r.Body)
	if err != nil {
		writeError(c.w, http.StatusBadRequest, CodeInvalidBody, "the request body is not a JSON object: %v", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.ownRule(c)
	if r == nil {
		return
	}
	if t, ok := patch["ruleType"]; ok && t != r["ruleType"] {
		c.invalid(true, "ruleType cannot change (the rule is %q)", r.RuleType())
		return
	}
	for _, k := range []string{"id", "appId", "created", "modified", "version"} {
		delete(patch, k)
	}
	mergePatch(r, patch)
	r["modified"] = json.Number(fmt.Sprint(s.nowMillis()))
	writeJSON(c.w, http.StatusOK, publicRule(r))
}

func (s *Server) deleteRule(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.ownRule(c)
	if r == nil {
		return
	}
	id := r.ID()
	s.rules = slices.DeleteFunc(s.rules, func(x Rule) bool { return x.ID() == id })
	c.w.WriteHeader(http.StatusNoContent)
}

// ownRule finds the path's rule, answering 404 itself. The caller holds s.mu.
func (s *Server) ownRule(c *call) Rule {
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return nil
	}
	id := c.r.PathValue("rule_id")
	for _, r := range s.rules {
		if r.AppID() == a.ID && r.ID() == id {
			return r
		}
	}
	c.notFound("rule %q not found in app %q", id, a.ID)
	return nil
}

// decodeRule reads one JSON object, keeping numbers exact.
func decodeRule(body io.Reader) (Rule, error) {
	dec := json.NewDecoder(body)
	dec.UseNumber()
	var r Rule
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("want a JSON object, got null")
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return r, nil
}

func mergePatch(dst, patch map[string]any) {
	for k, v := range patch {
		switch v := v.(type) {
		case nil:
			delete(dst, k)
		case map[string]any:
			cur, ok := dst[k].(map[string]any)
			if !ok {
				cur = map[string]any{}
				dst[k] = cur
			}
			mergePatch(cur, v)
		default:
			dst[k] = v
		}
	}
}

func cloneRule(r Rule) Rule {
	data, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("controltest: copying a rule: %v", err))
	}
	out, err := decodeRule(bytes.NewReader(data))
	if err != nil {
		panic(fmt.Sprintf("controltest: copying a rule: %v", err))
	}
	return out
}

// fillServerDefaults sets what the API sets on a new rule when the body leaves it out: the
// text-moderation types' create bodies carry no source, yet their responses always have one,
// and a chat room filter.
func fillServerDefaults(r Rule) {
	switch r.RuleType() {
	case "hive/text-model-only", "bodyguard/text-moderation", "tisane/text-moderation", "azure/text-moderation":
		if _, ok := r["source"]; !ok {
			r["source"] = map[string]any{"channelFilter": "", "type": "channel.message"}
		}
		if _, ok := r["chatRoomFilter"]; !ok {
			r["chatRoomFilter"] = "/.*/"
		}
	}
}

// publicRule is a rule as the API shows it: the AWS secret access key is stored but never
// sent back (aws_access_keys_response has no such field).
func publicRule(r Rule) Rule {
	target, ok := r["target"].(map[string]any)
	if !ok {
		return r
	}
	auth, ok := target["authentication"].(map[string]any)
	if !ok {
		return r
	}
	if _, has := auth["secretAccessKey"]; !has {
		return r
	}
	out := maps.Clone(r)
	t := maps.Clone(target)
	a := maps.Clone(auth)
	delete(a, "secretAccessKey")
	t["authentication"] = a
	out["target"] = t
	return out
}
