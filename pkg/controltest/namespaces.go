package controltest

import (
	"fmt"
	"net/http"
	"slices"
)

// Namespace is a channel rule (namespace), as namespace_response describes it, plus
// "identified", which the real API returns although the spec does not list it.
type Namespace struct {
	AppID                   string  `json:"appId"`
	ID                      string  `json:"id"`
	Authenticated           bool    `json:"authenticated"`
	Identified              bool    `json:"identified"`
	Persisted               bool    `json:"persisted"`
	PersistLast             bool    `json:"persistLast"`
	PushEnabled             bool    `json:"pushEnabled"`
	BatchingEnabled         bool    `json:"batchingEnabled"`
	BatchingInterval        *int    `json:"batchingInterval,omitempty"` // ms
	ConflationEnabled       bool    `json:"conflationEnabled"`
	ConflationInterval      *int    `json:"conflationInterval,omitempty"` // ms
	ConflationKey           *string `json:"conflationKey,omitempty"`
	TLSOnly                 bool    `json:"tlsOnly"`
	ExposeTimeserial        bool    `json:"exposeTimeserial"`
	MutableMessages         bool    `json:"mutableMessages"`
	PopulateChannelRegistry bool    `json:"populateChannelRegistry"`
	Created                 int64   `json:"created"`
	Modified                int64   `json:"modified"`
}

// AddNamespace adds a namespace to an app and returns it as stored. It panics if the app
// does not exist, or the namespace does.
func (s *Server) AddNamespace(appID string, n Namespace) Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app(appID) == nil {
		panic(fmt.Sprintf("controltest: AddNamespace: no app %q", appID))
	}
	if n.ID == "" || s.namespace(appID, n.ID) != nil {
		panic(fmt.Sprintf("controltest: AddNamespace: namespace ID %q is empty or taken", n.ID))
	}
	return *s.addNamespace(appID, n)
}

// Namespaces returns an app's namespaces, oldest first.
func (s *Server) Namespaces(appID string) []Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Namespace
	for _, n := range s.namespaces {
		if n.AppID == appID {
			out = append(out, *n)
		}
	}
	return out
}

func (s *Server) addNamespace(appID string, n Namespace) *Namespace {
	n.AppID = appID
	if n.Created == 0 {
		n.Created = s.nowMillis()
	}
	if n.Modified == 0 {
		n.Modified = n.Created
	}
	s.namespaces = append(s.namespaces, &n)
	return &n
}

func (s *Server) namespace(appID, id string) *Namespace {
	for _, n := range s.namespaces {
		if n.AppID == appID && n.ID == id {
			return n
		}
	}
	return nil
}

func (s *Server) listNamespaces(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	listForApp(s, c, s.namespaces, func(n *Namespace) string { return n.AppID })
}

func (s *Server) createNamespace(c *call) {
	f, ok := c.readObject()
	if !ok {
		return
	}
	var n Namespace
	f.get("id", &n.ID)
	applyNamespaceFields(f, &n)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if m := f.missing("id"); len(m) > 0 {
		c.invalid(true, "%s is required", m[0])
		return
	}
	if err := checkNamespace(&n); err != nil {
		c.invalid(true, "%v", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	if s.namespace(a.ID, n.ID) != nil {
		c.invalid(true, "namespace %q already exists in app %q", n.ID, a.ID)
		return
	}
	writeJSON(c.w, http.StatusCreated, *s.addNamespace(a.ID, n))
}

func (s *Server) updateNamespace(c *call) {
	f, ok := c.readObject()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.ownNamespace(c)
	if n == nil {
		return
	}
	next := *n
	applyNamespaceFields(f, &next)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if err := checkNamespace(&next); err != nil {
		c.invalid(false, "%v", err) // the operation documents no 422
		return
	}
	next.Modified = s.nowMillis()
	*n = next
	writeJSON(c.w, http.StatusOK, next)
}

func (s *Server) deleteNamespace(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.ownNamespace(c)
	if n == nil {
		return
	}
	s.namespaces = slices.DeleteFunc(s.namespaces, func(x *Namespace) bool { return x == n })
	c.w.WriteHeader(http.StatusNoContent)
}

// ownNamespace finds the path's namespace, answering 404 itself. The caller holds s.mu.
func (s *Server) ownNamespace(c *call) *Namespace {
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return nil
	}
	id := c.r.PathValue("namespace_id")
	if n := s.namespace(a.ID, id); n != nil {
		return n
	}
	c.notFound("namespace %q not found in app %q", id, a.ID)
	return nil
}

func applyNamespaceFields(f *fields, n *Namespace) {
	f.get("authenticated", &n.Authenticated)
	f.get("identified", &n.Identified)
	f.get("persisted", &n.Persisted)
	f.get("persistLast", &n.PersistLast)
	f.get("pushEnabled", &n.PushEnabled)
	f.get("batchingEnabled", &n.BatchingEnabled)
	getNew(f, "batchingInterval", &n.BatchingInterval)
	f.get("conflationEnabled", &n.ConflationEnabled)
	getNew(f, "conflationInterval", &n.ConflationInterval)
	getNew(f, "conflationKey", &n.ConflationKey)
	f.get("tlsOnly", &n.TLSOnly)
	f.get("exposeTimeserial", &n.ExposeTimeserial)
	f.get("mutableMessages", &n.MutableMessages)
	f.get("populateChannelRegistry", &n.PopulateChannelRegistry)
}

func checkNamespace(n *Namespace) error {
	if v := n.BatchingInterval; v != nil && (*v < 20 || *v > 1000) {
		return fmt.Errorf("batchingInterval must be from 20 to 1000 ms, not %d", *v)
	}
	if v := n.ConflationInterval; v != nil && *v <= 0 {
		return fmt.Errorf("conflationInterval must be positive, not %d", *v)
	}
	return nil
}
