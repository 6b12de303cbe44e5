package resttest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// WithMutable says on which channels of which app messages may be fetched by serial,
// changed and annotated: Ably allows that where the channel's namespace has the
// mutableMessages rule. Without it, no channel allows it. It is called without the
// server's lock held.
func WithMutable(allowed func(appID, channel string) bool) Option {
	return func(s *Server) { s.mutable = allowed }
}

// checkMutable refuses a channel whose namespace does not allow mutable messages: 400 93002.
func (s *Server) checkMutable(who caller, channel string) *apiError {
	if s.Mutable(who.appID(), channel) {
		return nil
	}
	ns, _, hasNS := strings.Cut(channel, ":")
	if !hasNS {
		return newError(http.StatusBadRequest, CodeMutableDisabled,
			"mutable messages are not enabled on channel %s: it has no namespace; use a channel NAMESPACE:NAME whose namespace has the mutableMessages rule", quote(channel))
	}
	return newError(http.StatusBadRequest, CodeMutableDisabled,
		"mutable messages are not enabled on channel %s: its namespace %s needs a channel rule with mutableMessages enabled", quote(channel), quote(ns))
}

// withVersion is a message as fetched by serial: with its version, which for a message
// never changed is its own serial and timestamp.
func withVersion(m Message) Message {
	m = m.clone()
	if m.Version == nil {
		m.Version = &MessageVersion{Serial: m.Serial, Timestamp: m.Timestamp}
	}
	return m
}

// messageTarget authenticates a request on one message, checks op (history, annotation-*)
// and the mutable rule; the message must exist (404 40400). It returns the caller and the
// route's channel and serial.
func (s *Server) messageTarget(r *http.Request, op string) (caller, string, string, *apiError) {
	channel, serial := r.PathValue("channel"), r.PathValue("serial")
	who, aerr := s.authenticate(r)
	if aerr == nil && op != "" {
		aerr = who.authorize(op, channel)
	}
	if aerr == nil {
		aerr = s.checkMutable(who, channel)
	}
	if aerr == nil {
		s.mu.Lock()
		ch := s.channelLocked(who.appID(), channel, false)
		if ch == nil || ch.find(serial) < 0 {
			aerr = newError(http.StatusNotFound, CodeNotFound, "no message with serial %s on channel %s", quote(serial), quote(channel))
		}
		s.mu.Unlock()
	}
	return who, channel, serial, aerr
}

// getMessage answers GET /channels/{channel}/messages/{serial}: the message's latest version.
func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	who, channel, serial, aerr := s.messageTarget(r, "history")
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.Lock()
	ch := s.channelLocked(who.appID(), channel, false)
	m := withVersion(ch.messages[ch.find(serial)])
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, m)
}

// messageChange is the body of PATCH /channels/{channel}/messages/{serial}.
type messageChange struct {
	Action   *int            `json:"action"`
	Name     *string         `json:"name"`
	Data     json.RawMessage `json:"data"`
	Encoding *string         `json:"encoding"`
	Extras   json.RawMessage `json:"extras"`
	Version  struct {
		Description string          `json:"description"`
		Metadata    json.RawMessage `json:"metadata"`
		ClientID    string          `json:"clientId"`
	} `json:"version"`
}

// VersionResult is the answer to a change of a message.
type VersionResult struct {
	VersionSerial string `json:"versionSerial"`
}

// patchMessage answers PATCH /channels/{channel}/messages/{serial}: action 1 replaces the
// fields given, 5 appends string data to the message's string data, 2 deletes it. Updates
// and appends need message-update-any, or message-update-own on a message of the caller's
// client ID; deletes message-delete-any or message-delete-own.
func (s *Server) patchMessage(w http.ResponseWriter, r *http.Request) {
	who, channel, serial, aerr := s.messageTarget(r, "")
	if aerr != nil {
		aerr.write(w)
		return
	}
	var c messageChange
	if err := json.Unmarshal(readBody(r), &c); err != nil {
		newError(http.StatusBadRequest, CodeBadRequest, "the body is not a message change {\"action\":1|2|5,...}: %s", jsonProblem(err)).write(w)
		return
	}
	if c.Action == nil || *c.Action != ActionUpdate && *c.Action != ActionDelete && *c.Action != ActionAppend {
		badParam("action must be 1 (update), 2 (delete) or 5 (append)").write(w)
		return
	}
	if len(c.Extras) > 0 && string(c.Extras) != "null" && c.Extras[0] != '{' {
		badParam("extras must be a JSON object").write(w)
		return
	}
	versionClient := c.Version.ClientID
	switch {
	case versionClient == "" && who.clientID != "*":
		versionClient = who.clientID
	case versionClient != "" && who.clientID != "" && who.clientID != "*" && versionClient != who.clientID:
		newError(http.StatusBadRequest, CodeMismatchedClientID, "mismatched clientId: version.clientId %s is not the request's client ID %s", quote(versionClient), quote(who.clientID)).write(w)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(who.appID(), channel, false)
	i := ch.find(serial)
	m := ch.messages[i].clone()
	kind := "update"
	if *c.Action == ActionDelete {
		kind = "delete"
	}
	own := m.ClientID != "" && m.ClientID == who.clientID
	if !who.can("message-"+kind+"-any", channel) && !(own && who.can("message-"+kind+"-own", channel)) {
		newError(http.StatusUnauthorized, CodeCapability, "action not permitted: the capability allows neither %s on channel %s nor %s for a message of the caller's own client ID",
			quote("message-"+kind+"-any"), quote(channel), quote("message-"+kind+"-own")).write(w)
		return
	}
	switch *c.Action {
	case ActionUpdate:
		if c.Name != nil {
			m.Name = *c.Name
		}
		if c.Data != nil {
			m.Data = nil
			if string(c.Data) != "null" {
				m.Data = cloneRaw(c.Data)
			}
		}
		if c.Encoding != nil {
			m.Encoding = *c.Encoding
		}
		if c.Extras != nil {
			m.Extras = nil
			if string(c.Extras) != "null" {
				m.Extras = cloneRaw(c.Extras)
			}
		}
	case ActionAppend:
		if m.Action == ActionDelete {
			badParam("message %s was deleted: there is nothing to append to", quote(serial)).write(w)
			return
		}
		var add, had string
		if json.Unmarshal(c.Data, &add) != nil {
			badParam("an append's data must be a JSON string").write(w)
			return
		}
		if m.Data != nil && json.Unmarshal(m.Data, &had) != nil {
			badParam("message %s's data is not a string: only string data can be appended to", quote(serial)).write(w)
			return
		}
		m.Data, _ = json.Marshal(had + add)
	}
	now := s.now().UnixMilli()
	m.Action = *c.Action
	m.Version = &MessageVersion{Serial: ch.serialFor(now), Timestamp: now, ClientID: versionClient,
		Description: c.Version.Description, Metadata: cloneRaw(c.Version.Metadata)}
	ch.messages[i] = m
	// Subscribers hear of the change: the new version whole, or for an append only what was
	// appended, which they add to what they have.
	change := m
	if *c.Action == ActionAppend {
		change.Data = cloneRaw(c.Data)
	}
	s.observeLocked(Event{AppID: who.appID(), Channel: channel, Messages: []Message{change}})
	writeJSON(w, http.StatusOK, VersionResult{VersionSerial: m.Version.Serial})
}

// Mutable reports whether the server allows mutable messages (fetching by serial,
// changes, annotations) on a channel for an app's keys, as WithMutable set.
func (s *Server) Mutable(appID, channel string) bool {
	return s.mutable != nil && s.mutable(appID, channel)
}

// Message returns a channel's message by serial, as GET /channels/{channel}/messages/{serial}
// answers it (with its version).
func (a AppChannels) Message(channel, serial string) (Message, bool) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	ch := a.s.channelLocked(a.app, channel, false)
	if ch == nil || ch.find(serial) < 0 {
		return Message{}, false
	}
	return withVersion(ch.messages[ch.find(serial)]), true
}
