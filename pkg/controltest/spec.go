package controltest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Spec is a loaded OpenAPI description of the Control API. It is read-only once loaded, so
// one Spec can serve many servers at once.
type Spec struct {
	path   string
	doc    *openapi3.T
	router routers.Router
	server *url.URL // the spec's server URL; requests are routed as if sent to it
}

// LoadSpec reads and checks an OpenAPI 3 description (control-v1.yaml). The YAML is read
// as YAML 1.2, so the unquoted `off` in the MongoDB rule enums stays the string "off".
func LoadSpec(path string) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading the Control API spec: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the Control API spec %s is not valid OpenAPI: %w", path, err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("the Control API spec %s names no server", path)
	}
	server, err := url.Parse(doc.Servers[0].URL)
	if err != nil || server.Host == "" {
		return nil, fmt.Errorf("the Control API spec %s: server URL %q is not absolute", path, doc.Servers[0].URL)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the Control API spec %s: %w", path, err)
	}
	return &Spec{path: path, doc: doc, router: router, server: server}, nil
}

// Path is the file the spec was loaded from.
func (sp *Spec) Path() string { return sp.path }

// ValidateWith loads the OpenAPI description at specPath and makes the server check every
// request it receives and every response it sends against it (see SpecViolations).
func (s *Server) ValidateWith(specPath string) error {
	sp, err := LoadSpec(specPath)
	if err != nil {
		return err
	}
	s.UseSpec(sp)
	return nil
}

// UseSpec turns validation on against an already loaded spec, or off with nil.
func (s *Server) UseSpec(sp *Spec) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spec = sp
}

// Spec is the spec the server validates against; nil when validation is off.
func (s *Server) Spec() *Spec {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spec
}

// SpecViolations lists what did not conform to the spec, one line each, in the order met:
//
//	POST /v1/apps/x/keys: request: ...     the client sent something the spec does not allow
//	GET /v1/me -> 200: response: ...       the fake answered something it does not allow
//
// Not checked, on purpose: responses from an injected fault, responses with a status the
// operation does not document (403 for a missing capability, 429), and the fields the real
// API returns beyond the spec (stats' inProgress, namespaces' identified).
func (s *Server) SpecViolations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// ResetSpecViolations forgets the violations recorded so far.
func (s *Server) ResetSpecViolations() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = nil
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

// specCheck carries a validated request to the validation of its response.
type specCheck struct {
	spec  *Spec
	input *openapi3filter.RequestValidationInput
	what  string // "METHOD /path" for messages
}

// checkRequest validates a request, recording what is wrong; nil means there is no
// operation to check the response against (or validation is off).
func (s *Server) checkRequest(r *http.Request, body []byte) *specCheck {
	s.mu.Lock()
	sp := s.spec
	s.mu.Unlock()
	if sp == nil {
		return nil
	}
	what := r.Method + " " + r.URL.EscapedPath()
	// Route as if the request had gone to the spec's server (https://control.ably.net/v1).
	u := *r.URL
	u.Scheme, u.Host = sp.server.Scheme, sp.server.Host
	req := r.Clone(context.Background())
	req.URL, req.Host, req.RequestURI = &u, u.Host, ""
	req.Body = io.NopCloser(bytes.NewReader(body))

	route, params, err := sp.router.FindRoute(req)
	if err != nil {
		s.violate("%s: request: no such operation in the spec (%v)", what, err)
		return nil
	}
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: validationOptions()}
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
		s.violate("%s: request: %s", what, describe(err))
	}
	return &specCheck{spec: sp, input: input, what: what}
}

// checkResponse validates the response the server gave to a checked request.
func (s *Server) checkResponse(c *specCheck, rec *recorder) {
	body := withoutKnownExtras(c.input.Route.Path, rec.status, rec.body.Bytes())
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: c.input,
		Status:                 rec.status,
		Header:                 rec.Header(),
		Options:                validationOptions(),
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		s.violate("%s -> %d: response: %s", c.what, rec.status, describe(err))
	}
}

func validationOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		// Whether the token is good is the fake's business; the spec only requires a bearer.
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				return errors.New(`no "Authorization: Bearer <token>" header`)
			}
			return nil
		},
		SkipSettingDefaults: true,
		MultiError:          true,
	}
	o.WithCustomSchemaErrorFunc(func(e *openapi3.SchemaError) string {
		msg := e.Reason
		if e.Origin != nil {
			msg += " (" + describe(e.Origin) + ")"
		}
		if p := e.JSONPointer(); len(p) > 0 {
			return "at /" + strings.Join(p, "/") + ": " + msg
		}
		return msg
	})
	return o
}

// describe flattens a validation error into one line, keeping where the problem is (which
// parameter, the body) and dropping the schema dumps kin-openapi's own messages carry.
func describe(err error) string {
	switch e := err.(type) {
	case openapi3.MultiError:
		var parts []string
		for _, x := range e {
			parts = append(parts, describe(x))
		}
		return strings.Join(slices.Compact(parts), "; ")
	case *openapi3filter.RequestError:
		where := ""
		switch {
		case e.Parameter != nil:
			where = fmt.Sprintf("parameter %q in %s: ", e.Parameter.Name, e.Parameter.In)
		case e.RequestBody != nil:
			where = "body: "
		}
		return where + reason(e.Reason, e.Err)
	case *openapi3filter.ResponseError:
		return reason(e.Reason, e.Err)
	case *openapi3filter.SecurityRequirementsError:
		var parts []string
		for _, x := range e.Errors {
			parts = append(parts, describe(x))
		}
		return "security: " + strings.Join(slices.Compact(parts), "; ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

func reason(why string, err error) string {
	if err == nil {
		return why
	}
	if why == "" || why == err.Error() {
		return describe(err)
	}
	return why + ": " + describe(err)
}

// withoutKnownExtras drops the fields the real API returns although the spec, which says
// additionalProperties: false, does not list them; anything else unlisted stays a violation.
func withoutKnownExtras(path string, status int, body []byte) []byte {
	var extra string
	switch path {
	case "/accounts/{id}/stats", "/apps/{id}/stats":
		extra = "inProgress"
	case "/apps/{app_id}/namespaces", "/apps/{app_id}/namespaces/{namespace_id}":
		extra = "identified"
	}
	if extra == "" || status/100 != 2 {
		return body
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return body
	}
	objects := []any{doc}
	if list, ok := doc.([]any); ok {
		objects = list
	}
	for _, o := range objects {
		if m, ok := o.(map[string]any); ok {
			delete(m, extra)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
