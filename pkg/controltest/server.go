package controltest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// maxBody bounds what the fake reads of a request body; the real API refuses far less.
const maxBody = 16 << 20

// Server is a running fake Control API. Its methods are safe for concurrent use. The
// request log, faults and spec checking are pkg/fakeserver's: Requests, AddFault,
// UseChecker, SpecViolations and the rest come from the embedded fakeserver.Server.
type Server struct {
	*fakeserver.Server

	// URL is the API's base URL, ending in /v1, e.g. http://127.0.0.1:41234/v1.
	URL string

	mux      *http.ServeMux
	now      func() time.Time
	rand     io.Reader          // key secrets; nil: derived from the key's name (reproducible)
	spec     fakeserver.Checker // checking from the start; nil: none
	logLimit int
	embedded bool        // Embedded
	stats    StatsSource // nil: made-up numbers                // fakeserver.Config.LogLimit

	mu         sync.Mutex // guards everything below
	seq        int        // last ID handed out
	user       User
	accounts   []Account
	tokens     []*Token
	apps       []*App
	keys       []*Key
	namespaces []*Namespace
	queues     []*Queue
	rules      []Rule
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now instead of time.Now: timestamps,
// token expiry and stats intervals follow it.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithRandom makes the server draw new keys' secrets from r, as the real API does, instead
// of deriving them from the key's name (reproducible, for tests): for a fake others can reach,
// such as the emulator, where a derivable secret would be anyone's.
func WithRandom(r io.Reader) Option {
	return func(s *Server) { s.rand = r }
}

// WithRequestLogLimit keeps only about the newest n requests in the request log
// (fakeserver.Config.LogLimit), for a server that runs for long, such as the emulator.
func WithRequestLogLimit(n int) Option {
	return func(s *Server) { s.logLimit = n }
}

// Embedded makes a server served only through Handler, by a program with a port of its own
// (the emulator): it opens no port of its own (fakeserver.Config.Embedded), and URL is "/v1"
// until that program sets it.
func Embedded() Option {
	return func(s *Server) { s.embedded = true }
}

// WithSpec makes the server check every request and response with spec (controlspec.Load,
// for control-v1.yaml) from the start; see UseChecker and SpecViolations. A nil spec leaves
// checking off.
func WithSpec(spec fakeserver.Checker) Option {
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
	s.Server = fakeserver.Start(fakeserver.Config{
		Handler: s.mux,
		WriteError: func(w http.ResponseWriter, status int, message string) {
			writeError(w, status, CodeFor(status), "%s", message)
		},
		Now:      s.now,
		MaxBody:  maxBody,
		LogLimit: s.logLimit,
		Checker:  s.spec,
		Embedded: s.embedded,
	})
	s.URL = s.Origin() + "/v1"
	return s
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
