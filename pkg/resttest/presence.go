package resttest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Metrics is a channel's occupancy as Ably counts it.
type Metrics struct {
	Connections         int `json:"connections"`
	PresenceConnections int `json:"presenceConnections"`
	PresenceMembers     int `json:"presenceMembers"`
	PresenceSubscribers int `json:"presenceSubscribers"`
	Publishers          int `json:"publishers"`
	Subscribers         int `json:"subscribers"`
	ObjectPublishers    int `json:"objectPublishers"`
	ObjectSubscribers   int `json:"objectSubscribers"`
}

// PresenceMember is a member present on a channel.
type PresenceMember struct {
	ClientID     string
	ConnectionID string          // "" gets one made up when entered
	Data         json.RawMessage // any JSON value; nil for none
	Encoding     string
}

// PresenceMessage is a member as GET /channels/{channel}/presence answers it.
type PresenceMessage struct {
	ID           string          `json:"id"`
	Action       int             `json:"action"` // 1: present
	ClientID     string          `json:"clientId"`
	ConnectionID string          `json:"connectionId"`
	Data         json.RawMessage `json:"data,omitempty"`
	Encoding     string          `json:"encoding,omitempty"`
	Timestamp    int64           `json:"timestamp"`
}

// presenceActionPresent is the action of a member in a presence set (Ably's PRESENT).
const presenceActionPresent = 1

// EnterPresence makes a member present on a channel, as if it had entered over a realtime
// connection at the server's time; a member with the same client and connection IDs is
// updated. It returns the member as the channel's presence lists it.
func (a AppChannels) EnterPresence(channel string, m PresenceMember) PresenceMessage {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(a.app, channel, true)
	s.presenceSeq++
	if m.ConnectionID == "" {
		m.ConnectionID = "fakeconn" + strconv.Itoa(s.presenceSeq)
	}
	p := PresenceMessage{
		ID: m.ConnectionID + ":" + strconv.Itoa(s.presenceSeq) + ":0", Action: presenceActionPresent,
		ClientID: m.ClientID, ConnectionID: m.ConnectionID, Data: cloneRaw(m.Data), Encoding: m.Encoding,
		Timestamp: s.now().UnixMilli(),
	}
	for i, old := range ch.presence {
		if old.ClientID == m.ClientID && old.ConnectionID == m.ConnectionID {
			ch.presence[i] = p
			s.observePresenceLocked(a.app, channel, p, PresenceActionUpdate)
			return p
		}
	}
	ch.presence = append(ch.presence, p)
	s.observePresenceLocked(a.app, channel, p, PresenceActionEnter)
	return p
}

// observePresenceLocked tells the observer of a member entering or updating. The caller
// holds s.mu.
func (s *Server) observePresenceLocked(appID, channel string, p PresenceMessage, action int) {
	p.Action = action
	s.observeLocked(Event{AppID: appID, Channel: channel, Presence: []PresenceMessage{p}})
}

// SetOccupancy seeds a channel's occupancy metrics; presenceMembers is answered as the
// seeded count plus the members present.
func (a AppChannels) SetOccupancy(channel string, m Metrics) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	a.s.channelLocked(a.app, channel, true).occupancy = &m
}

func cloneRaw(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}

// presence answers GET /channels/{channel}/presence (RSP3): the members present, in the
// order they entered, those of clientId and connectionId when given, a page at a time.
func (s *Server) presence(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	who, aerr := s.authenticate(r)
	if aerr == nil {
		aerr = who.authorize("subscribe", channel)
	}
	q := r.URL.Query()
	limit, from := 0, 0
	if aerr == nil {
		limit, from, aerr = readOffset(q)
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.Lock()
	var matching []PresenceMessage
	if ch := s.channelLocked(who.appID(), channel, false); ch != nil {
		for _, p := range ch.presence {
			if (!q.Has("clientId") || p.ClientID == q.Get("clientId")) && (!q.Has("connectionId") || p.ConnectionID == q.Get("connectionId")) {
				p.Data = cloneRaw(p.Data)
				matching = append(matching, p)
			}
		}
	}
	s.mu.Unlock()
	writeOffsetPage(w, r, matching, limit, from)
}

// Presence returns the members present on a channel, in the order they entered.
func (a AppChannels) Presence(channel string) []PresenceMessage {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	ch := a.s.channelLocked(a.app, channel, false)
	if ch == nil {
		return nil
	}
	out := make([]PresenceMessage, len(ch.presence))
	for i, p := range ch.presence {
		p.Data = cloneRaw(p.Data)
		out[i] = p
	}
	return out
}
