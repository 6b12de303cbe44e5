package statscli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// env is the environment of a run against srv, with its access token.
func env(srv *controltest.Server) map[string]string {
	return map[string]string{
		"ABLY_ACCESS_TOKEN": controltest.DefaultToken,
		"ABLY_CONTROL_HOST": srv.URL,
		"NO_COLOR":          "1",
	}
}

// waitFor polls cond until it holds, failing the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestLiveStopsCleanlyDuringARequest(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "demo"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// The second poll hangs until the client gives up: Ctrl-C arrives in the middle of it.
	polls := 0
	transport := &hookTransport{before: func(r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/stats") {
			return
		}
		if polls++; polls == 2 {
			srv.AddFault(controltest.Fault{Method: "GET", Path: "/apps/*/stats", Delay: time.Minute})
			go func() {
				waitFor(t, "a request in flight", func() bool {
					reqs := srv.RequestsMatching("GET", "/v1/apps/*/stats")
					return len(reqs) == 2 && reqs[1].Status == 0
				})
				cancel()
			}()
		}
	}}
	ticks := &drivenTicker{ticks: 100, cancel: cancel}
	res := plugintest.Options{Vars: env(srv), Transport: transport, Context: ctx}.Run(t,
		commands{newTicker: ticks.newTicker}.plugin(), "app", "--app", app.ID, "--live", "--json", "--interval", "1s", "--limit", "2")
	if res.Code != 0 || res.Stderr != "" {
		t.Fatalf("exit %d, stderr %q after Ctrl-C; want 0 and nothing", res.Code, res.Stderr)
	}
	if polls != 2 || ticks.waits != 1 || ticks.stops != 1 {
		t.Errorf("%d polls, %d waits, %d stops; want 2, 1, 1", polls, ticks.waits, ticks.stops)
	}
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) != 2 {
		t.Errorf("stdout %q: want the first poll's 2 records", res.Stdout)
	}
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["appId"] != app.ID {
			t.Errorf("line %q: not a record of the app (%v)", line, err)
		}
	}
}

func TestLiveKeepsGoingAfterANetworkFailure(t *testing.T) {
	// Each poll comes a second after the last, so the running interval has changed.
	clock := &serverClock{t: t0}
	srv := controltest.New(controltest.WithClock(clock.Now))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// A body that is not JSON is a failure not worth retrying at once: the next poll may work.
	ticks := &drivenTicker{ticks: 2, cancel: cancel}
	polls := 0
	transport := &hookTransport{before: func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/stats") {
			clock.Add(time.Second)
			if polls++; polls == 2 {
				srv.AddFault(controltest.Fault{Path: "/accounts/*/stats", Status: 200, Body: "{not json", Times: 1})
			}
		}
	}}
	res := plugintest.Options{Vars: env(srv), Transport: transport, Context: ctx}.Run(t,
		commands{newTicker: ticks.newTicker}.plugin(), "account", "--live", "--json", "--interval", "1s", "--limit", "1")
	if res.Code != 0 {
		t.Fatalf("exit %d, want 0 (stderr %q)", res.Code, res.Stderr)
	}
	if polls != 3 {
		t.Errorf("%d polls, want 3: the failed one and one each side", polls)
	}
	if strings.Count(res.Stderr, "\n") != 1 || !strings.Contains(res.Stderr, "trying again in 1s") {
		t.Errorf("stderr %q: want one warning that it tries again in 1s", res.Stderr)
	}
	// The poll after the failure shows the running interval again: nothing was lost.
	if n := strings.Count(res.Stdout, "\n"); n != 2 {
		t.Errorf("stdout %q: %d lines, want one record of each good poll", res.Stdout, n)
	}
}

func record(id, inProgress string, messages float64) control.StatsRecord {
	return control.StatsRecord{IntervalID: id, Unit: "minute", AppID: "app1", InProgress: inProgress,
		Entries: map[string]float64{"messages.all.all.count": messages}}
}

func TestLiveViewPrintsOnlyWhatChanged(t *testing.T) {
	var out bytes.Buffer
	p := &output.Printer{Out: &out, Err: &out, Format: output.JSON}
	now := func() time.Time { return time.Date(2024, 5, 1, 10, 2, 30, 0, time.UTC) }
	v := newLiveView(p, now, source{what: "app demo (app1)"}, viewOptions{Query: control.StatsQuery{Unit: "minute"}, Interval: time.Second})

	// Backwards from the API; printed oldest first.
	if err := v.show([]control.StatsRecord{record("2024-05-01:10:02", "2024-05-01:10:02:29", 5), record("2024-05-01:10:01", "", 9)}); err != nil {
		t.Fatal(err)
	}
	if err := v.show([]control.StatsRecord{record("2024-05-01:10:02", "2024-05-01:10:02:30", 7), record("2024-05-01:10:01", "", 9)}); err != nil {
		t.Fatal(err)
	}
	if err := v.show([]control.StatsRecord{record("2024-05-01:10:02", "2024-05-01:10:02:30", 7), record("2024-05-01:10:01", "", 9)}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r control.StatsRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		ids = append(ids, r.IntervalID+"@"+r.InProgress)
	}
	want := []string{"2024-05-01:10:01@", "2024-05-01:10:02@2024-05-01:10:02:29", "2024-05-01:10:02@2024-05-01:10:02:30"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("printed %v, want %v", ids, want)
	}
}

func TestLiveViewRedrawsOnATerminal(t *testing.T) {
	var out bytes.Buffer
	p := &output.Printer{Out: &out, Err: &out, Format: output.Human, Terminal: true}
	now := func() time.Time { return time.Date(2024, 5, 1, 10, 2, 30, 0, time.UTC) }
	v := newLiveView(p, now, source{what: "app demo (app1)"}, viewOptions{Query: control.StatsQuery{Unit: "minute", Direction: "backwards"}, Interval: 10 * time.Second})
	recs := []control.StatsRecord{record("2024-05-01:10:02", "2024-05-01:10:02:29", 5), record("2024-05-01:10:01", "", 9)}
	for range 2 {
		if err := v.show(recs); err != nil {
			t.Fatal(err)
		}
	}
	screens := strings.Split(out.String(), clearScreen)
	if len(screens) != 3 || screens[0] != "" || screens[1] != screens[2] {
		t.Fatalf("want two identical screens, each after a clear; got %q", out.String())
	}
	for _, want := range []string{
		"Statistics of app demo (app1) by minute, newest first. Updated 2024-05-01T10:02:30Z, every 10s; Ctrl-C to stop.\n",
		"\n2024-05-01T10:02:00Z (in progress)  5 ",
		"\n2024-05-01T10:01:00Z                9 ",
	} {
		if !strings.Contains(screens[1], want) {
			t.Errorf("screen %q lacks %q", screens[1], want)
		}
	}
}

func TestFormats(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 12: "12", 2.5: "2.50", 1e15: "1000000000000000"} {
		if got := number(v); got != want {
			t.Errorf("number(%v) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{0: "0 B", 999: "999 B", 1000: "1.0 KB", 1_534_000: "1.5 MB", 2e18: "2000.0 PB"} {
		if got := byteSize(v); got != want {
			t.Errorf("byteSize(%v) = %q, want %q", v, got, want)
		}
	}
	for _, c := range []struct {
		rec  control.StatsRecord
		want string
	}{
		{record("2024-05-01:10:02", "", 0), "2024-05-01T10:02:00Z"},
		{control.StatsRecord{IntervalID: "2024-05-01:10", Unit: "hour"}, "2024-05-01T10:00:00Z"},
		{control.StatsRecord{IntervalID: "2024-05-01:00", Unit: "month", InProgress: "2024-05-20:10:00:00"}, "2024-05-01T00:00:00Z (in progress)"},
		{control.StatsRecord{IntervalID: "odd"}, "odd"},
	} {
		if got := intervalStart(c.rec); got != c.want {
			t.Errorf("intervalStart(%q) = %q, want %q", c.rec.IntervalID, got, c.want)
		}
	}
}
