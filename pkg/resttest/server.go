package resttest

import (
	"crypto/rand"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// maxBody bounds what the fake reads of a request body.
const maxBody = 1 << 20

// MaxClockSkew is how far a token request's timestamp may be from the server's clock.
const MaxClockSkew = 10 * time.Minute

// Server is a running fake REST API. Its methods are safe for concurrent use. The request
// log, faults and spec checking are pkg/fakeserver's, as in pkg/controltest: Requests,
// AddFault, UseChecker, SpecViolations and the rest come from the embedded
// fakeserver.Server.
type Server struct {
	*fakeserver.Server

	// URL is the API's base URL, e.g. http://127.0.0.1:41234.
	URL string

	now      func() time.Time
	rand     io.Reader          // message IDs; read with mu held
	spec     fakeserver.Checker // checking from the start; nil: none
	logLimit int                // fakeserver.Config.LogLimit
	embedded bool               // Embedded
	// retention says how long a channel keeps its messages; nil: for ever.
	retention func(appID, channel string) time.Duration
	lookup    func(keyName string) (Key, bool) // nil: only keys added with AddKey
	// mutable says where messages may be fetched by serial, changed and annotated; nil:
	// nowhere. Called without mu.
	mutable func(appID, channel string) bool
	// observe hears of every change to the store (WithObserver); called with mu held.
	observe func(Event)
	// liveOccupancy counts a Realtime server's connections (WithOccupancy); called with mu held.
	liveOccupancy func(scope, channel string) Metrics
	separateApps  bool // WithSeparateApps

	mu          sync.Mutex // guards everything below
	keys        map[string]Key
	nonces      map[string]bool // keyName + "\n" + nonce of every request redeemed
	tokens      []Token
	revocations []Revocation
	channels    map[chanKey]*channelState
	presenceSeq int // members entered so far, for their IDs
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now instead of time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithRandom makes the server draw the random parts of message IDs from r instead of
// crypto/rand.
func WithRandom(r io.Reader) Option {
	return func(s *Server) { s.rand = r }
}

// WithKeys makes the server look keys up with lookup (by key name, APPID.KEYID) when they
// were not added with AddKey. It is called without the server's lock held.
func WithKeys(lookup func(keyName string) (Key, bool)) Option {
	return func(s *Server) { s.lookup = lookup }
}

// New starts a fake REST API on a loopback port. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, rand: rand.Reader, keys: map[string]Key{}, nonces: map[string]bool{},
		channels: map[chanKey]*channelState{}}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /time", s.serviceTime)
	mux.HandleFunc("POST /keys/{keyName}/requestToken", s.requestToken)
	mux.HandleFunc("POST /keys/{keyName}/revokeTokens", s.revokeTokens)
	mux.HandleFunc("POST /channels/{channel}/messages", s.publish)
	mux.HandleFunc("GET /channels/{channel}/messages", s.history)
	mux.HandleFunc("GET /channels/{channel}/presence", s.presence)
	mux.HandleFunc("GET /channels/{channel}", s.channelStatus)
	mux.HandleFunc("GET /channels", s.listChannels)
	mux.HandleFunc("POST /messages", s.batchPublish)
	mux.HandleFunc("GET /channels/{channel}/messages/{serial}", s.getMessage)
	mux.HandleFunc("PATCH /channels/{channel}/messages/{serial}", s.patchMessage)
	mux.HandleFunc("POST /channels/{channel}/messages/{serial}/annotations", s.publishAnnotations)
	mux.HandleFunc("GET /channels/{channel}/messages/{serial}/annotations", s.getAnnotations)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "the fake REST API has no %s %s", r.Method, r.URL.EscapedPath())
	})
	s.Server = fakeserver.Start(fakeserver.Config{
		// Ably names itself in x-ably-serverid on every answer; platform-v1.yaml requires it.
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-ably-serverid", serverID)
			mux.ServeHTTP(w, r)
		}),
		WriteError: func(w http.ResponseWriter, status int, message string) {
			writeError(w, status, fakeserver.CodeFor(status), "%s", message)
		},
		Now:      s.now,
		MaxBody:  maxBody,
		LogLimit: s.logLimit,
		Checker:  s.spec,
		Embedded: s.embedded,
	})
	s.URL = s.Origin()
	return s
}

// WithSpec makes the server check every request and response with spec (restspec.Load, for
// platform-v1.yaml) from the start; see UseChecker and SpecViolations. A nil spec leaves
// checking off.
func WithSpec(spec fakeserver.Checker) Option {
	return func(s *Server) { s.spec = spec }
}

// Embedded makes a server served only through Handler, by a program with a port of its own
// (pkg/realtimetest): it opens no port of its own (fakeserver.Config.Embedded), and URL is ""
// until that program sets it.
func Embedded() Option {
	return func(s *Server) { s.embedded = true }
}

// WithRequestLogLimit keeps only about the newest n requests in the request log
// (fakeserver.Config.LogLimit), for a server that runs for long, such as the emulator.
func WithRequestLogLimit(n int) Option {
	return func(s *Server) { s.logLimit = n }
}

// WithRetention says how long a channel of an app keeps its messages for history, as a
// channel rule's persistence does on Ably (two minutes without, a day with); messages older
// than that are forgotten. keep returning 0, or no WithRetention, keeps every message, as
// tests want.
func WithRetention(keep func(appID, channel string) time.Duration) Option {
	return func(s *Server) { s.retention = keep }
}

// keptFrom is the time (ms since the epoch) from which a channel still holds its messages at
// now; 0 when it keeps them all. The caller may hold s.mu.
func (s *Server) keptFrom(appID, channel string, now int64) int64 {
	if s.retention == nil || appID == "" {
		return 0
	}
	d := s.retention(appID, channel)
	if d <= 0 {
		return 0
	}
	return now - d.Milliseconds()
}

// serviceTime answers GET /time (RSC16): the server's time in milliseconds, in an array; no
// credentials needed.
func (s *Server) serviceTime(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, []int64{s.now().UnixMilli()})
}
