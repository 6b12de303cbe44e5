package resttest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The hooks below let a Realtime fake (pkg/realtimetest) share this server's store, keys and
// rules: it checks credentials and capabilities with this package's code, publishes
// through the same store, and hears of every change to fan it out.

// Identity is who a credential belongs to, once checked: its key, its client ID and what
// it may do.
type Identity struct {
	who     caller
	expires int64 // ms since the epoch; 0 for a key, which does not expire
}

// KeyName is the credential's key, APPID.KEYID.
func (id Identity) KeyName() string { return id.who.keyName }

// AppID is the app of the credential's key.
func (id Identity) AppID() string { return id.who.appID() }

// ClientID is the identified client: "" for none, "*" for a token allowing any.
func (id Identity) ClientID() string { return id.who.clientID }

// WithClientID is the identity identified as clientID, as a key with a clientId
// connection parameter is (RSA7e2's Realtime counterpart, RTN2d).
func (id Identity) WithClientID(clientID string) Identity {
	id.who.clientID = clientID
	return id
}

// Can reports whether the identity may do op (publish, subscribe, presence, history,
// annotation-publish, ...) on channel: every grant, the key's and the token's, must allow it.
func (id Identity) Can(op, channel string) bool { return id.who.can(op, channel) }

// Reaches reports whether the identity may do anything at all on channel: a resource of
// every grant matches it.
func (id Identity) Reaches(channel string) bool { return id.who.reaches(channel) }

// Expires is when the token or JWT behind the identity expires; zero for a key.
func (id Identity) Expires() time.Time {
	if id.expires == 0 {
		return time.Time{}
	}
	return time.UnixMilli(id.expires)
}

// Error is an Ably error as this server answers it: the HTTP status, Ably's code and the
// message.
type Error struct {
	StatusCode int
	Code       int
	Message    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (code %d, status %d)", e.Message, e.Code, e.StatusCode)
}

func (e *apiError) export() *Error {
	if e == nil {
		return nil
	}
	return &Error{StatusCode: e.status, Code: e.code, Message: e.message}
}

// AuthenticateKey checks an API key, APPID.KEYID:SECRET, as basic auth does (RSA11): known,
// the secret right (compared in constant time), not revoked. The identity has no client ID.
func (s *Server) AuthenticateKey(key string) (Identity, *Error) {
	name, secret, ok := strings.Cut(key, ":")
	if !ok || name == "" || secret == "" || !strings.Contains(name, ".") {
		return Identity{}, &Error{http.StatusUnauthorized, CodeInvalidCredentials, "invalid key: it is not APPID.KEYID:SECRET"}
	}
	k, aerr := s.checkKeyCredentials(credentials{basic: true, keyName: name, secret: secret})
	if aerr != nil {
		return Identity{}, aerr.export()
	}
	return Identity{who: caller{keyName: k.Name(), grants: []map[string][]string{keyGrant(k)}}}, nil
}

// AuthenticateToken checks a token as a bearer token is checked (RSA3b): an Ably JWT signed
// by a known key (40144 malformed, 40101 bad signature or key) or a token this server
// issued (40140 unknown), not expired (40142) nor revoked (40141). Base64 of either is
// accepted, as Ably's SDKs send it over REST.
func (s *Server) AuthenticateToken(token string) (Identity, *Error) {
	if token == "" {
		return Identity{}, &Error{http.StatusUnauthorized, CodeInvalidCredentials, "the token is empty"}
	}
	who, expires, aerr := s.bearer(token, s.now())
	if aerr != nil {
		return Identity{}, aerr.export()
	}
	return Identity{who: who, expires: expires}, nil
}

// PublishAs publishes messages on channel as a REST publish by id would (RSL1): the publish
// capability (40160), each message's clientId against the identity's (40012), the size
// limit (40009). A message without an ID is stored as baseID:INDEX, so that one sent again
// (a client resending after a resume, RTN19a) is not stored twice (RSL1k); every message
// gets connectionID. It returns the messages as stored, in order.
func (s *Server) PublishAs(id Identity, channel, connectionID, baseID string, msgs []Message) ([]Message, *Error) {
	in := make([]wireMessage, len(msgs))
	for i, m := range msgs {
		in[i] = wireMessage{ID: m.ID, Name: m.Name, Data: cloneRaw(m.Data), Encoding: m.Encoding, ClientID: m.ClientID, Extras: cloneRaw(m.Extras)}
	}
	prepared, aerr := id.who.prepare(channel, in)
	if aerr != nil {
		return nil, aerr.export()
	}
	for i := range prepared {
		prepared[i].ConnectionID = connectionID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneMessages(s.storeLocked(id.who.appID(), channel, prepared, baseID)), nil
}

// AnnotateAs publishes annotations of the message with messageSerial on channel as the
// REST route does: the annotation-publish capability, the mutable messages rule, the
// message must exist, each annotation's type and client ID checked. IDs the message's
// annotations hold already are not stored again.
func (s *Server) AnnotateAs(id Identity, channel, messageSerial string, anns []Annotation) *Error {
	if aerr := id.who.authorize("annotation-publish", channel); aerr != nil {
		return aerr.export()
	}
	if aerr := s.checkMutable(id.who, channel); aerr != nil {
		return aerr.export()
	}
	in := make([]wireAnnotation, len(anns))
	for i, a := range anns {
		action := a.Action
		in[i] = wireAnnotation{ID: a.ID, Action: &action, Type: a.Type, Name: a.Name, ClientID: a.ClientID, Count: a.Count,
			Data: cloneRaw(a.Data), Encoding: a.Encoding}
	}
	return s.annotate(id.who, channel, messageSerial, in).export()
}

// LeavePresence removes the member with clientID and connectionID from a channel's
// presence, as a Realtime leave or a connection's end does; it reports whether there was
// one.
func (a AppChannels) LeavePresence(channel, clientID, connectionID string) (PresenceMessage, bool) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(a.app, channel, false)
	if ch == nil {
		return PresenceMessage{}, false
	}
	for i, p := range ch.presence {
		if p.ClientID == clientID && p.ConnectionID == connectionID {
			ch.presence = append(ch.presence[:i:i], ch.presence[i+1:]...)
			s.presenceSeq++
			p.Action = PresenceActionLeave
			p.ID = connectionID + ":" + strconv.Itoa(s.presenceSeq) + ":0"
			p.Timestamp = s.now().UnixMilli()
			s.observeLocked(Event{AppID: a.app, Channel: channel, Presence: []PresenceMessage{p}})
			return p, true
		}
	}
	return PresenceMessage{}, false
}

// Presence actions of the PresenceMessages an Event carries (TP2).
const (
	PresenceActionEnter  = 2
	PresenceActionLeave  = 3
	PresenceActionUpdate = 4
)

// Event is a change to a channel's store that a Realtime server fans out: messages stored
// (new ones only, in serial order), a message changed (its new version, action update or
// delete; for an append, action append with only the data appended), annotations stored,
// or a presence change (a member entering, updating or leaving, with its action).
type Event struct {
	AppID       string // the app of the channel, or of the credential that made the change; "" for seeded state
	Channel     string
	Messages    []Message
	Annotations []Annotation
	Presence    []PresenceMessage
}

// WithObserver makes the server call observe with every change to a channel's store, from
// any source (REST, batch, Publish, PublishAs, EnterPresence, ...), in the order the changes
// are made. It is called with the server's lock held: it must not call the Server, only
// queue the event.
func WithObserver(observe func(Event)) Option {
	return func(s *Server) { s.observe = observe }
}

// WithOccupancy adds live counts to what a channel's status answers (GET
// /channels/{channel}, Status): a Realtime server's connections attached to the channel of
// that name in an app's scope (AppScope). It is called with the server's lock held, and
// must not call the Server.
func WithOccupancy(live func(scope, channel string) Metrics) Option {
	return func(s *Server) { s.liveOccupancy = live }
}

// observeLocked passes an event to the observer, if any. The caller holds s.mu.
func (s *Server) observeLocked(e Event) {
	if s.observe == nil {
		return
	}
	e.Messages = cloneMessages(e.Messages)
	e.Annotations = cloneAnnotations(e.Annotations)
	for i := range e.Presence {
		e.Presence[i].Data = cloneRaw(e.Presence[i].Data)
	}
	s.observe(e)
}
