// Package openapi holds a fake (pkg/fakeserver) to an API's published OpenAPI description:
// Load reads one (with kin-openapi), and Spec.Checker makes the fakeserver.Checker that checks
// every request a fake receives and every response it sends against it, with the Rules where
// the fake departs from the description on purpose. It is for tests: the installed suite
// never links it (the emulator serves the same fakes unchecked).
package openapi

import (
	"bytes"
	"context"
	"encoding/base64"
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

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// Spec is a loaded OpenAPI description of an API. It is read-only once loaded, so one Spec
// can serve many servers at once.
type Spec struct {
	path   string
	doc    *openapi3.T
	router routers.Router
	server *url.URL // the spec's server URL; requests are routed as if sent to it
}

// Option adjusts how Load reads a description.
type Option func(*specLoad)

type specLoad struct {
	tolerate []openapi3.ValidationOption
	amend    []func(*openapi3.T) error
}

// Tolerating passes kin-openapi validation options to the check of the description
// itself, for a published description with flaws that do not touch what a fake checks
// (openapi3.DisableExamplesValidation for examples that break their own schema).
func Tolerating(opts ...openapi3.ValidationOption) Option {
	return func(l *specLoad) { l.tolerate = append(l.tolerate, opts...) }
}

// Amending changes the loaded description before it is checked and routed, for a mistake
// in it that would make every conforming request or response a violation. Each amendment
// must be documented where it is made.
func Amending(fix func(*openapi3.T) error) Option {
	return func(l *specLoad) { l.amend = append(l.amend, fix) }
}

// Load reads and checks an OpenAPI 3 description. The YAML is read as YAML 1.2, so an
// unquoted `off` stays the string "off".
func Load(path string, opts ...Option) (*Spec, error) {
	var l specLoad
	for _, o := range opts {
		o(&l)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading the API spec %s: %w", path, err)
	}
	for _, fix := range l.amend {
		if err := fix(doc); err != nil {
			return nil, fmt.Errorf("the API spec %s: %w", path, err)
		}
	}
	if err := doc.Validate(loader.Context, l.tolerate...); err != nil {
		return nil, fmt.Errorf("the API spec %s is not valid OpenAPI: %w", path, err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("the API spec %s names no server", path)
	}
	server, err := url.Parse(doc.Servers[0].URL)
	if err != nil || server.Host == "" {
		return nil, fmt.Errorf("the API spec %s: server URL %q is not absolute", path, doc.Servers[0].URL)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the API spec %s: %w", path, err)
	}
	return &Spec{path: path, doc: doc, router: router, server: server}, nil
}

// Path is the file the spec was loaded from.
func (sp *Spec) Path() string { return sp.path }

// Rules is how an API's fake applies its spec beyond what the description says. The zero
// value checks everything as described.
type Rules struct {
	// Authenticate says whether a request carries credentials of the kind a security
	// scheme of its operation asks for (whether they are good is the fake's business).
	// nil is CredentialsShaped.
	Authenticate func(Auth) error
	// RequestBody and ResponseBody, if set, rewrite a body before it is checked, for where
	// the real API and the description knowingly differ; the fake's answer itself is not
	// changed. route is the operation's path in the spec, e.g. "/apps/{id}/stats".
	RequestBody  func(route string, body []byte) []byte
	ResponseBody func(route string, status int, body []byte) []byte
	// Unspecified are the operations the fake serves although the description lacks
	// them, as "METHOD /pattern" with fakeserver.MatchPath's patterns ("POST /keys/*/revokeTokens").
	// Their requests and responses are not checked; other unknown paths are violations.
	Unspecified []string
}

// Auth is one security scheme of an operation, to be satisfied by a request.
type Auth struct {
	Request *http.Request
	Body    []byte // the request body (Request.Body is not to be read)
	Route   string // the operation's path in the spec
	Scheme  *openapi3.SecurityScheme
}

// CredentialsShaped is the default Rules.Authenticate: an http scheme wants an
// "Authorization: Bearer <token>" or "Authorization: Basic <base64 of user:password>"
// header, an apiKey scheme its header, query parameter or cookie.
func CredentialsShaped(a Auth) error {
	sc := a.Scheme
	switch sc.Type {
	case "http":
		want := strings.ToLower(sc.Scheme) // the spec's "bearer" or "basic"
		scheme, cred, _ := strings.Cut(a.Request.Header.Get("Authorization"), " ")
		cred = strings.TrimSpace(cred)
		if !strings.EqualFold(scheme, want) || cred == "" {
			switch want {
			case "bearer":
				return errors.New(`no "Authorization: Bearer <token>" header`)
			case "basic":
				return errors.New(`no "Authorization: Basic <base64 of user:password>" header`)
			}
			return fmt.Errorf(`no "Authorization: %s ..." header`, sc.Scheme)
		}
		if want == "basic" {
			raw, err := base64.StdEncoding.DecodeString(cred)
			if err != nil || !bytes.Contains(raw, []byte(":")) {
				return errors.New(`"Authorization: Basic" does not hold base64 of user:password`)
			}
		}
	case "apiKey":
		var found bool
		switch sc.In {
		case "header":
			found = a.Request.Header.Get(sc.Name) != ""
		case "query":
			found = a.Request.URL.Query().Has(sc.Name)
		case "cookie":
			_, err := a.Request.Cookie(sc.Name)
			found = err == nil
		}
		if !found {
			return fmt.Errorf("no API key %q in the %s", sc.Name, sc.In)
		}
	}
	return nil
}

// Checker is the check of a fake's traffic against the spec, with rules.
func (sp *Spec) Checker(rules Rules) fakeserver.Checker { return &checker{spec: sp, rules: rules} }

type checker struct {
	spec  *Spec
	rules Rules
}

// Check checks a request, returning what is wrong with it and the check of its response
// (nil when there is no operation to check it against).
func (c *checker) Check(r *http.Request, body []byte) ([]string, fakeserver.ResponseCheck) {
	sp := c.spec
	what := r.Method + " " + r.URL.EscapedPath()
	// Route as if the request had gone to the spec's server (https://control.ably.net/v1).
	u := *r.URL
	u.Scheme, u.Host = sp.server.Scheme, sp.server.Host
	req := r.Clone(context.Background())
	req.URL, req.Host, req.RequestURI = &u, u.Host, ""

	route, params, err := sp.router.FindRoute(req)
	if err != nil {
		if c.unspecified(r) {
			return nil, nil
		}
		return []string{fmt.Sprintf("%s: request: no such operation in the spec (%v)", what, err)}, nil
	}
	checked := body
	if c.rules.RequestBody != nil {
		checked = c.rules.RequestBody(route.Path, slices.Clone(body))
	}
	req.Body = io.NopCloser(bytes.NewReader(checked))
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: c.validationOptions(route.Path, body)}
	var problems []string
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
		problems = append(problems, fmt.Sprintf("%s: request: %s", what, describe(err)))
	}
	return problems, func(status int, header http.Header, body []byte) []string {
		if c.rules.ResponseBody != nil {
			body = c.rules.ResponseBody(input.Route.Path, status, slices.Clone(body))
		}
		in := &openapi3filter.ResponseValidationInput{RequestValidationInput: input, Status: status, Header: header, Options: input.Options}
		in.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			return []string{fmt.Sprintf("%s -> %d: response: %s", what, status, describe(err))}
		}
		return nil
	}
}

func (c *checker) unspecified(r *http.Request) bool {
	for _, op := range c.rules.Unspecified {
		method, pattern, _ := strings.Cut(op, " ")
		if strings.EqualFold(method, r.Method) && fakeserver.MatchPath(pattern, r.URL.EscapedPath()) {
			return true
		}
	}
	return false
}

func (c *checker) validationOptions(route string, body []byte) *openapi3filter.Options {
	authenticate := c.rules.Authenticate
	if authenticate == nil {
		authenticate = CredentialsShaped
	}
	o := &openapi3filter.Options{
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			return authenticate(Auth{Request: in.RequestValidationInput.Request, Body: body, Route: route, Scheme: in.SecurityScheme})
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
