// Package emulator is all of Ably on one port: the Control API under /v1, the REST API and
// the Realtime WebSocket, sharing one state, so that this suite, Ably's SDKs and any HTTP
// client can be used against it as against Ably, without the internet or an account.
//
// It is the suite's fakes made one product: pkg/controltest answers the Control API and
// pkg/realtimetest the REST and Realtime APIs (on pkg/resttest's store). What the Control API
// creates is real on the data plane: a key created with POST /apps/{id}/keys authenticates
// REST and Realtime requests with exactly its capability, a revoked key stops working, and a
// namespace with mutableMessages allows message updates on its channels. Each app has its
// own channels, as on Ably: messages, presence, occupancy and metachannels stay in their app.
//
//	emu, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0"})
//	...
//	defer emu.Shutdown(ctx)
//	// emu.Env(): ABLY_CONTROL_HOST, ABLY_ENDPOINT, ABLY_API_KEY, ABLY_ACCESS_TOKEN
package emulator

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// DefaultPort is the port `ably emulator start` listens on unless told otherwise.
const DefaultPort = 8281

// Options set up an emulator.
type Options struct {
	// Addr is the address to listen on, host:port; port 0 picks a free one.
	Addr string
	// Now is the clock (nil: time.Now); Rand the source of IDs and secrets (nil: crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// Seed is what it starts with (LoadSeed); nil: an account with one app, "Emulator", its
	// root key and an access token, all with every capability.
	Seed *Seed
	// StatePath, if set, is where the state is kept across runs: read at Start when the file
	// exists (then Seed must be nil), written by Save and at Shutdown.
	StatePath string
	// Logf receives a line for each request and connection, for --verbose; nil drops them.
	// Credentials never reach it.
	Logf func(format string, args ...any)
}

// Seeded is what a new emulator holds: an account, with its user, an app with a root key
// granting every capability, and an access token with every Control API capability.
type Seeded struct {
	AccountID, AccountName string
	UserEmail              string
	AppID, AppName         string
	APIKey                 string // the app's root key, APPID.KEYID:SECRET
	AccessToken            string
}

// Emulator is a running emulator. Its methods are safe for concurrent use.
type Emulator struct {
	// URL is its base, http://HOST:PORT: the REST API and (as ws://) Realtime are there, the
	// Control API at URL/v1.
	URL    string
	Seeded Seeded

	Control  *controltest.Server
	Realtime *realtimetest.Server

	statePath    string
	hooks        *webhooks // the integration rules' deliveries
	stopSampling context.CancelFunc

	ln   net.Listener
	http *http.Server
	done chan struct{} // closed when Serve returns
}

// requestLogLimit bounds the fakes' request logs: an emulator serves for hours, and its logs
// serve only --verbose and debugging.
const requestLogLimit = 1000

// ErrAddrInUse is returned by Start when another process holds the address.
var ErrAddrInUse = errors.New("address in use")

// Start listens on opts.Addr and serves the emulator until Shutdown.
func Start(opts Options) (*Emulator, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		if isAddrInUse(err) {
			return nil, fmt.Errorf("%s: %w", opts.Addr, ErrAddrInUse)
		}
		return nil, err
	}
	e := &Emulator{ln: ln, done: make(chan struct{})}
	var counter *statsCounter // made once the Control API fake is, which it reads
	e.Control = controltest.New(controltest.Embedded(), controltest.WithClock(opts.Now), controltest.WithRandom(opts.Rand),
		controltest.WithRequestLogLimit(requestLogLimit),
		controltest.WithStats(func(id string, account bool, from, to time.Time) map[string]int64 {
			return counter.entries(id, account, from, to)
		}))
	counter = newStatsCounter(e.Control, opts.Now)
	e.hooks = newWebhooks(e.Control, opts.Now, opts.Logf)
	observe := func(ev resttest.Event) {
		e.hooks.observe(ev)
		subscribers := 0
		if len(ev.Messages) > 0 {
			subscribers = e.Realtime.App(ev.AppID).Status(ev.Channel).Status.Occupancy.Metrics.Subscribers
		}
		counter.observe(ev, subscribers)
	}
	e.Realtime = realtimetest.New(realtimetest.Embedded(), realtimetest.WithClock(opts.Now), realtimetest.WithRandom(opts.Rand), realtimetest.WithObserver(observe),
		realtimetest.WithREST(resttest.WithSeparateApps(), resttest.WithKeys(KeysOf(e.Control)), resttest.WithMutable(MutableOf(e.Control)),
			resttest.WithRetention(RetentionOf(e.Control)), resttest.WithRequestLogLimit(requestLogLimit)))
	e.hooks.record = func(appID string, entry webhookLog) {
		if b, err := json.Marshal(entry); err == nil {
			e.Realtime.App(appID).Publish(appLog, resttest.Message{Name: "webhook", Data: b})
		}
	}
	e.statePath = opts.StatePath
	st, restored, err := loadState(opts.StatePath)
	if err == nil && restored && opts.Seed != nil {
		err = stateWithSeed(opts.StatePath)
	}
	if err == nil && restored {
		e.Control.Restore(st.Control)
		e.Seeded = st.Seeded
	} else if err == nil {
		e.Seeded, err = seed(e.Control, opts.Seed, opts.Rand)
	}
	if err != nil {
		e.closeBackends()
		_ = ln.Close()
		return nil, err
	}
	front := newFront(e.Control.Handler(), e.Realtime.Handler(), opts.Now, opts.Logf)
	var sampling context.Context
	sampling, e.stopSampling = context.WithCancel(context.Background())
	go counter.run(sampling, e.Realtime, time.Second)
	e.URL = "http://" + ln.Addr().String()
	e.Control.URL = e.ControlURL() // neither has a port of its own
	e.Realtime.SetURL(e.URL)
	e.http = &http.Server{Handler: front, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(e.done)
		_ = e.http.Serve(ln)
	}()
	return e, nil
}

// ControlURL is the Control API's base, URL/v1: what ABLY_CONTROL_HOST takes.
func (e *Emulator) ControlURL() string { return e.URL + "/v1" }

// EnvVar is one variable of the environment that points a client at the emulator.
type EnvVar struct{ Name, Value string }

// Env is the environment that points this suite (and the official CLI, and scripts) at the
// emulator, with its seeded credentials.
func (e *Emulator) Env() []EnvVar {
	return EnvFor(e.ControlURL(), e.URL, e.Seeded.APIKey, e.Seeded.AccessToken)
}

// EnvFor is the environment that points clients at an emulator with these URLs and
// credentials (of one running elsewhere, such as in the background).
func EnvFor(controlURL, endpoint, apiKey, accessToken string) []EnvVar {
	return []EnvVar{
		{"ABLY_CONTROL_HOST", controlURL},
		{"ABLY_ENDPOINT", endpoint},
		{"ABLY_API_KEY", apiKey},
		{"ABLY_ACCESS_TOKEN", accessToken},
	}
}

// Shutdown stops accepting, tells every Realtime connection it is disconnected (DISCONNECTED,
// RTN15), waits for them to go (until ctx ends), and stops everything.
func (e *Emulator) Shutdown(ctx context.Context) error {
	// First the port, so that clients told to go do not reconnect (their retries are
	// refused); HTTP requests in flight finish. WebSockets are the Realtime server's to end.
	err := e.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = e.http.Close()
	}
	<-e.done
	e.Realtime.Shutdown(ctx)
	if serr := e.Save(); serr != nil && err == nil {
		err = fmt.Errorf("saving the state: %w", serr)
	}
	e.closeBackends()
	return err
}

func (e *Emulator) closeBackends() {
	if e.stopSampling != nil {
		e.stopSampling()
	}
	e.Realtime.Close()
	e.hooks.close()
	e.Control.Close()
}

// The seeded account's name and its user.
const (
	seedAccountName = "Emulator"
	seedUserEmail   = "developer@emulator.local"
)

// seed gives a new emulator its account, apps, keys and access tokens: those of opts.Seed,
// else an account with one app, its root key and an access token with every capability. The
// root key reaches metachannels too ("[*]*"), so that the app's logs can be read with it.
// Secrets not given are drawn at random: the emulator's own, never a well-known value
// another local user could guess.
func seed(ctl *controltest.Server, sd *Seed, r io.Reader) (Seeded, error) {
	ctl.RevokeToken(controltest.DefaultToken) // well known: never valid here
	if sd == nil {
		sd = &Seed{Apps: []SeedApp{{Name: "Emulator", Keys: []SeedKey{{Name: "Root", Capability: map[string][]string{"[*]*": {"*"}}}}}}}
	}
	return sd.apply(ctl, func() (string, error) {
		token, err := randomString(r, 32)
		if err != nil {
			return "", fmt.Errorf("emulator: drawing the access token: %w", err)
		}
		return token, nil
	})
}

func randomString(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// StatusPath is where an emulator says it is one, and which process it is: so that `ably
// emulator stop` signals the emulator that wrote a pid file, never a process that reused the
// pid. No Ably API has this path.
const StatusPath = "/__emulator"

// Status is what StatusPath answers.
type Status struct {
	PID int `json:"pid"`
}

// officialCLIPrefix is where Ably's official CLI looks for the Control API on a host whose
// name does not start with control (its website proxy's path).
const officialCLIPrefix = "/api/v1"

// newFront is the one port's handler: /v1 to the Control API, everything else (REST, and
// the Realtime upgrade at /) to the data plane, each served in this process (a WebSocket is
// accepted on this port's own connection, not passed through a proxy).
func newFront(control, data http.Handler, now func() time.Time, logf func(string, ...any)) http.Handler {
	status, _ := json.Marshal(Status{PID: os.Getpid()})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if logf != nil {
			sw, start := &statusWriter{ResponseWriter: w}, now()
			w = sw
			defer func() {
				took := now().Sub(start)
				if sw.status == http.StatusSwitchingProtocols {
					logf("%s %s -> 101, a Realtime connection of %s", r.Method, httpcore.Redact(r.URL), took.Round(time.Millisecond))
					return
				}
				logf("%s %s -> %d in %s", r.Method, httpcore.Redact(r.URL), sw.status, took.Round(100*time.Microsecond))
			}()
		}
		switch {
		case r.URL.Path == StatusPath && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(status)
		case r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/"):
			control.ServeHTTP(w, r)
		case r.URL.Path == officialCLIPrefix || strings.HasPrefix(r.URL.Path, officialCLIPrefix+"/"):
			// Ably's official CLI asks for the Control API under /api/v1 of a host not named
			// control.*, such as localhost:8281: the same API.
			r = r.Clone(r.Context())
			r.URL.Path = strings.TrimPrefix(r.URL.Path, "/api")
			r.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, "/api")
			control.ServeHTTP(w, r)
		default:
			data.ServeHTTP(w, r)
		}
	})
}

// statusWriter keeps the status of an answer, for the log; a hijacked connection (a
// WebSocket) counts as 101.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack hands the connection to a WebSocket, as the writer beneath allows.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

// Flush and Unwrap let handlers beneath stream and reach the connection.
func (w *statusWriter) Flush()                      { _ = http.NewResponseController(w.ResponseWriter).Flush() }
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func isAddrInUse(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(strings.ToLower(op.Err.Error()), "address already in use")
}

// KeysOf looks API keys up among a Control API fake's, as they are at the time of each
// request: keys created, updated and revoked through the Control API are the data plane's.
func KeysOf(ctl *controltest.Server) func(keyName string) (resttest.Key, bool) {
	return func(name string) (resttest.Key, bool) {
		appID, _, _ := strings.Cut(name, ".")
		for _, k := range ctl.Keys(appID) {
			if k.AppID+"."+k.ID == name {
				return resttest.Key{Key: k.Key, Capability: k.Capability,
					Revoked: k.Status == controltest.KeyRevoked, RevocableTokens: k.RevocableTokens}, true
			}
		}
		return resttest.Key{}, false
	}
}

// How long a channel keeps its messages for history, as on Ably: two minutes, or a day when
// a channel rule of its namespace has persisted (or mutableMessages, which needs it) set.
const (
	transientRetention = 2 * time.Minute
	persistedRetention = 24 * time.Hour
)

// RetentionOf is how long a channel keeps its messages, from its namespace's channel rule in a
// Control API fake.
func RetentionOf(ctl *controltest.Server) func(appID, channel string) time.Duration {
	return func(appID, channel string) time.Duration {
		if ns, _, ok := strings.Cut(channel, ":"); ok {
			for _, n := range ctl.Namespaces(appID) {
				if n.ID == ns && (n.Persisted || n.MutableMessages) {
					return persistedRetention
				}
			}
		}
		return transientRetention
	}
}

// MutableOf allows mutable messages on a channel whose namespace (the name's part before its
// first colon) has, in a Control API fake, a rule with mutableMessages.
func MutableOf(ctl *controltest.Server) func(appID, channel string) bool {
	return func(appID, channel string) bool {
		ns, _, ok := strings.Cut(channel, ":")
		if !ok {
			return false
		}
		for _, n := range ctl.Namespaces(appID) {
			if n.ID == ns && n.MutableMessages {
				return true
			}
		}
		return false
	}
}
