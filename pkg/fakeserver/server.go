package fakeserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// DefaultMaxBody is how much of a request body a server reads when Config.MaxBody is 0.
const DefaultMaxBody = 16 << 20

// Config is what Start needs to know about the API it serves.
type Config struct {
	// Handler is the API itself. It sees each request after logging, checking and faults,
	// with its body read in full and ready to read again.
	Handler http.Handler
	// WriteError answers with the API's own error body: for a fault that gives no Body,
	// and for a request body that cannot be read.
	WriteError func(w http.ResponseWriter, status int, message string)
	// Now is the clock of the request log; nil is time.Now.
	Now func() time.Time
	// MaxBody bounds what is read of a request body; 0 is DefaultMaxBody.
	MaxBody int64
	// Checker, if not nil, checks every request and response from the start (see
	// UseChecker).
	Checker Checker
	// LogLimit bounds the request log to about the newest LogLimit requests, for a fake
	// that serves for long (the emulator); 0 keeps every request, as tests want.
	LogLimit int
	// Embedded makes a fake served only through Handler, by a program with a port of its
	// own (the emulator): Start then opens no port, and Origin is "".
	Embedded bool
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	hs     *httptest.Server // nil when Embedded
	client *http.Client
	cfg    Config
	faults faultList
	log    requestLog

	mu         sync.Mutex // guards checker and violations
	checker    Checker
	violations []string
}

// Start serves cfg.Handler on a loopback port, behind the log, the faults and the spec
// check. Close it when done.
func Start(cfg Config) *Server {
	if cfg.Handler == nil || cfg.WriteError == nil {
		panic("fakeserver: Start needs a Handler and a WriteError")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	s := &Server{cfg: cfg, checker: cfg.Checker, log: requestLog{now: cfg.Now, limit: cfg.LogLimit}}
	if cfg.Embedded {
		s.client = &http.Client{Transport: &http.Transport{Proxy: nil}}
	} else {
		s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
		s.client = s.hs.Client()
	}
	return s
}

// Handler is the server's whole pipeline (log, spec check, faults, the API) as a handler, for
// a program that serves the fake on a listener of its own (the emulator) besides Origin.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Origin is the server's scheme, host and port, e.g. http://127.0.0.1:41234; "" for an
// Embedded one.
func (s *Server) Origin() string {
	if s.hs == nil {
		return ""
	}
	return s.hs.URL
}

// Close shuts the server down. It cuts off requests in flight first, so that a long
// injected delay does not hold it up.
func (s *Server) Close() {
	if s.hs == nil {
		return
	}
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// Client returns an HTTP client suited to the server (no proxy, keep-alives to it).
func (s *Server) Client() *http.Client { return s.client }

// AddFault adds a fault after those already set.
func (s *Server) AddFault(f Fault) { s.faults.add(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// serveHTTP is the path of every request: log it, check it against the spec, apply any
// fault, then the API itself; finally log the status and check the response.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody))
	if err != nil {
		s.cfg.WriteError(w, http.StatusBadRequest, fmt.Sprintf("reading the request body: %v", err))
		return
	}
	entry := s.log.start(r, body)
	rec := &recorder{ResponseWriter: w}
	check := s.checkRequest(r, body)

	faulted := s.faults.apply(rec, r, s.writeFault)
	if !faulted {
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.cfg.Handler.ServeHTTP(rec, r)
	}
	s.log.finish(entry, rec.status)
	if check != nil && !faulted && rec.status != 0 {
		s.violate(check(rec.status, rec.Header(), rec.body.Bytes()))
	}
}

func (s *Server) writeFault(w http.ResponseWriter, status int) {
	s.cfg.WriteError(w, status, fmt.Sprintf("injected fault: %d %s", status, http.StatusText(status)))
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

// Unwrap lets http.ResponseController reach the connection beneath (a drop fault hijacks it),
// however many handlers wrap the writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
