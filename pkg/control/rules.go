package control

import (
	"context"
	"encoding/json"
	"fmt"
)

// Rule is an integration rule. The common fields are decoded; Raw keeps the whole object as
// the API sent it, so rule types this suite does not model (or "unsupported") are shown and
// passed on intact, never dropped or rejected.
type Rule struct {
	ID          string          `json:"id"`
	AppID       string          `json:"appId"`
	RuleType    string          `json:"ruleType"`
	RequestMode string          `json:"requestMode"`
	Status      string          `json:"status"`
	Version     string          `json:"version"`
	Source      json.RawMessage `json:"source"`
	Target      json.RawMessage `json:"target"`
	Created     float64         `json:"created"`
	Modified    float64         `json:"modified"`
	Raw         json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the common fields and keeps the raw object. A rule whose common
// fields have unexpected types (a rule type this suite does not know may shape them
// differently) still decodes: each field is taken when it has the expected type, so one
// odd rule never breaks a listing.
func (r *Rule) UnmarshalJSON(data []byte) error {
	type plain Rule
	var p plain
	if err := json.Unmarshal(data, &p); err == nil {
		*r = Rule(p)
		r.Raw = append(json.RawMessage(nil), data...)
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err // not an object at all
	}
	*r = Rule{Raw: append(json.RawMessage(nil), data...), Source: fields["source"], Target: fields["target"]}
	for name, dst := range map[string]*string{"id": &r.ID, "appId": &r.AppID, "ruleType": &r.RuleType,
		"requestMode": &r.RequestMode, "status": &r.Status, "version": &r.Version} {
		_ = json.Unmarshal(fields[name], dst)
	}
	_ = json.Unmarshal(fields["created"], &r.Created)
	_ = json.Unmarshal(fields["modified"], &r.Modified)
	return nil
}

// MarshalJSON writes the rule as the API sent it.
func (r Rule) MarshalJSON() ([]byte, error) {
	if len(r.Raw) > 0 {
		return r.Raw, nil
	}
	type plain Rule
	return json.Marshal(plain(r))
}

// ListRules lists the app's integration rules.
func (c *Client) ListRules(ctx context.Context, appID string) ([]Rule, error) {
	var rules []Rule
	err := c.do(ctx, call{op: opListRules, segments: []string{"apps", appID, "rules"}, notFound: fmt.Sprintf("app %q", appID)}, &rules)
	return rules, err
}

// GetRule gets one integration rule.
func (c *Client) GetRule(ctx context.Context, appID, ruleID string) (*Rule, error) {
	var r Rule
	err := c.do(ctx, call{op: opGetRule, segments: []string{"apps", appID, "rules", ruleID},
		notFound: fmt.Sprintf("integration rule %q of app %q", ruleID, appID)}, &r)
	return &r, err
}

// CreateRule creates an integration rule from its JSON body (rule_post in the spec: ruleType,
// requestMode, source, target, ...), as built by the caller for any rule type.
func (c *Client) CreateRule(ctx context.Context, appID string, body json.RawMessage) (*Rule, error) {
	var r Rule
	err := c.do(ctx, call{op: opCreateRule, segments: []string{"apps", appID, "rules"}, body: body,
		contentType: "application/json", notFound: fmt.Sprintf("app %q", appID)}, &r)
	return &r, err
}

// UpdateRule changes a rule with a partial JSON body (rule_patch: only what changes).
func (c *Client) UpdateRule(ctx context.Context, appID, ruleID string, body json.RawMessage) (*Rule, error) {
	var r Rule
	err := c.do(ctx, call{op: opUpdateRule, segments: []string{"apps", appID, "rules", ruleID}, body: body,
		contentType: "application/json", notFound: fmt.Sprintf("integration rule %q of app %q", ruleID, appID)}, &r)
	return &r, err
}

// DeleteRule deletes an integration rule.
func (c *Client) DeleteRule(ctx context.Context, appID, ruleID string) error {
	return c.do(ctx, call{op: opDeleteRule, segments: []string{"apps", appID, "rules", ruleID},
		notFound: fmt.Sprintf("integration rule %q of app %q", ruleID, appID)}, nil)
}
