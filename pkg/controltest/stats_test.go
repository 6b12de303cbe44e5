package controltest_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
)

type statsRecord struct {
	IntervalID string           `json:"intervalId"`
	Unit       string           `json:"unit"`
	AppID      string           `json:"appId"`
	AccountID  string           `json:"accountId"`
	Schema     string           `json:"schema"`
	InProgress *string          `json:"inProgress"`
	Entries    map[string]int64 `json:"entries"`
}

func TestStats(t *testing.T) {
	now := time.Date(2026, 3, 15, 10, 42, 17, 0, time.UTC)
	srv := newServer(t, controltest.WithClock(func() time.Time { return now }))
	app := srv.AddApp("", controltest.App{Name: "A"})
	ms := func(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

	get := func(path string) []statsRecord {
		t.Helper()
		var out []statsRecord
		want(t, api(t, srv, "GET", path, ""), 200).decode(t, &out)
		return out
	}
	ids := func(recs []statsRecord) []string {
		var out []string
		for _, r := range recs {
			out = append(out, r.IntervalID)
		}
		return out
	}

	// Defaults: minutes, newest first, 100 of them; only the running interval is in progress.
	recs := get("/apps/" + app.ID + "/stats")
	if len(recs) != 100 || recs[0].IntervalID != "2026-03-15:10:42" || recs[99].IntervalID != "2026-03-15:09:03" {
		t.Fatalf("default: %d records, %v ... %v", len(recs), recs[0].IntervalID, recs[len(recs)-1].IntervalID)
	}
	if recs[0].InProgress == nil || *recs[0].InProgress != "2026-03-15:10:42:17" || recs[1].InProgress != nil {
		t.Errorf("inProgress: %v, %v", recs[0].InProgress, recs[1].InProgress)
	}
	r := recs[1]
	if r.Unit != "minute" || r.AppID != app.ID || r.AccountID != "" || r.Schema != "https://schemas.ably.com/json/app-stats-0.0.5.json" {
		t.Errorf("record: %+v", r)
	}
	e := r.Entries
	if e["messages.all.all.count"] != e["messages.all.messages.count"]+e["messages.all.presence.count"] ||
		e["messages.all.messages.count"] != e["messages.inbound.all.messages.count"]+e["messages.outbound.all.messages.count"] ||
		e["connections.all.peak"] < e["connections.all.min"] || e["messages.all.all.count"] == 0 {
		t.Errorf("entries do not add up: %v", e)
	}

	// Same query, same numbers.
	if again := get("/apps/" + app.ID + "/stats"); !reflect.DeepEqual(again, recs) {
		t.Errorf("stats differ between calls")
	}

	// Units, start/end rounding, direction and limit.
	start := ms(time.Date(2026, 3, 15, 7, 30, 0, 0, time.UTC))
	end := ms(time.Date(2026, 3, 15, 9, 59, 0, 0, time.UTC))
	if got := ids(get("/apps/" + app.ID + "/stats?unit=hour&start=" + start + "&end=" + end)); !reflect.DeepEqual(got,
		[]string{"2026-03-15:09", "2026-03-15:08", "2026-03-15:07"}) {
		t.Errorf("hours backwards: %v", got)
	}
	if got := ids(get("/apps/" + app.ID + "/stats?unit=hour&direction=forwards&limit=2&start=" + start + "&end=" + end)); !reflect.DeepEqual(got,
		[]string{"2026-03-15:07", "2026-03-15:08"}) {
		t.Errorf("hours forwards: %v", got)
	}
	if got := ids(get("/apps/" + app.ID + "/stats?unit=day&limit=3&direction=forwards")); !reflect.DeepEqual(got,
		[]string{"2026-03-13:00", "2026-03-14:00", "2026-03-15:00"}) {
		t.Errorf("days: %v", got)
	}
	months := get("/accounts/acc-1/stats?unit=month&limit=3")
	if got := ids(months); !reflect.DeepEqual(got, []string{"2026-03-01:00", "2026-02-01:00", "2026-01-01:00"}) {
		t.Errorf("months: %v", got)
	}
	m := months[1]
	if m.AccountID != "acc-1" || m.AppID != "" || m.Schema != "https://schemas.ably.com/json/account-stats-0.0.3.json" ||
		m.InProgress != nil || months[0].InProgress == nil || m.Entries["peakRates.connections"] == 0 {
		t.Errorf("account month: %+v", m)
	}
	// Nothing from the future.
	future := ms(now.Add(48 * time.Hour))
	if got := get("/apps/" + app.ID + "/stats?unit=day&start=" + ms(now) + "&end=" + future); len(got) != 1 || got[0].IntervalID != "2026-03-15:00" {
		t.Errorf("future: %v", ids(got))
	}

	for _, q := range []string{"unit=year", "limit=0", "limit=1001", "direction=up", "start=yesterday", "start=" + end + "&end=" + start} {
		checkError(t, api(t, srv, "GET", "/apps/"+app.ID+"/stats?"+q, ""), 400, controltest.CodeInvalidParam, "")
	}
	checkError(t, api(t, srv, "GET", "/apps/nope/stats", ""), 404, controltest.CodeNotFound, `app "nope"`)
}
