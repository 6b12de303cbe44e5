package control

import (
	"context"
	"fmt"
)

// Namespace is a channel rule (the Control API calls it a namespace).
type Namespace struct {
	AppID                   string `json:"appId"`
	ID                      string `json:"id"`
	Authenticated           bool   `json:"authenticated"`
	Persisted               bool   `json:"persisted"`
	PersistLast             bool   `json:"persistLast"`
	PushEnabled             bool   `json:"pushEnabled"`
	BatchingEnabled         bool   `json:"batchingEnabled"`
	BatchingInterval        *int   `json:"batchingInterval,omitempty"`
	ConflationEnabled       bool   `json:"conflationEnabled"`
	ConflationInterval      *int   `json:"conflationInterval,omitempty"`
	ConflationKey           string `json:"conflationKey,omitempty"`
	TLSOnly                 bool   `json:"tlsOnly"`
	ExposeTimeserial        bool   `json:"exposeTimeserial"`
	MutableMessages         bool   `json:"mutableMessages"`
	PopulateChannelRegistry bool   `json:"populateChannelRegistry"`
	Created                 int64  `json:"created"`
	Modified                int64  `json:"modified"`
}

// NamespaceFields are the settable fields of a channel rule; only those set are sent.
type NamespaceFields struct {
	Authenticated           *bool   `json:"authenticated,omitempty"`
	Persisted               *bool   `json:"persisted,omitempty"`
	PersistLast             *bool   `json:"persistLast,omitempty"`
	PushEnabled             *bool   `json:"pushEnabled,omitempty"`
	BatchingEnabled         *bool   `json:"batchingEnabled,omitempty"`
	BatchingInterval        *int    `json:"batchingInterval,omitempty"`
	ConflationEnabled       *bool   `json:"conflationEnabled,omitempty"`
	ConflationInterval      *int    `json:"conflationInterval,omitempty"`
	ConflationKey           *string `json:"conflationKey,omitempty"`
	TLSOnly                 *bool   `json:"tlsOnly,omitempty"`
	ExposeTimeserial        *bool   `json:"exposeTimeserial,omitempty"`
	MutableMessages         *bool   `json:"mutableMessages,omitempty"`
	PopulateChannelRegistry *bool   `json:"populateChannelRegistry,omitempty"`
}

// namespacePost is the create body: the ID (the channel name prefix) and the fields.
type namespacePost struct {
	ID string `json:"id"`
	NamespaceFields
}

// ListNamespaces lists the app's channel rules.
func (c *Client) ListNamespaces(ctx context.Context, appID string) ([]Namespace, error) {
	var ns []Namespace
	err := c.do(ctx, call{op: opListNamespaces, segments: []string{"apps", appID, "namespaces"}, notFound: fmt.Sprintf("app %q", appID)}, &ns)
	return ns, err
}

// CreateNamespace creates a channel rule for channels named id:*.
func (c *Client) CreateNamespace(ctx context.Context, appID, id string, f NamespaceFields) (*Namespace, error) {
	var n Namespace
	err := c.do(ctx, call{op: opCreateNamespace, segments: []string{"apps", appID, "namespaces"},
		body: namespacePost{ID: id, NamespaceFields: f}, notFound: fmt.Sprintf("app %q", appID)}, &n)
	return &n, err
}

// UpdateNamespace changes the fields set in f.
func (c *Client) UpdateNamespace(ctx context.Context, appID, id string, f NamespaceFields) (*Namespace, error) {
	var n Namespace
	err := c.do(ctx, call{op: opUpdateNamespace, segments: []string{"apps", appID, "namespaces", id}, body: f,
		notFound: fmt.Sprintf("channel rule %q of app %q", id, appID)}, &n)
	return &n, err
}

// DeleteNamespace deletes a channel rule.
func (c *Client) DeleteNamespace(ctx context.Context, appID, id string) error {
	return c.do(ctx, call{op: opDeleteNamespace, segments: []string{"apps", appID, "namespaces", id},
		notFound: fmt.Sprintf("channel rule %q of app %q", id, appID)}, nil)
}
