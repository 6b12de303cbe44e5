package controltest

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// The schemas each stats record names, as the real API does.
const (
	appStatsSchema     = "https://schemas.ably.com/json/app-stats-0.0.5.json"
	accountStatsSchema = "https://schemas.ably.com/json/account-stats-0.0.3.json"
)

// statsRecord is one interval of app_stats_response or account_stats_response, plus
// inProgress, which the real API sets on the interval still running (the spec omits it).
type statsRecord struct {
	IntervalID string           `json:"intervalId"`
	Unit       string           `json:"unit"`
	AppID      string           `json:"appId,omitempty"`
	AccountID  string           `json:"accountId,omitempty"`
	Schema     string           `json:"schema"`
	InProgress string           `json:"inProgress,omitempty"`
	Entries    map[string]int64 `json:"entries"`
}

type statsQuery struct {
	start, end *time.Time
	unit       string
	forwards   bool
	limit      int
}

func (s *Server) accountStats(c *call) {
	id := c.r.PathValue("id")
	if !c.ownAccount(id) {
		return
	}
	s.serveStats(c, id, true)
}

func (s *Server) appStats(c *call) {
	s.mu.Lock()
	a := s.ownApp(c, c.r.PathValue("id"))
	s.mu.Unlock()
	if a != nil {
		s.serveStats(c, a.ID, false)
	}
}

// StatsSource gives the stats entries ("messages.all.all.count": N, ...) of an app (account
// false) or an account over [from, to), for WithStats.
type StatsSource func(id string, account bool, from, to time.Time) map[string]int64

// WithStats makes the server answer stats from src, what happened, instead of made-up
// numbers.
func WithStats(src StatsSource) Option {
	return func(s *Server) { s.stats = src }
}

// serveStats makes up plausible, repeatable numbers for every interval asked for (the same
// query on the same clock gives the same records), unless WithStats gave a source.
func (s *Server) serveStats(c *call, id string, account bool) {
	q, err := parseStatsQuery(c.r.URL.Query())
	if err != nil {
		writeError(c.w, http.StatusBadRequest, CodeInvalidParam, "%v", err)
		return
	}
	now := s.now().UTC()
	out := []statsRecord{}
	for _, t := range statsIntervals(q, now) {
		rec := statsRecord{IntervalID: intervalID(t, q.unit), Unit: q.unit, Schema: appStatsSchema}
		if account {
			rec.AccountID, rec.Schema = id, accountStatsSchema
		} else {
			rec.AppID = id
		}
		if nextInterval(t, q.unit).After(now) { // the interval holding now is still running
			rec.InProgress = now.Truncate(time.Second).Format("2006-01-02:15:04:05")
		}
		if s.stats != nil {
			rec.Entries = s.stats(id, account, t, nextInterval(t, q.unit))
		} else {
			rec.Entries = statsEntries(id+"|"+q.unit+"|"+rec.IntervalID, t, q.unit, account)
		}
		out = append(out, rec)
	}
	writeJSON(c.w, http.StatusOK, out)
}

func parseStatsQuery(v url.Values) (statsQuery, error) {
	q := statsQuery{unit: "minute", limit: 100}
	for _, name := range []string{"start", "end"} {
		raw := v.Get(name)
		if raw == "" {
			continue
		}
		ms, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || ms < 0 {
			return q, fmt.Errorf("%s must be milliseconds since the Unix epoch, not %q", name, raw)
		}
		t := time.UnixMilli(ms).UTC()
		if name == "start" {
			q.start = &t
		} else {
			q.end = &t
		}
	}
	if u := v.Get("unit"); u != "" {
		if !slices.Contains([]string{"minute", "hour", "day", "month"}, u) {
			return q, fmt.Errorf("unit must be minute, hour, day or month, not %q", u)
		}
		q.unit = u
	}
	switch d := v.Get("direction"); d {
	case "", "backwards":
	case "forwards":
		q.forwards = true
	default:
		return q, fmt.Errorf("direction must be forwards or backwards, not %q", d)
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return q, fmt.Errorf("limit must be from 1 to 1000, not %q", l)
		}
		q.limit = n
	}
	if q.start != nil && q.end != nil && q.start.After(*q.end) {
		return q, fmt.Errorf("start (%d) is after end (%d)", q.start.UnixMilli(), q.end.UnixMilli())
	}
	return q, nil
}

// statsIntervals are the starts of the intervals a query covers, in the order asked for.
// Times round down to the unit, as the API documents; nothing lies in the future.
func statsIntervals(q statsQuery, now time.Time) []time.Time {
	end := now
	if q.end != nil && q.end.Before(now) {
		end = *q.end
	}
	last := floorTo(end, q.unit)
	var first time.Time
	if q.start != nil {
		first = floorTo(*q.start, q.unit)
	}
	var out []time.Time
	if q.forwards && q.start != nil {
		for t := first; !t.After(last) && len(out) < q.limit; t = nextInterval(t, q.unit) {
			out = append(out, t)
		}
		return out
	}
	for t := last; (q.start == nil || !t.Before(first)) && len(out) < q.limit; t = prevInterval(t, q.unit) {
		out = append(out, t)
	}
	if q.forwards {
		slices.Reverse(out)
	}
	return out
}

func floorTo(t time.Time, unit string) time.Time {
	t = t.UTC()
	switch unit {
	case "hour":
		return t.Truncate(time.Hour)
	case "day":
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	default:
		return t.Truncate(time.Minute)
	}
}

func nextInterval(t time.Time, unit string) time.Time {
	switch unit {
	case "hour":
		return t.Add(time.Hour)
	case "day":
		return t.AddDate(0, 0, 1)
	case "month":
		return t.AddDate(0, 1, 0)
	default:
		return t.Add(time.Minute)
	}
}

func prevInterval(t time.Time, unit string) time.Time {
	switch unit {
	case "hour":
		return t.Add(-time.Hour)
	case "day":
		return t.AddDate(0, 0, -1)
	case "month":
		return t.AddDate(0, -1, 0)
	default:
		return t.Add(-time.Minute)
	}
}

// intervalID formats an interval start as the API does: yyyy-mm-dd:hh:mm for minutes,
// yyyy-mm-dd:hh otherwise (so a day is yyyy-mm-dd:00, a month yyyy-mm-01:00).
func intervalID(t time.Time, unit string) string {
	if unit == "minute" {
		return t.Format("2006-01-02:15:04")
	}
	return t.Format("2006-01-02:15")
}

// statsEntries makes up an interval's numbers from seed, scaled to the interval's length,
// with the totals adding up (all = inbound + outbound, and so on).
func statsEntries(seed string, t time.Time, unit string, account bool) map[string]int64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
	minutes := int64(nextInterval(t, unit).Sub(t) / time.Minute)

	inbound := (20 + rng.Int64N(200)) * minutes
	outbound := inbound * (1 + rng.Int64N(4))
	presence := rng.Int64N(30) * minutes
	all := inbound + outbound + presence
	connPeak := 5 + rng.Int64N(500)
	chanPeak := 1 + rng.Int64N(100)
	apiOK := (1 + rng.Int64N(40)) * minutes
	e := map[string]int64{
		"messages.all.all.count":                 all,
		"messages.all.all.data":                  all * (80 + rng.Int64N(400)),
		"messages.all.messages.count":            inbound + outbound,
		"messages.all.presence.count":            presence,
		"messages.inbound.all.messages.count":    inbound,
		"messages.inbound.all.all.count":         inbound + presence,
		"messages.outbound.all.messages.count":   outbound,
		"messages.outbound.all.all.count":        outbound,
		"messages.persisted.all.count":           inbound / 4,
		"connections.all.peak":                   connPeak,
		"connections.all.min":                    connPeak / 3,
		"connections.all.mean":                   connPeak * 2 / 3,
		"connections.all.opened":                 connPeak * minutes / 10,
		"channels.peak":                          chanPeak,
		"channels.min":                           chanPeak / 4,
		"channels.mean":                          chanPeak / 2,
		"channels.opened":                        chanPeak * minutes / 20,
		"apiRequests.all.succeeded":              apiOK,
		"apiRequests.all.failed":                 rng.Int64N(3) * minutes / 10,
		"apiRequests.tokenRequests.succeeded":    apiOK / 5,
		"push.notifications.delivered.total":     rng.Int64N(10) * minutes,
		"messages.processed.delta.xdelta.failed": 0,
	}
	if account {
		e["peakRates.messages"] = all / minutes / 60
		e["peakRates.connections"] = connPeak / 10
		e["peakRates.channels"] = chanPeak / 10
		e["peakRates.apiRequests"] = apiOK / minutes
	}
	return e
}
