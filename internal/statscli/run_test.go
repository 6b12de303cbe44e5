package statscli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ably/ably-suite/internal/sessiontest"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// hookTransport sends each request as http.DefaultTransport does, counting them, and first
// calls before (when set) with it: a test sees what went through the transport it gave.
type hookTransport struct {
	n      int
	before func(*http.Request)
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h.n++
	if h.before != nil {
		h.before(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// drivenTicker is a ticker a test drives: each wait ticks at once, for ticks waits; the wait
// after those ends the view as Ctrl-C does, by cancelling the run's context.
type drivenTicker struct {
	ticks  int
	cancel context.CancelFunc
	every  []time.Duration // the interval of each ticker made
	waits  int
	stops  int
}

func (f *drivenTicker) newTicker(every time.Duration) ticker {
	f.every = append(f.every, every)
	return f
}

func (f *drivenTicker) wait(ctx context.Context) bool {
	if f.waits++; f.waits > f.ticks {
		f.cancel()
	}
	return ctx.Err() == nil
}

func (f *drivenTicker) stop() { f.stops++ }

// serverClock is the fake server's time, which a test moves on.
type serverClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *serverClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *serverClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is the tests' present: half past 10:02.
var t0 = time.Date(2024, 5, 1, 10, 2, 30, 0, time.UTC)

// statsRequests are the query strings of the stats requests srv received.
func statsRequests(t *testing.T, srv *controltest.Server, pattern string) []url.Values {
	t.Helper()
	var qs []url.Values
	for _, r := range srv.RequestsMatching("GET", pattern) {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatalf("query %q: %v", r.RawQuery, err)
		}
		qs = append(qs, q)
	}
	return qs
}

// runAccount sends the options' query as it is, through the Deps' transport, and prints the
// API's records with JSON.
func TestRunAccountSendsTheQueryThroughTheTransport(t *testing.T) {
	clock := &serverClock{t: t0}
	srv := controltest.New(controltest.WithClock(clock.Now))
	defer srv.Close()
	transport := &hookTransport{}
	ctx, d, streams := plugintest.Options{Transport: transport, Format: output.JSON}.Deps(t)
	o := statsOptions{Session: sessiontest.Settings(srv, ""), View: viewOptions{Query: control.StatsQuery{
		Unit: "hour", Direction: "forwards", Limit: 3, Start: t0.Add(-5 * time.Hour)}}}
	if err := (commands{}).runAccount(ctx, d, o); err != nil {
		t.Fatal(err)
	}
	if sent := len(srv.Requests()); transport.n == 0 || transport.n != sent {
		t.Errorf("%d requests through the Deps' transport, the server had %d", transport.n, sent)
	}
	qs := statsRequests(t, srv, "/v1/accounts/*/stats")
	want := url.Values{"unit": {"hour"}, "direction": {"forwards"}, "limit": {"3"},
		"start": {strconv.FormatInt(t0.Add(-5*time.Hour).UnixMilli(), 10)}}
	if len(qs) != 1 || qs[0].Encode() != want.Encode() {
		t.Fatalf("stats queries %v, want one of %v", qs, want)
	}
	var recs []map[string]any
	if err := json.Unmarshal(streams.Stdout.Bytes(), &recs); err != nil {
		t.Fatalf("stdout %q: %v", streams.Stdout, err)
	}
	if len(recs) != 3 || recs[0]["intervalId"] != "2024-05-01:05" || recs[0]["accountId"] == nil {
		t.Errorf("records %v: want 3 of the account, oldest first from 05:00", recs)
	}
}

// runApp names the app it resolved in the table's heading.
func TestRunAppTable(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	ctx, d, streams := plugintest.Options{}.Deps(t)
	o := statsOptions{Session: sessiontest.Settings(srv, "Demo"), View: viewOptions{Query: control.StatsQuery{Unit: "day", Direction: "backwards", Limit: 2}}}
	if err := (commands{}).runApp(ctx, d, o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(streams.Stdout.String()), "\n")
	if len(lines) != 4 || lines[0] != "Statistics of app Demo ("+app.ID+") by day, newest first:" || !strings.HasPrefix(lines[1], "INTERVAL ") {
		t.Errorf("stdout %q: want a heading naming the app, a header and 2 rows", streams.Stdout)
	}
	if qs := statsRequests(t, srv, "/v1/apps/"+app.ID+"/stats"); len(qs) != 1 {
		t.Errorf("stats requests %v: want one, of the app", qs)
	}
}

// A live view polls on the ticker it makes with the options' interval, until the context
// ends, and on a terminal redraws with the time from the Deps' clock.
func TestRunAppLiveRedrawsOnTheTicker(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	parent, cancel := context.WithCancel(t.Context())
	defer cancel()
	ticks := &drivenTicker{ticks: 2, cancel: cancel}
	ctx, d, streams := plugintest.Options{TTY: true, Context: parent, Now: func() time.Time { return t0 }}.Deps(t)
	o := statsOptions{Session: sessiontest.Settings(srv, app.ID), View: viewOptions{Query: control.StatsQuery{Unit: "minute", Direction: "backwards", Limit: 2},
		Live: true, Interval: 7 * time.Second}}
	if err := (commands{newTicker: ticks.newTicker}).runApp(ctx, d, o); err != nil {
		t.Fatalf("a live view ended by Ctrl-C: %v, want success", err)
	}
	if len(ticks.every) != 1 || ticks.every[0] != 7*time.Second || ticks.waits != 3 || ticks.stops != 1 {
		t.Errorf("tickers %v, %d waits, %d stops; want one of 7s, 3 waits, stopped", ticks.every, ticks.waits, ticks.stops)
	}
	if qs := statsRequests(t, srv, "/v1/apps/*/stats"); len(qs) != 3 {
		t.Errorf("%d polls, want 3: one, then one a tick", len(qs))
	}
	screens := strings.Split(streams.Stdout.String(), clearScreen)
	if len(screens) != 4 || screens[0] != "" {
		t.Fatalf("stdout %q: want 3 screens, each after a clear", streams.Stdout)
	}
	heading := "Statistics of app Demo (" + app.ID + ") by minute, newest first. Updated 2024-05-01T10:02:30Z, every 7s; Ctrl-C to stop.\n"
	for i, s := range screens[1:] {
		if !strings.HasPrefix(s, heading) {
			t.Errorf("screen %d %q does not start %q", i+1, s, heading)
		}
	}
}

// A first poll that fails ends a live view with its error, with no wait.
func TestRunLiveFirstFailureEndsIt(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	srv.AddFault(controltest.Fault{Path: "/accounts/*/stats", Status: 200, Body: "{not json", Times: 1})
	parent, cancel := context.WithCancel(t.Context())
	defer cancel()
	ticks := &drivenTicker{ticks: 5, cancel: cancel}
	ctx, d, streams := plugintest.Options{Context: parent, Format: output.JSON}.Deps(t)
	o := statsOptions{Session: sessiontest.Settings(srv, ""), View: viewOptions{Query: control.StatsQuery{Limit: 1}, Live: true, Interval: time.Second}}
	err := (commands{newTicker: ticks.newTicker}).runAccount(ctx, d, o)
	if exitcode.Of(err) != exitcode.Network {
		t.Fatalf("got %v (exit %d), want the poll's network error", err, exitcode.Of(err))
	}
	if ticks.waits != 0 || ticks.stops != 1 || streams.Stdout.Len() != 0 {
		t.Errorf("%d waits, %d stops, stdout %q; want no wait, the ticker stopped, nothing printed", ticks.waits, ticks.stops, streams.Stdout)
	}
}

// A span before now (--start 1h) counts from the run's clock, not the machine's.
func TestStartSpanCountsFromTheRunsClock(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	res := plugintest.Options{Vars: env(srv), Now: func() time.Time { return t0 }}.Run(t, Plugin(), "account", "--start", "90m", "--limit", "1", "--json")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	qs := statsRequests(t, srv, "/v1/accounts/*/stats")
	if want := strconv.FormatInt(t0.Add(-90*time.Minute).UnixMilli(), 10); len(qs) != 1 || qs[0].Get("start") != want {
		t.Errorf("stats queries %v, want start=%s", qs, want)
	}
}
