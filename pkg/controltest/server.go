package controltest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/ably/ably-suite/internal/fakefault"
)

// maxBody bounds what the fake reads of a request body; the real API refuses far less.
const maxBody = 16 << 20

// Server is a running fake Control API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API's base URL, ending in /v1, e.g. http://127.0.0.1:41234/v1.
	URL string

	hs  *httptest.Server
	mux *http.ServeMux
	now func() time.Time

	mu         sync.Mutex // guards everything below
	spec       *Spec      // nil: no validation
	seq        int        // last ID handed out
	user       User
	accounts   []Account
	tokens     []*Token
	apps       []*App
	keys       []*Key
	namespaces []*Namespace
	queues     []*Queue
	rules      []Rule
	faults     fakefault.List
	log        []Request
	logBase    int // requests dropped by ResetRequests
	violations []string
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now instead of time.Now: timestamps,
// token expiry and stats intervals follow it.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithSpec makes the server check every request and response against spec (see
// ValidateWith). A nil spec leaves validation off.
func WithSpec(spec *Spec) Option {
	return func(s *Server) { s.spec = spec }
}

// New starts a fake Control API on a loopback port. It has the default account, user and
// token (DefaultAccountID, DefaultUserEmail, DefaultToken) and nothing else. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		user:     User{ID: DefaultUserID, Email: DefaultUserEmail},
		accounts: []Account{{ID: DefaultAccountID, Name: DefaultAccountName}},
	}
	for _, o := range opts {
		o(s)
	}
	s.tokens = []*Token{{
		Value: DefaultToken, ID: DefaultTokenID, Name: DefaultTokenName,
		Capabilities: AllCapabilities(), AccountID: DefaultAccountID,
	}}
	s.mux = http.NewServeMux()
	s.routes()
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL + "/v1"
	return s
}

// Close shuts the server down. It cuts off requests in flight first, so that a long
// injected delay does not hold it up.
func (s *Server) Close() {
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// Client returns an HTTP client suited to the server (no proxy, keep-alives to it).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// serveHTTP is the path of every request: log it, check it against the spec, apply any
// fault, then the API itself; finally check the response against the spec.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "reading the request body: %v", err)
		return
	}
	entry := s.logStart(r, body)
	rec := &recorder{ResponseWriter: w}
	check := s.checkRequest(r, body)

	faulted := s.applyFault(rec, r)
	if !faulted {
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mux.ServeHTTP(rec, r)
	}
	s.logFinish(entry, rec.status)
	if check != nil && !faulted && rec.status != 0 {
		s.checkResponse(check, rec)
	}
}

// recorder passes a response through while keeping its status and body for the log and
// the spec check.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(p)
	return r.ResponseWriter.Write(p)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// call is one authenticated request on its way to a handler.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	token Token // a copy of the token the request authenticated with
}

// handle registers an operation: pattern is "METHOD /path" below /v1, capability what the
// token must hold ("" for any valid token).
func (s *Server) handle(pattern, capability string, h func(*call)) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(method+" /v1"+path, func(w http.ResponseWriter, r *http.Request) {
		tok, ok := s.authenticate(w, r, capability)
		if !ok {
			return
		}
		h(&call{w: w, r: r, token: tok})
	})
}

// nowMillis is the server's time as the API reports it: milliseconds since the epoch.
func (s *Server) nowMillis() int64 { return s.now().UnixMilli() }
