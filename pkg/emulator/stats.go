package emulator

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// statsKeep is how many minutes of stats the emulator keeps (a day), so that a long run's
// counters stay bounded.
const statsKeep = 24 * 60

// statsCounter counts what happens on each app, a minute at a time, for the Control API's
// stats: messages published (inbound) and delivered to Realtime subscribers (outbound) with
// their data, presence messages, and connections and channels, sampled every second (peak,
// min, mean, opened).
type statsCounter struct {
	ctl *controltest.Server
	now func() time.Time

	mu      sync.Mutex
	minutes map[statsKey]*minuteStats
	seen    map[string]bool // connection IDs already counted as opened
}

type statsKey struct {
	app    string
	minute int64 // Unix minute
}

type minuteStats struct {
	counts         map[string]int64 // summed entries
	connPeak       int64
	connMin        int64
	connSum        int64
	chanPeak       int64
	chanMin        int64
	chanSum        int64
	samples        int64
	channelsOpened map[string]bool
}

func newStatsCounter(ctl *controltest.Server, now func() time.Time) *statsCounter {
	return &statsCounter{ctl: ctl, now: now, minutes: map[statsKey]*minuteStats{}, seen: map[string]bool{}}
}

// minuteLocked is the current minute's stats of app, made when new. The caller holds c.mu.
func (c *statsCounter) minuteLocked(app string, t time.Time) *minuteStats {
	k := statsKey{app, t.Unix() / 60}
	m := c.minutes[k]
	if m == nil {
		m = &minuteStats{counts: map[string]int64{}, connMin: -1, chanMin: -1, channelsOpened: map[string]bool{}}
		c.minutes[k] = m
		for old := range c.minutes { // forget what is older than a day
			if old.minute < k.minute-statsKeep {
				delete(c.minutes, old)
			}
		}
	}
	return m
}

// observe counts a change of the store: messages published, with one delivery per Realtime
// subscriber attached to the channel, and presence messages.
func (c *statsCounter) observe(e resttest.Event, subscribers int) {
	if e.AppID == "" || isMeta(e.Channel) {
		return // Ably's own lifecycle messages are not the app's traffic
	}
	var n, bytes int64
	for _, m := range e.Messages {
		n++
		bytes += int64(len(m.Data) + len(m.Name))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.minuteLocked(e.AppID, c.now())
	add := func(name string, v int64) { m.counts[name] += v }
	if n > 0 {
		out := n * int64(subscribers)
		add("messages.inbound.all.messages.count", n)
		add("messages.inbound.all.messages.data", bytes)
		add("messages.inbound.all.all.count", n)
		add("messages.outbound.all.messages.count", out)
		add("messages.outbound.all.all.count", out)
		add("messages.all.messages.count", n+out)
		add("messages.all.all.count", n+out)
		add("messages.all.all.data", bytes*(1+int64(subscribers)))
		m.channelsOpened[e.Channel] = true
	}
	if p := int64(len(e.Presence)); p > 0 {
		add("messages.inbound.all.presence.count", p)
		add("messages.inbound.all.all.count", p)
		add("messages.all.presence.count", p)
		add("messages.all.all.count", p)
	}
}

// isMeta reports whether channel is a metachannel ([meta]...), whose messages are Ably's.
func isMeta(channel string) bool { return strings.HasPrefix(channel, "[meta]") }

// sample counts the live connections and attached channels of every app now.
func (c *statsCounter) sample(conns []realtimetest.Connection, appOf func(realtimetest.Connection) string) {
	type tally struct {
		conns    int64
		channels map[string]bool
		opened   int64
	}
	byApp := map[string]*tally{}
	c.mu.Lock()
	defer c.mu.Unlock()
	live := map[string]bool{}
	for _, cn := range conns {
		if !cn.Live {
			continue
		}
		app := appOf(cn)
		if app == "" {
			continue
		}
		t := byApp[app]
		if t == nil {
			t = &tally{channels: map[string]bool{}}
			byApp[app] = t
		}
		t.conns++
		for _, a := range cn.Channels {
			t.channels[a.Channel] = true
		}
		live[cn.ID] = true
		if !c.seen[cn.ID] {
			c.seen[cn.ID] = true
			t.opened++
		}
	}
	for id := range c.seen { // forget connections gone, so the set stays bounded
		if !live[id] {
			delete(c.seen, id)
		}
	}
	now := c.now()
	for _, app := range c.ctl.Apps() {
		t := byApp[app.ID]
		if t == nil {
			t = &tally{channels: map[string]bool{}}
		}
		m := c.minuteLocked(app.ID, now)
		ch := int64(len(t.channels))
		m.samples++
		m.connSum += t.conns
		m.chanSum += ch
		m.connPeak, m.chanPeak = max(m.connPeak, t.conns), max(m.chanPeak, ch)
		if m.connMin < 0 || t.conns < m.connMin {
			m.connMin = t.conns
		}
		if m.chanMin < 0 || ch < m.chanMin {
			m.chanMin = ch
		}
		m.counts["connections.all.opened"] += t.opened
		for name := range t.channels {
			m.channelsOpened[name] = true
		}
	}
}

// entries is controltest's StatsSource: an app's minutes in [from, to) added up, or those of
// every app of an account.
func (c *statsCounter) entries(id string, account bool, from, to time.Time) map[string]int64 {
	apps := []string{id}
	if account {
		apps = nil
		for _, a := range c.ctl.Apps() {
			if a.AccountID == id {
				apps = append(apps, a.ID)
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int64{}
	var samples, connSum, chanSum int64
	connMin, chanMin := int64(-1), int64(-1)
	channels := map[string]bool{}
	for k, m := range c.minutes {
		t := time.Unix(k.minute*60, 0)
		if t.Before(from) || !t.Before(to) || !slices.Contains(apps, k.app) {
			continue
		}
		for name, v := range m.counts {
			out[name] += v
		}
		out["connections.all.peak"] = max(out["connections.all.peak"], m.connPeak)
		out["channels.peak"] = max(out["channels.peak"], m.chanPeak)
		if m.samples > 0 {
			samples += m.samples
			connSum += m.connSum
			chanSum += m.chanSum
			if connMin < 0 || m.connMin < connMin {
				connMin = m.connMin
			}
			if chanMin < 0 || m.chanMin < chanMin {
				chanMin = m.chanMin
			}
		}
		for name := range m.channelsOpened {
			channels[k.app+"\x00"+name] = true
		}
	}
	out["channels.opened"] = int64(len(channels))
	if samples > 0 {
		out["connections.all.mean"] = connSum / samples
		out["channels.mean"] = chanSum / samples
		out["connections.all.min"] = max(connMin, 0)
		out["channels.min"] = max(chanMin, 0)
	}
	return out
}

// run samples connections every second until ctx ends.
func (c *statsCounter) run(ctx context.Context, rt *realtimetest.Server, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.sample(rt.Connections(), func(cn realtimetest.Connection) string { return cn.AppID })
		}
	}
}
