package resttest

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// Batch publishing limits of one request, as on Ably.
const (
	MaxBatchChannels = 100
	MaxBatchMessages = 1000
)

// batchSpec is one BatchSpec of POST /messages (RSC22): channels a name or an array of
// them, messages a message or an array of them.
type batchSpec struct {
	Channels json.RawMessage `json:"channels"`
	Messages json.RawMessage `json:"messages"`
}

// PublishBatchResult is the answer to one BatchSpec: a result for each of its channels, in
// order.
type PublishBatchResult struct {
	SuccessCount int                   `json:"successCount"`
	FailureCount int                   `json:"failureCount"`
	Results      []ChannelBatchOutcome `json:"results"`
}

// ChannelBatchOutcome is a channel's part of a batch publish: its serials, or an error.
type ChannelBatchOutcome struct {
	Channel   string                `json:"channel"`
	MessageID string                `json:"messageId,omitempty"`
	Serials   []string              `json:"serials,omitempty"`
	Error     *fakeserver.ErrorBody `json:"error,omitempty"`
}

// readSpec decodes a BatchSpec's channels and messages.
func readSpec(i int, spec batchSpec) ([]string, []wireMessage, *apiError) {
	var channels []string
	if aerr := stringOrMany(spec.Channels, &channels); aerr != nil || len(channels) == 0 {
		return nil, nil, badParam("batch spec %d: channels must be a channel name or a non-empty array of them", i)
	}
	for _, c := range channels {
		if c == "" {
			return nil, nil, badParam("batch spec %d: a channel name is empty", i)
		}
	}
	if len(bytes.TrimSpace(spec.Messages)) == 0 {
		return nil, nil, badParam("batch spec %d: messages must be a message or a non-empty array of them", i)
	}
	msgs, aerr := decodeOneOrMany[wireMessage](spec.Messages, "message")
	if aerr != nil {
		return nil, nil, newError(aerr.status, aerr.code, "batch spec %d: %s", i, aerr.message)
	}
	if len(msgs) == 0 {
		return nil, nil, badParam("batch spec %d: messages must be a message or a non-empty array of them", i)
	}
	return channels, msgs, nil
}

func stringOrMany(raw json.RawMessage, out *[]string) *apiError {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		*out = []string{one}
		return nil
	}
	if json.Unmarshal(raw, out) != nil {
		return badParam("not a string or an array of strings")
	}
	return nil
}

// batchPublish answers POST /messages (RSC22): each channel of each BatchSpec is published
// to as by POST /channels/{channel}/messages, its capability and client ID checked on its
// own; a failure is that channel's. The answer is a PublishBatchResult for a BatchSpec, an
// array of them for an array.
func (s *Server) batchPublish(w http.ResponseWriter, r *http.Request) {
	who, aerr := s.authenticate(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	body := readBody(r)
	many := len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '['
	specs, aerr := decodeOneOrMany[batchSpec](body, "BatchSpec ({\"channels\":...,\"messages\":...})")
	if aerr == nil && len(specs) == 0 {
		aerr = badParam("no batch specs: give at least one {\"channels\":...,\"messages\":...}")
	}
	type parsed struct {
		channels []string
		msgs     []wireMessage
	}
	var all []parsed
	nChannels, nMessages := 0, 0
	for i, spec := range specs {
		if aerr != nil {
			break
		}
		var p parsed
		p.channels, p.msgs, aerr = readSpec(i, spec)
		nChannels += len(p.channels)
		nMessages += len(p.channels) * len(p.msgs)
		all = append(all, p)
	}
	switch {
	case aerr != nil:
	case nChannels > MaxBatchChannels:
		aerr = badParam("a batch publish may name at most %d channels, not %d", MaxBatchChannels, nChannels)
	case nMessages > MaxBatchMessages:
		aerr = badParam("a batch publish may carry at most %d messages over all its channels, not %d", MaxBatchMessages, nMessages)
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	results := make([]PublishBatchResult, len(all))
	for i, p := range all {
		res := PublishBatchResult{Results: []ChannelBatchOutcome{}}
		for _, channel := range p.channels {
			out := s.publishOne(who, channel, p.msgs)
			if out.Error != nil {
				res.FailureCount++
			} else {
				res.SuccessCount++
			}
			res.Results = append(res.Results, out)
		}
		results[i] = res
	}
	if many {
		writeJSON(w, http.StatusCreated, results)
		return
	}
	writeJSON(w, http.StatusCreated, results[0])
}

// publishOne is one channel's part of a batch publish.
func (s *Server) publishOne(who caller, channel string, in []wireMessage) ChannelBatchOutcome {
	fail := func(aerr *apiError) ChannelBatchOutcome {
		e := fakeserver.NewErrorBody(aerr.status, aerr.code, aerr.message)
		return ChannelBatchOutcome{Channel: channel, Error: &e}
	}
	msgs, aerr := who.prepare(channel, in)
	if aerr != nil {
		return fail(aerr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	base, err := s.randomIDLocked()
	if err != nil {
		return fail(newError(http.StatusInternalServerError, CodeInternal, "%v", err))
	}
	res := publishResult(channel, s.storeLocked(who.appID(), channel, msgs, base))
	return ChannelBatchOutcome{Channel: channel, MessageID: res.MessageID, Serials: res.Serials}
}
