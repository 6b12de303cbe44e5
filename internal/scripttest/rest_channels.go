package scripttest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/resttest"
)

// The channel subcommands of rest (see restCmd) seed and inspect the fake REST API's
// channels.

// restPublish implements `rest publish CHANNEL [name=N] [data=TEXT|data-json=JSON]
// [client=ID] [count=K] [times=MS[,MS...]]`: it stores K messages (default 1) as a publish
// would, bypassing credentials. In name and data, {i} becomes the message's index from 0.
// times gives the timestamps in ms: one for each message, or one for the first with each
// next a millisecond later; default the server's clock.
func restPublish(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	const usage = "usage: rest publish CHANNEL [name=N] [data=TEXT|data-json=JSON] [client=ID] [count=K] [times=MS[,MS...]]"
	if len(args) < 1 || strings.Contains(args[0], "=") {
		ts.Fatalf("%s", usage)
	}
	channel := args[0]
	opts := pairs(ts, "rest publish", args[1:], "name", "data", "data-json", "client", "count", "times")
	_, hasText := opts["data"]
	dataJSON, hasJSON := opts["data-json"]
	if hasText && hasJSON {
		ts.Fatalf("rest publish: give data= or data-json=, not both")
	}
	if hasJSON && !json.Valid([]byte(dataJSON)) {
		ts.Fatalf("rest publish: data-json=%s is not JSON", dataJSON)
	}
	count := 1
	if v, ok := opts["count"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			ts.Fatalf("rest publish: count=%q is not a count of at least 1", v)
		}
		count = n
	}
	var times []int64
	if v, ok := opts["times"]; ok {
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil || n <= 0 {
				ts.Fatalf("rest publish: times=%q: %q is not a time in ms since the epoch", v, f)
			}
			times = append(times, n)
		}
		if len(times) != 1 && len(times) != count {
			ts.Fatalf("rest publish: times=%q gives %d times for %d messages: give one, or one for each", v, len(times), count)
		}
	}
	msgs := make([]resttest.Message, count)
	for i := range msgs {
		index := func(s string) string { return strings.ReplaceAll(s, "{i}", strconv.Itoa(i)) }
		m := resttest.Message{Name: index(opts["name"]), ClientID: opts["client"]}
		switch {
		case hasText:
			m.Data, _ = json.Marshal(index(opts["data"]))
		case hasJSON:
			m.Data = json.RawMessage(index(dataJSON))
			if !json.Valid(m.Data) {
				ts.Fatalf("rest publish: data-json=%s is not JSON for message %d", dataJSON, i)
			}
		}
		switch len(times) {
		case 0:
		case 1:
			m.Timestamp = times[0] + int64(i)
		default:
			m.Timestamp = times[i]
		}
		msgs[i] = m
	}
	srv.Publish(channel, msgs...)
}

// restMessages implements `rest messages CHANNEL`: "N messages", then
// "SERIAL NAME CLIENTID DATA" for each stored message, oldest first, DATA as compact JSON
// and "-" for what is empty.
func restMessages(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: rest messages CHANNEL")
	}
	msgs := srv.Messages(args[0])
	var b strings.Builder
	fmt.Fprintf(&b, "%d message%s\n", len(msgs), plural(len(msgs)))
	for _, m := range msgs {
		fmt.Fprintf(&b, "%s %s %s %s\n", m.Serial, orDash(m.Name), orDash(m.ClientID), compactJSON(m.Data))
	}
	io.WriteString(ts.Stdout(), b.String())
}

// restBearer implements `rest bearer [METHOD] [PATTERN]`: it decodes the JWT of the last
// matching request's bearer token and prints "kid=K clientId=C capability=CAP exp-iat=Ns"
// ("-" for an absent claim), never the token itself. It fails when the header is not a
// bearer JWT; with ! it requires that.
func restBearer(ts *testscript.TestScript, srv *resttest.Server, neg bool, args []string) {
	method, pattern := methodAndPattern(ts, "rest bearer [METHOD] [PATTERN]", args)
	reqs := srv.RequestsMatching(method, pattern)
	if len(reqs) == 0 {
		ts.Fatalf("rest bearer: no request matched %s %s", orAny(method), orAny(pattern))
	}
	last := reqs[len(reqs)-1]
	line, err := bearerSummary(last.Header.Get("Authorization"))
	switch {
	case neg && err == nil:
		ts.Fatalf("rest bearer: %s %s carried a bearer JWT (%s), want none", last.Method, last.Path, line)
	case neg:
		return
	case err != nil:
		ts.Fatalf("rest bearer: %s %s: %v", last.Method, last.Path, err)
	}
	fmt.Fprintln(ts.Stdout(), line)
}

// bearerSummary describes the Ably JWT of an Authorization header, as sent or in base64
// (as Ably's SDKs send tokens), without the token.
func bearerSummary(header string) (string, error) {
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", errors.New("its Authorization header is not \"Bearer TOKEN\"")
	}
	j, err := resttest.DecodeJWT(token)
	if err != nil {
		raw, berr := base64.StdEncoding.DecodeString(token)
		if berr != nil {
			return "", fmt.Errorf("its bearer token is not an Ably JWT: %v", err)
		}
		if j, err = resttest.DecodeJWT(string(raw)); err != nil {
			return "", fmt.Errorf("its bearer token is not an Ably JWT: %v", err)
		}
	}
	capability := "-"
	if j.Capability != "" {
		capability = compactJSON(json.RawMessage(j.Capability))
	}
	return fmt.Sprintf("kid=%s clientId=%s capability=%s exp-iat=%ds", j.KeyName, orDash(j.ClientID), capability, j.Expires-j.Issued), nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// compactJSON is JSON without its spaces, "-" for none.
func compactJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "-"
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// restPresence implements `rest presence CHANNEL CLIENTID [data=TEXT|data-json=JSON]
// [connection=ID]`: it makes a member present, as if entered over a realtime connection.
func restPresence(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	const usage = "usage: rest presence CHANNEL CLIENTID [data=TEXT|data-json=JSON] [connection=ID]"
	if len(args) < 2 || strings.Contains(args[0], "=") || strings.Contains(args[1], "=") {
		ts.Fatalf("%s", usage)
	}
	opts := pairs(ts, "rest presence", args[2:], "data", "data-json", "connection")
	m := resttest.PresenceMember{ClientID: args[1], ConnectionID: opts["connection"]}
	text, hasText := opts["data"]
	dataJSON, hasJSON := opts["data-json"]
	switch {
	case hasText && hasJSON:
		ts.Fatalf("rest presence: give data= or data-json=, not both")
	case hasText:
		m.Data, _ = json.Marshal(text)
	case hasJSON:
		if !json.Valid([]byte(dataJSON)) {
			ts.Fatalf("rest presence: data-json=%s is not JSON", dataJSON)
		}
		m.Data = json.RawMessage(dataJSON)
	}
	srv.EnterPresence(args[0], m)
}

// occupancyFields are the metrics `rest occupancy` sets, by their JSON names.
func occupancyFields(m *resttest.Metrics) map[string]*int {
	return map[string]*int{
		"connections": &m.Connections, "presenceConnections": &m.PresenceConnections,
		"presenceMembers": &m.PresenceMembers, "presenceSubscribers": &m.PresenceSubscribers,
		"publishers": &m.Publishers, "subscribers": &m.Subscribers,
		"objectPublishers": &m.ObjectPublishers, "objectSubscribers": &m.ObjectSubscribers,
	}
}

// restOccupancy implements `rest occupancy CHANNEL METRIC=N...`: it seeds the channel's
// occupancy (unset metrics 0), which makes it active.
func restOccupancy(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	var m resttest.Metrics
	fields := occupancyFields(&m)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(args) < 1 || strings.Contains(args[0], "=") {
		ts.Fatalf("usage: rest occupancy CHANNEL [%s=N ...]", strings.Join(names, "=N|"))
	}
	for k, v := range pairs(ts, "rest occupancy", args[1:], names...) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			ts.Fatalf("rest occupancy: %s=%q is not a count", k, v)
		}
		*fields[k] = n
	}
	srv.SetOccupancy(args[0], m)
}

// restStatus implements `rest status CHANNEL`: it prints the channel's status as
// GET /channels/{channel} answers it (compact JSON), then "N members" and
// "CLIENTID CONNECTIONID DATA" for each member present.
func restStatus(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: rest status CHANNEL")
	}
	status, _ := json.Marshal(srv.Status(args[0]))
	members := srv.Presence(args[0])
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%d member%s\n", status, len(members), plural(len(members)))
	for _, p := range members {
		fmt.Fprintf(&b, "%s %s %s\n", p.ClientID, p.ConnectionID, compactJSON(p.Data))
	}
	io.WriteString(ts.Stdout(), b.String())
}

// restMutable implements `[!] rest mutable APPID CHANNEL`: it passes when the fake REST API
// allows mutable messages on CHANNEL for APPID's keys (its namespace has mutableMessages in
// the fake Control API); with !, when it does not.
func restMutable(ts *testscript.TestScript, srv *resttest.Server, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: rest mutable APPID CHANNEL")
	}
	switch ok := srv.Mutable(args[0], args[1]); {
	case ok && neg:
		ts.Fatalf("rest mutable: channel %q of app %s allows mutable messages, want not", args[1], args[0])
	case !ok && !neg:
		ts.Fatalf("rest mutable: channel %q of app %s does not allow mutable messages (seed: fake namespace %s NAMESPACE mutableMessages=true)", args[1], args[0], args[0])
	}
}

// restMessage implements `rest message CHANNEL SERIAL`: it prints the message as
// GET /channels/{channel}/messages/{serial} answers it, compact JSON with its version.
func restMessage(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: rest message CHANNEL SERIAL")
	}
	m, ok := srv.Message(args[0], args[1])
	if !ok {
		ts.Fatalf("rest message: channel %q has no message with serial %q", args[0], args[1])
	}
	b, _ := json.Marshal(m)
	fmt.Fprintf(ts.Stdout(), "%s\n", b)
}

// restAnnotations implements `rest annotations CHANNEL SERIAL`: "N annotations", then
// "SERIAL ACTION TYPE NAME CLIENTID COUNT DATA" for each annotation of the message, oldest
// first ("-" for what is absent).
func restAnnotations(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: rest annotations CHANNEL SERIAL")
	}
	as := srv.Annotations(args[0], args[1])
	var b strings.Builder
	fmt.Fprintf(&b, "%d annotation%s\n", len(as), plural(len(as)))
	for _, a := range as {
		count := "-"
		if a.Count != nil {
			count = strconv.Itoa(*a.Count)
		}
		fmt.Fprintf(&b, "%s %d %s %s %s %s %s\n", a.Serial, a.Action, a.Type, orDash(a.Name), orDash(a.ClientID), count, compactJSON(a.Data))
	}
	io.WriteString(ts.Stdout(), b.String())
}
