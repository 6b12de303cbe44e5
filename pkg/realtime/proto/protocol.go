package proto

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// ProtocolMessage is one frame of the Realtime protocol (TR4). Empty fields are left out
// when written; on reading, a missing field and a null one both give the zero value, and a
// frame without "action" is a HEARTBEAT (action 0).
type ProtocolMessage struct {
	Action            Action             `json:"action"`                      // TR4a
	ID                string             `json:"id,omitempty"`                // TR4n: connectionId:msgSerial
	Auth              *AuthDetails       `json:"auth,omitempty"`              // TR4p, RTC8
	Channel           string             `json:"channel,omitempty"`           // TR4b
	ChannelSerial     string             `json:"channelSerial,omitempty"`     // TR4c, RTL15b
	ConnectionID      string             `json:"connectionId,omitempty"`      // TR4d
	ConnectionKey     string             `json:"connectionKey,omitempty"`     // deprecated top-level copy of CD2b
	ConnectionDetails *ConnectionDetails `json:"connectionDetails,omitempty"` // TR4o
	Count             int                `json:"count,omitempty"`             // TR4g: ACK/NACK range length
	Error             *ErrorInfo         `json:"error,omitempty"`             // TR4h
	Flags             Flags              `json:"flags,omitempty"`             // TR4i, TR3
	MsgSerial         int64              `json:"msgSerial,omitempty"`         // TR4j; see MarshalJSON
	Messages          []Message          `json:"messages,omitempty"`          // TR4k
	Presence          []PresenceMessage  `json:"presence,omitempty"`          // TR4l
	Annotations       []Annotation       `json:"annotations,omitempty"`
	Timestamp         int64              `json:"timestamp,omitempty"` // TR4m: ms since the epoch
	Params            map[string]string  `json:"params,omitempty"`    // TR4q
	// State holds LiveObjects messages (TR4r), carried opaquely: this client uses no
	// object modes but must not drop what it relays.
	State []json.RawMessage `json:"state,omitempty"`
	Res   []PublishResult   `json:"res,omitempty"` // TR4s: one per acknowledged ProtocolMessage
}

// MarshalJSON writes msgSerial whenever the action is numbered (RTN7b: MESSAGE, PRESENCE,
// ANNOTATION, OBJECT, and the ACK/NACK answering them), since 0 is the first serial and
// must not be dropped; on other actions it is written only when set.
func (m ProtocolMessage) MarshalJSON() ([]byte, error) {
	type plain ProtocolMessage // same fields, no MarshalJSON: no recursion
	if !m.Action.carriesMsgSerial() {
		return json.Marshal(plain(m))
	}
	return json.Marshal(struct {
		plain
		MsgSerial int64 `json:"msgSerial"` // shallower field: overrides the omitempty one
	}{plain(m), m.MsgSerial})
}

// Has reports whether the frame's flags include flag (TR3).
func (m *ProtocolMessage) Has(flag Flags) bool { return m.Flags.Has(flag) }

// FillMessageFields gives the messages, presence messages and annotations of a received
// frame what the frame implies: a missing id becomes protocolMsgId:index (TM2a, TP3a), a
// missing connectionId and timestamp those of the frame (TM2c, TM2f, TP3d, TP3g).
func (m *ProtocolMessage) FillMessageFields() {
	id := func(own string, i int) string {
		if own != "" || m.ID == "" {
			return own
		}
		return m.ID + ":" + strconv.Itoa(i)
	}
	str := func(own, frame string) string {
		if own == "" {
			return frame
		}
		return own
	}
	ts := func(own int64) int64 {
		if own == 0 {
			return m.Timestamp
		}
		return own
	}
	for i := range m.Messages {
		x := &m.Messages[i]
		x.ID, x.ConnectionID, x.Timestamp = id(x.ID, i), str(x.ConnectionID, m.ConnectionID), ts(x.Timestamp)
	}
	for i := range m.Presence {
		x := &m.Presence[i]
		x.ID, x.ConnectionID, x.Timestamp = id(x.ID, i), str(x.ConnectionID, m.ConnectionID), ts(x.Timestamp)
	}
	for i := range m.Annotations {
		x := &m.Annotations[i]
		x.ID, x.Timestamp = id(x.ID, i), ts(x.Timestamp)
	}
}

// String is a one-line summary for logs: the action and the fields that identify the
// frame. It leaves out payloads, tokens and the connection key, so it is safe to log.
func (m *ProtocolMessage) String() string {
	s := m.Action.String()
	if m.Channel != "" {
		s += " channel=" + strconv.Quote(m.Channel)
	}
	if m.Action.carriesMsgSerial() {
		s += " msgSerial=" + strconv.FormatInt(m.MsgSerial, 10)
	}
	if m.Count != 0 {
		s += " count=" + strconv.Itoa(m.Count)
	}
	if m.Flags != 0 {
		s += " flags=" + m.Flags.String()
	}
	if m.ConnectionID != "" {
		s += " connectionId=" + m.ConnectionID
	}
	if m.ChannelSerial != "" {
		s += " channelSerial=" + strconv.Quote(m.ChannelSerial)
	}
	if n := len(m.Messages); n > 0 {
		s += " messages=" + strconv.Itoa(n)
	}
	if n := len(m.Presence); n > 0 {
		s += " presence=" + strconv.Itoa(n)
	}
	if n := len(m.Annotations); n > 0 {
		s += " annotations=" + strconv.Itoa(n)
	}
	if m.Auth != nil {
		s += " auth=(redacted)"
	}
	if m.Error != nil {
		s += " error=" + strconv.Quote(m.Error.Error())
	}
	return s
}

// AuthDetails answers or volunteers a re-authentication in an AUTH frame (AD1, AD2, RTC8a).
type AuthDetails struct {
	AccessToken string `json:"accessToken"`
}

// String keeps the token out of logs and error messages.
func (AuthDetails) String() string { return "AuthDetails{accessToken: (redacted)}" }

// GoString does the same for %#v.
func (AuthDetails) GoString() string { return "proto.AuthDetails{AccessToken: (redacted)}" }

// ConnectionDetails are the limits and defaults of a connection, sent in CONNECTED (CD2);
// a client applies them in place of its own (RTN21).
type ConnectionDetails struct {
	ClientID             string `json:"clientId,omitempty"`             // CD2a
	ConnectionKey        string `json:"connectionKey,omitempty"`        // CD2b: the resume key (RTN15b1)
	MaxMessageSize       int    `json:"maxMessageSize,omitempty"`       // CD2c: bytes
	MaxFrameSize         int    `json:"maxFrameSize,omitempty"`         // CD2d: bytes
	MaxInboundRate       int    `json:"maxInboundRate,omitempty"`       // CD2e: frames a second
	ConnectionStateTTL   int64  `json:"connectionStateTtl,omitempty"`   // CD2f: ms
	ServerID             string `json:"serverId,omitempty"`             // CD2g
	MaxIdleInterval      int64  `json:"maxIdleInterval,omitempty"`      // CD2h: ms, 0 = no limit
	ObjectsGCGracePeriod int64  `json:"objectsGCGracePeriod,omitempty"` // CD2i: ms
	SiteCode             string `json:"siteCode,omitempty"`             // CD2j
}

// StateTTL is connectionStateTtl as a duration (CD2f, RTN14e); 0 when not sent.
func (d *ConnectionDetails) StateTTL() time.Duration {
	return time.Duration(d.ConnectionStateTTL) * time.Millisecond
}

// MaxIdle is maxIdleInterval as a duration (CD2h, RTN23a); 0 when not sent or unlimited.
func (d *ConnectionDetails) MaxIdle() time.Duration {
	return time.Duration(d.MaxIdleInterval) * time.Millisecond
}

// ErrorInfo is an Ably error as a frame carries it (TI1). The protocol text calls the
// message "reason"; servers and SDKs send "message", which is what is read and written.
type ErrorInfo struct {
	Code       int    `json:"code,omitempty"`
	StatusCode int    `json:"statusCode,omitempty"`
	Message    string `json:"message,omitempty"`
	Href       string `json:"href,omitempty"` // TI4
	ServerID   string `json:"serverId,omitempty"`
}

// Error reads "message (code 40160, status 401; see URL)", with the help URL of TI5: the
// href when given, else the one the code implies.
func (e *ErrorInfo) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "error without a message"
	}
	detail := ""
	if e.Code != 0 {
		detail = "code " + strconv.Itoa(e.Code)
	}
	if e.StatusCode != 0 {
		if detail != "" {
			detail += ", "
		}
		detail += "status " + strconv.Itoa(e.StatusCode)
	}
	if url := e.HelpURL(); url != "" {
		if detail != "" {
			detail += "; "
		}
		detail += "see " + url
	}
	if detail == "" {
		return msg
	}
	return fmt.Sprintf("%s (%s)", msg, detail)
}

// HelpURL is where to read about the error (TI5): href, else help.ably.io for the code,
// else "".
func (e *ErrorInfo) HelpURL() string {
	switch {
	case e.Href != "":
		return e.Href
	case e.Code != 0:
		return "https://help.ably.io/error/" + strconv.Itoa(e.Code)
	}
	return ""
}

// PublishResult is the outcome of one acknowledged ProtocolMessage in an ACK (TR4s): the
// serials of its messages, in order. A serial the server sent as null (the message was
// discarded by conflation) reads as "".
type PublishResult struct {
	Serials []string `json:"serials"`
}
