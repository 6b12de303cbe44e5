package resttest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/ably/ably-suite/internal/fakefault"
)

// maxBody bounds what the fake reads of a request body.
const maxBody = 1 << 20

// MaxClockSkew is how far a token request's timestamp may be from the server's clock.
const MaxClockSkew = 10 * time.Minute

// Server is a running fake REST API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API's base URL, e.g. http://127.0.0.1:41234.
	URL string

	hs     *httptest.Server
	mux    *http.ServeMux
	now    func() time.Time
	lookup func(keyName string) (Key, bool) // nil: only keys added with AddKey

	mu          sync.Mutex // guards everything below
	keys        map[string]Key
	nonces      map[string]bool // keyName + "\n" + nonce of every request redeemed
	tokens      []Token
	revocations []Revocation
	faults      fakefault.List
	log         []Request
	logBase     int // requests dropped by ResetRequests
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now instead of time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithKeys makes the server look keys up with lookup (by key name, APPID.KEYID) when they
// were not added with AddKey. It is called without the server's lock held.
func WithKeys(lookup func(keyName string) (Key, bool)) Option {
	return func(s *Server) { s.lookup = lookup }
}

// New starts a fake REST API on a loopback port. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, keys: map[string]Key{}, nonces: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /keys/{keyName}/requestToken", s.requestToken)
	s.mux.HandleFunc("POST /keys/{keyName}/revokeTokens", s.revokeTokens)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "the fake REST API has no %s %s", r.Method, r.URL.EscapedPath())
	})
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down, cutting off requests in flight (an injected delay) first.
func (s *Server) Close() {
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// Client returns an HTTP client suited to the server.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// serveHTTP is the path of every request: log it, apply any fault, then the API itself.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "reading the request body: %v", err)
		return
	}
	entry := s.logStart(r, body)
	rec := &recorder{ResponseWriter: w}
	if !s.applyFault(rec, r) {
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mux.ServeHTTP(rec, r)
	}
	s.logFinish(entry, rec.status)
}

// recorder keeps the status of a response for the log.
type recorder struct {
	http.ResponseWriter
	status int
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
	return r.ResponseWriter.Write(p)
}
