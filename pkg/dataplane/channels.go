package dataplane

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/rest"
)

// Message is an Ably message (TM), the one model of the REST API and the Realtime protocol.
// Data is kept as the JSON the API sent, so a string, an object or a number comes back as
// it went in.
type Message = proto.Message

// MessageVersion is the latest version of a mutable message (TM2s).
type MessageVersion = proto.MessageVersion

// PublishResult is the REST API's answer to a publish: the ID prefix and the serial of each
// message (null for one the server discarded, RSL1n).
type PublishResult struct {
	Channel   string    `json:"channel"`
	MessageID string    `json:"messageId"`
	Serials   []*string `json:"serials"`
}

// Publish posts messages to channel (RSL1). When every message carries an ID the call is
// idempotent (RSL1k), so a failure the server may not have acted on is retried.
func (c *Client) Publish(ctx context.Context, channel string, msgs []Message) (PublishResult, error) {
	if err := c.Allow(channel, "publish"); err != nil {
		return PublishResult{}, err
	}
	idempotent := len(msgs) > 0
	for _, m := range msgs {
		idempotent = idempotent && m.ID != ""
	}
	var res PublishResult
	err := c.Do(ctx, rest.Call{What: ablyauth.Doing("publish", channel), Method: http.MethodPost,
		Segments: []string{"channels", channel, "messages"}, Body: msgs, Idempotent: idempotent}, &res)
	return res, err
}

// HistoryQuery selects messages from a channel's history (RSL2b).
type HistoryQuery struct {
	Start, End time.Time // zero: no bound
	Forwards   bool      // oldest first; the default is newest first
	Limit      int       // how many to gather across pages; <= 0 is the API's default page
}

// MaxPage is the most items the REST API returns on one page.
const MaxPage = 1000

func (q HistoryQuery) values() url.Values {
	v := url.Values{}
	if !q.Start.IsZero() {
		v.Set("start", strconv.FormatInt(q.Start.UnixMilli(), 10))
	}
	if !q.End.IsZero() {
		v.Set("end", strconv.FormatInt(q.End.UnixMilli(), 10))
	}
	v.Set("direction", "backwards")
	if q.Forwards {
		v.Set("direction", "forwards")
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(min(q.Limit, MaxPage)))
	}
	return v
}

// History gathers up to q.Limit messages of channel's history, following pages (TG4);
// hasMore says there were more.
func (c *Client) History(ctx context.Context, channel string, q HistoryQuery) ([]Message, bool, error) {
	if err := c.Allow(channel, "history"); err != nil {
		return nil, false, err
	}
	msgs, more, err := Collect[Message](ctx, c, rest.Call{What: ablyauth.Doing("history", channel), Method: http.MethodGet,
		Segments: []string{"channels", channel, "messages"}, Query: q.values()}, q.Limit)
	for i := range msgs {
		msgs[i] = c.decoded(msgs[i])
	}
	return msgs, more, err
}

// Channels lists up to limit active channels whose names start with prefix (GET /channels?by=id).
// Items given as ChannelDetails objects (by=value) are read too.
func (c *Client) Channels(ctx context.Context, prefix string, limit int) ([]string, bool, error) {
	if err := c.Allow("", "channel-metadata"); err != nil {
		return nil, false, err
	}
	q := url.Values{"by": {"id"}}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(min(limit, MaxPage)))
	}
	items, more, err := Collect[channelItem](ctx, c, rest.Call{What: "list channels", Method: http.MethodGet, Segments: []string{"channels"}, Query: q}, limit)
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = string(it)
	}
	return names, more, err
}

// channelItem is a channel listed by id (a string) or by value (ChannelDetails).
type channelItem string

func (it *channelItem) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		return json.Unmarshal(b, (*string)(it))
	}
	var d ChannelDetails
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	*it = channelItem(d.ChannelID)
	return nil
}

// ChannelDetails is a channel's status (CHD), its occupancy metrics included.
type ChannelDetails struct {
	ChannelID string `json:"channelId"`
	Status    struct {
		IsActive  bool `json:"isActive"`
		Occupancy struct {
			Metrics Metrics `json:"metrics"`
		} `json:"occupancy"`
	} `json:"status"`
}

// Metrics are a channel's occupancy (CHM).
type Metrics struct {
	Connections         int `json:"connections"`
	Publishers          int `json:"publishers"`
	Subscribers         int `json:"subscribers"`
	PresenceConnections int `json:"presenceConnections"`
	PresenceMembers     int `json:"presenceMembers"`
	PresenceSubscribers int `json:"presenceSubscribers"`
	ObjectPublishers    int `json:"objectPublishers"`
	ObjectSubscribers   int `json:"objectSubscribers"`
}

// Status reads a channel's details with its occupancy metrics.
func (c *Client) Status(ctx context.Context, channel string) (ChannelDetails, error) {
	var d ChannelDetails
	if err := c.Allow(channel, "channel-metadata"); err != nil {
		return d, err
	}
	err := c.Do(ctx, rest.Call{What: ablyauth.Doing("channel-metadata", channel), Method: http.MethodGet,
		Segments: []string{"channels", channel}, Query: url.Values{"occupancy": {"metrics"}}}, &d)
	if err == nil && d.ChannelID == "" {
		d.ChannelID = channel
	}
	return d, err
}

// PresenceMessage is a member present on a channel (TP).
type PresenceMessage = proto.PresenceMessage

// Presence gathers up to limit members present on channel (RSP3), optionally only those of
// one client ID or connection.
func (c *Client) Presence(ctx context.Context, channel, clientID, connectionID string, limit int) ([]PresenceMessage, bool, error) {
	if err := c.Allow(channel, "subscribe"); err != nil {
		return nil, false, err
	}
	q := url.Values{}
	if clientID != "" {
		q.Set("clientId", clientID)
	}
	if connectionID != "" {
		q.Set("connectionId", connectionID)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(min(limit, MaxPage)))
	}
	members, more, err := Collect[PresenceMessage](ctx, c, rest.Call{What: "read the presence of " + strconv.Quote(channel), Method: http.MethodGet,
		Segments: []string{"channels", channel, "presence"}, Query: q}, limit)
	for i := range members {
		members[i].Data, members[i].Encoding = DecodeData(members[i].Data, members[i].Encoding, c.Cipher)
	}
	return members, more, err
}

// BatchSpec is one part of a batch publish (BSP): messages to channels.
type BatchSpec struct {
	Channels []string  `json:"channels"`
	Messages []Message `json:"messages"`
}

// BatchResult is the answer to one BatchSpec (BAR2): a result for each channel.
type BatchResult struct {
	SuccessCount int                  `json:"successCount"`
	FailureCount int                  `json:"failureCount"`
	Results      []BatchChannelResult `json:"results"`
}

// BatchChannelResult is one channel's outcome: a publish result, or Error.
type BatchChannelResult struct {
	Channel   string          `json:"channel"`
	MessageID string          `json:"messageId,omitempty"`
	Serials   []*string       `json:"serials,omitempty"`
	Error     *rest.ErrorInfo `json:"error,omitempty"`
}

// BatchPublish publishes each spec's messages to each of its channels in one request
// (RSC22). The answer has a BatchResult per spec; failures are per channel, in it.
func (c *Client) BatchPublish(ctx context.Context, specs []BatchSpec) ([]BatchResult, error) {
	idempotent := true
	for _, s := range specs {
		for _, ch := range s.Channels {
			if err := c.Allow(ch, "publish"); err != nil {
				return nil, err
			}
		}
		for _, m := range s.Messages {
			idempotent = idempotent && m.ID != ""
		}
	}
	var res []BatchResult
	err := c.Do(ctx, rest.Call{What: "batch publish", Method: http.MethodPost, Segments: []string{"messages"}, Body: specs, Idempotent: idempotent}, &res)
	if err == nil && len(res) != len(specs) {
		return res, exitcode.New(exitcode.Network, "unexpected answer from the Ably REST API to batch publish: %d results for %d batch specs", len(res), len(specs))
	}
	return res, err
}

// GetMessage reads the latest version of the message with serial on channel (RSL11).
func (c *Client) GetMessage(ctx context.Context, channel, serial string) (Message, error) {
	var m Message
	if err := c.Allow(channel, "history"); err != nil {
		return m, err
	}
	err := c.Do(ctx, rest.Call{What: fmt.Sprintf("read message %s of %q", serial, channel), Method: http.MethodGet,
		Segments: []string{"channels", channel, "messages", serial}}, &m)
	return c.decoded(m), err
}

// MessageEdit is an update, append or delete of a mutable message (RSL15).
type MessageEdit struct {
	Action   proto.MessageAction `json:"action"` // update, delete or append
	Name     string              `json:"name,omitempty"`
	Data     json.RawMessage     `json:"data,omitempty"`
	Encoding string              `json:"encoding,omitempty"`
	Extras   json.RawMessage     `json:"extras,omitempty"`
	Version  *MessageVersion     `json:"version,omitempty"`
}

// EditResult is the answer to an edit: the serial of the new version.
type EditResult struct {
	VersionSerial string `json:"versionSerial"`
}

// EditMessage updates, appends to or deletes the message with serial (RSL15). The token
// needs the -any operation, or the -own one for its own messages, which only Ably can tell.
func (c *Client) EditMessage(ctx context.Context, channel, serial string, e MessageEdit) (EditResult, error) {
	own, anyone, verb := "message-update-own", "message-update-any", "update"
	switch e.Action {
	case proto.MessageDelete:
		own, anyone, verb = "message-delete-own", "message-delete-any", "delete"
	case proto.MessageAppend:
		verb = "append to"
	}
	var res EditResult
	if c.JWT != nil && !c.JWT.Capability.Allows(channel, own) {
		if err := c.Allow(channel, anyone); err != nil {
			return res, err
		}
	}
	if err := c.Allow(channel); err != nil { // expiry
		return res, err
	}
	err := c.Do(ctx, rest.Call{What: fmt.Sprintf("%s message %s of %q", verb, serial, channel), Method: http.MethodPatch,
		Segments: []string{"channels", channel, "messages", serial}, Body: e}, &res)
	return res, err
}

// Annotation is an annotation of a message (TAN).
type Annotation = proto.Annotation

// Annotate publishes an annotation (create or delete) of the message with serial (RSAN1).
func (c *Client) Annotate(ctx context.Context, channel, serial string, a Annotation) error {
	if err := c.Allow(channel, "annotation-publish"); err != nil {
		return err
	}
	return c.Do(ctx, rest.Call{What: fmt.Sprintf("annotate message %s of %q", serial, channel), Method: http.MethodPost,
		Segments: []string{"channels", channel, "messages", serial, "annotations"}, Body: []Annotation{a}, Idempotent: a.ID != ""}, nil)
}

// Annotations gathers up to limit annotations of the message with serial (RSAN3).
func (c *Client) Annotations(ctx context.Context, channel, serial string, limit int) ([]Annotation, bool, error) {
	if err := c.Allow(channel, "annotation-subscribe"); err != nil {
		return nil, false, err
	}
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(min(limit, MaxPage)))
	}
	list, more, err := Collect[Annotation](ctx, c, rest.Call{What: fmt.Sprintf("read the annotations of message %s of %q", serial, channel), Method: http.MethodGet,
		Segments: []string{"channels", channel, "messages", serial, "annotations"}, Query: q}, limit)
	for i := range list {
		list[i].Data, list[i].Encoding = DecodeData(list[i].Data, list[i].Encoding, c.Cipher)
	}
	return list, more, err
}
