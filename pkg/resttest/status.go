package resttest

import (
	"net/http"
	"sort"
	"strings"
)

// ChannelDetails is a channel's status as GET /channels/{channel} answers it.
type ChannelDetails struct {
	ChannelID string        `json:"channelId"`
	Status    ChannelStatus `json:"status"`
}

// ChannelStatus says whether a channel is active, and its occupancy.
type ChannelStatus struct {
	IsActive  bool      `json:"isActive"`
	Occupancy Occupancy `json:"occupancy"`
}

// Occupancy wraps a channel's metrics, as Ably sends them.
type Occupancy struct {
	Metrics Metrics `json:"metrics"`
}

// detailsLocked is an app's channel's status. The caller holds s.mu.
func (s *Server) detailsLocked(appID, name string) ChannelDetails {
	d := ChannelDetails{ChannelID: name}
	ch := s.channelLocked(appID, name, false)
	if ch == nil {
		return s.withLive(appID, d)
	}
	d.Status.IsActive = ch.active()
	if ch.occupancy != nil {
		d.Status.Occupancy.Metrics = *ch.occupancy
	}
	d.Status.Occupancy.Metrics.PresenceMembers += len(ch.presence)
	return s.withLive(appID, d)
}

// withLive adds a Realtime server's live counts (WithOccupancy) to a channel's details.
// The caller holds s.mu.
func (s *Server) withLive(appID string, d ChannelDetails) ChannelDetails {
	if s.liveOccupancy == nil {
		return d
	}
	live := s.liveOccupancy(s.AppScope(appID), d.ChannelID)
	m := &d.Status.Occupancy.Metrics
	m.Connections += live.Connections
	m.PresenceConnections += live.PresenceConnections
	m.PresenceMembers += live.PresenceMembers
	m.PresenceSubscribers += live.PresenceSubscribers
	m.Publishers += live.Publishers
	m.Subscribers += live.Subscribers
	m.ObjectPublishers += live.ObjectPublishers
	m.ObjectSubscribers += live.ObjectSubscribers
	if live.Connections > 0 {
		d.Status.IsActive = true
	}
	return d
}

// channelStatus answers GET /channels/{channel} (RSL8): a channel never used is inactive
// with no occupancy; Ably answers 200 for it too.
func (s *Server) channelStatus(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	who, aerr := s.authenticate(r)
	if aerr == nil {
		aerr = who.authorize("channel-metadata", channel)
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.Lock()
	d := s.detailsLocked(who.appID(), channel)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, d)
}

// listChannels answers GET /channels: the active channels whose names start with prefix
// and that the caller may see (channel-metadata), sorted by name, a page at a time; by=id
// (the default) lists names, by=value ChannelDetails.
func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	who, aerr := s.authenticate(r)
	q := r.URL.Query()
	limit, cursor := 0, ""
	if aerr == nil {
		limit, aerr = readLimit(q)
	}
	if aerr == nil {
		cursor, aerr = readCursor(q)
	}
	by := q.Get("by")
	if aerr == nil && by != "" && by != "id" && by != "value" {
		aerr = badParam("by must be id or value, not %q", by)
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	prefix := q.Get("prefix")
	s.mu.Lock()
	var names []string
	scope := s.AppScope(who.appID())
	for k, ch := range s.channels {
		if k.scope == scope && ch.active() && strings.HasPrefix(k.name, prefix) && k.name >= cursor && who.can("channel-metadata", k.name) {
			names = append(names, k.name)
		}
	}
	sort.Strings(names)
	next := ""
	if len(names) > limit {
		names, next = names[:limit], names[limit]
	}
	details := make([]ChannelDetails, len(names))
	for i, n := range names {
		details[i] = s.detailsLocked(who.appID(), n)
	}
	s.mu.Unlock()
	setLinks(w, r, limit, next)
	if by == "value" {
		writeJSON(w, http.StatusOK, details)
		return
	}
	if names == nil {
		names = []string{}
	}
	writeJSON(w, http.StatusOK, names)
}

// Status returns a channel's status as GET /channels/{channel} answers it.
func (a AppChannels) Status(channel string) ChannelDetails {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.s.detailsLocked(a.app, channel)
}
