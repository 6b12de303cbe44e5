package scripttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/controltest"
)

// fakeCmd arranges and inspects the script's fake Control API:
//
//	fake token VALUE [caps=CAP,CAP|all|none] [expires=RFC3339|past|never|DURATION]
//	                 [account=ID] [name=NAME] [id=ID]
//	    add or replace an access token; caps default to all, expires to never, a DURATION
//	    (720h, -1m) counts from now
//	fake revoke VALUE
//	fake fault [METHOD] PATH STATUS|drop [retry-after=V] [delay=DUR] [times=N] [body=TEXT]
//	    answer matching requests with STATUS (0: only delay, then answer normally); PATH is
//	    below /v1 with * for one segment, e.g. /apps/*/keys; times=0 (the default) is forever
//	fake nofaults
//	fake app NAME [id=ID] [account=ID] [FIELD=VALUE...]
//	    seed an app, exporting its ID as $APP_ID_<NAME>
//	fake key APPID NAME [capability=JSON] [FIELD=VALUE...]
//	    seed a key, exporting $KEY_<NAME> (the whole key) and $KEY_ID_<NAME>
//	fake queue APPID NAME [region=R] [FIELD=VALUE...]   exports $QUEUE_ID_<NAME>
//	fake namespace APPID ID [FIELD=VALUE...]
//	fake rule APPID JSON                                 exports $RULE_ID
//	fake requests [METHOD] [PATTERN]
//	    print "N requests", then "METHOD PATH[?QUERY] STATUS" for each, oldest first (PATH
//	    as sent: escaped, with /v1); the log counts from the script's start
//	fake requests -count N [METHOD] [PATTERN]
//	    fail, listing them, unless exactly N requests match; prints nothing
//	fake forget
//	    forget the requests so far: the log, and -count, start again from here
//	fake header NAME [METHOD] [PATTERN]
//	    require the last (matching) request to carry header NAME and print its value, a
//	    bearer token shown as "Bearer [REDACTED] (token "NAME")"; ! requires it absent
//	fake violations
//	    fail if a request or response broke the spec; passes, saying so, when the spec is
//	    missing. ! fake violations requires at least one, prints them and forgets them.
//
// Only requests, header and ! violations print; they replace the script's stdout buffer as
// exec does. The other subcommands leave it alone, so a `stdout` check may follow them.
//
// <NAME> in exported variables is NAME upper-cased with every other character than A-Z and
// 0-9 turned to _. FIELD=VALUE pairs set JSON fields of the seeded object (as pkg/controltest
// names them: tlsOnly=true, status=disabled, ttl=5); VALUE is JSON when it parses as JSON,
// else a string.
func fakeCmd(ts *testscript.TestScript, neg bool, args []string) {
	srv, ok := ts.Value(serverKey{}).(*controltest.Server)
	if !ok {
		ts.Fatalf("fake: no fake Control API in this script (Seal starts one)")
	}
	sub, args := subcommand(ts, "fake", neg, args, "token|revoke|app|key|queue|namespace|rule")
	if serverCommand(ts, "fake", "the fake Control API", srv.Server, neg, sub, args, func(v string) string { return redact(srv, v) }) {
		return
	}
	switch sub {
	case "token":
		fakeToken(ts, srv, args)
	case "revoke":
		if len(args) != 1 {
			ts.Fatalf("usage: fake revoke VALUE")
		}
		srv.RevokeToken(args[0])
	case "app":
		fakeApp(ts, srv, args)
	case "key":
		fakeKey(ts, srv, args)
	case "queue":
		fakeQueue(ts, srv, args)
	case "namespace":
		fakeNamespace(ts, srv, args)
	case "rule":
		fakeRule(ts, srv, args)
	default:
		ts.Fatalf("fake: unknown subcommand %q", sub)
	}
}

func fakeToken(ts *testscript.TestScript, srv *controltest.Server, args []string) {
	if len(args) < 1 || strings.Contains(args[0], "=") {
		ts.Fatalf("usage: fake token VALUE [caps=...] [expires=...] [account=ID] [name=NAME] [id=ID]")
	}
	tok := controltest.Token{Value: args[0], Capabilities: controltest.AllCapabilities()}
	for k, v := range pairs(ts, "fake token", args[1:], "caps", "expires", "account", "name", "id") {
		switch k {
		case "caps":
			tok.Capabilities = parseCaps(ts, v)
		case "expires":
			tok.ExpiresAt = parseExpiry(ts, v)
		case "account":
			tok.AccountID = v
		case "name":
			tok.Name = v
		case "id":
			tok.ID = v
		}
	}
	srv.SetToken(tok)
}

func parseCaps(ts *testscript.TestScript, v string) []string {
	switch v {
	case "all":
		return controltest.AllCapabilities()
	case "none", "":
		return []string{}
	}
	caps := strings.Split(v, ",")
	for _, c := range caps {
		if !slices.Contains(controltest.AllCapabilities(), c) {
			ts.Fatalf("fake token: unknown capability %q (known: %s)", c, strings.Join(controltest.AllCapabilities(), ","))
		}
	}
	return caps
}

func parseExpiry(ts *testscript.TestScript, v string) *time.Time {
	var t time.Time
	switch v {
	case "never":
		return nil
	case "past":
		t = time.Now().Add(-time.Hour)
	default:
		if d, err := time.ParseDuration(v); err == nil {
			t = time.Now().Add(d)
		} else if t, err = time.Parse(time.RFC3339, v); err != nil {
			ts.Fatalf("fake token: expires=%q is not RFC 3339, past, never or a duration", v)
		}
	}
	return &t
}

func fakeApp(ts *testscript.TestScript, srv *controltest.Server, args []string) {
	if len(args) < 1 || strings.Contains(args[0], "=") {
		ts.Fatalf("usage: fake app NAME [id=ID] [account=ID] [FIELD=VALUE...]")
	}
	fields := jsonPairs(ts, "fake app", args[1:])
	account, _ := fields["account"].(string)
	delete(fields, "account")
	fields["name"] = args[0]
	var app controltest.App
	decodeInto(ts, "fake app", fields, &app)
	app = srv.AddApp(account, app)
	ts.Setenv("APP_ID_"+envName(args[0]), app.ID)
}

func fakeKey(ts *testscript.TestScript, srv *controltest.Server, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: fake key APPID NAME [capability=JSON] [FIELD=VALUE...]")
	}
	appID := needApp(ts, srv, "fake key", args[0])
	fields := jsonPairs(ts, "fake key", args[2:])
	fields["name"] = args[1]
	var k controltest.Key
	decodeInto(ts, "fake key", fields, &k)
	k = srv.AddKey(appID, k)
	ts.Setenv("KEY_"+envName(args[1]), k.Key)
	ts.Setenv("KEY_ID_"+envName(args[1]), k.ID)
}

func fakeQueue(ts *testscript.TestScript, srv *controltest.Server, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: fake queue APPID NAME [region=R] [FIELD=VALUE...]")
	}
	appID := needApp(ts, srv, "fake queue", args[0])
	fields := jsonPairs(ts, "fake queue", args[2:])
	fields["name"] = args[1]
	var q controltest.Queue
	decodeInto(ts, "fake queue", fields, &q)
	q = srv.AddQueue(appID, q)
	ts.Setenv("QUEUE_ID_"+envName(args[1]), q.ID)
}

func fakeNamespace(ts *testscript.TestScript, srv *controltest.Server, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: fake namespace APPID ID [FIELD=VALUE...]")
	}
	appID := needApp(ts, srv, "fake namespace", args[0])
	for _, n := range srv.Namespaces(appID) {
		if n.ID == args[1] {
			ts.Fatalf("fake namespace: app %s already has namespace %q", appID, args[1])
		}
	}
	fields := jsonPairs(ts, "fake namespace", args[2:])
	fields["id"] = args[1]
	var n controltest.Namespace
	decodeInto(ts, "fake namespace", fields, &n)
	srv.AddNamespace(appID, n)
}

func fakeRule(ts *testscript.TestScript, srv *controltest.Server, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: fake rule APPID JSON")
	}
	appID := needApp(ts, srv, "fake rule", args[0])
	var obj map[string]any
	if err := json.Unmarshal([]byte(args[1]), &obj); err != nil || obj == nil {
		ts.Fatalf("fake rule: %q is not a JSON object: %v", args[1], err)
	}
	r := srv.AddRule(appID, args[1])
	ts.Setenv("RULE_ID", r.ID())
}

// redact hides bearer tokens, naming the fake's token instead, so logs never show one.
func redact(srv *controltest.Server, v string) string {
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return v
	}
	if t, known := srv.Token(strings.TrimSpace(token)); known {
		return fmt.Sprintf("%s [REDACTED] (token %q)", scheme, t.Name)
	}
	return scheme + " [REDACTED] (unknown token)"
}

// pairs parses KEY=VALUE arguments, allowing only the keys given.
func pairs(ts *testscript.TestScript, cmd string, args []string, allowed ...string) map[string]string {
	out := map[string]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || !slices.Contains(allowed, k) {
			ts.Fatalf("%s: %q is not one of %s=...", cmd, a, strings.Join(allowed, "=..., "))
		}
		out[k] = v
	}
	return out
}

// jsonPairs parses FIELD=VALUE arguments into a JSON object; VALUE is JSON if it parses.
func jsonPairs(ts *testscript.TestScript, cmd string, args []string) map[string]any {
	out := map[string]any{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			ts.Fatalf("%s: %q is not FIELD=VALUE", cmd, a)
		}
		var val any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if dec.Decode(&val) != nil || dec.More() {
			val = v
		}
		out[k] = val
	}
	return out
}

// decodeInto fills a pkg/controltest type from fields, refusing fields it does not have.
func decodeInto(ts *testscript.TestScript, cmd string, fields map[string]any, dst any) {
	data, err := json.Marshal(fields)
	if err != nil {
		ts.Fatalf("%s: %v", cmd, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		ts.Fatalf("%s: %v", cmd, err)
	}
}

func needApp(ts *testscript.TestScript, srv *controltest.Server, cmd, id string) string {
	for _, a := range srv.Apps() {
		if a.ID == id {
			return id
		}
	}
	ts.Fatalf("%s: no app %q (seed one with fake app NAME, then use $APP_ID_NAME)", cmd, id)
	return ""
}

// methodAndPattern reads the optional [METHOD] [PATTERN] at the end of a command.
func methodAndPattern(ts *testscript.TestScript, usage string, args []string) (method, pattern string) {
	if len(args) > 0 && isMethod(args[0]) {
		method, args = args[0], args[1:]
	}
	if len(args) > 0 {
		pattern, args = args[0], args[1:]
		if !strings.HasPrefix(pattern, "/") {
			ts.Fatalf("usage: %s (PATTERN starts with /)", usage)
		}
	}
	if len(args) > 0 {
		ts.Fatalf("usage: %s", usage)
	}
	return method, pattern
}

func isMethod(s string) bool {
	return slices.Contains([]string{"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"}, s)
}

var nonAlnum = regexp.MustCompile(`[^A-Z0-9]`)

// envName turns a name into the suffix of an exported variable: "my app" is MY_APP.
func envName(name string) string {
	return nonAlnum.ReplaceAllString(strings.ToUpper(name), "_")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func orAny(s string) string {
	if s == "" {
		return "(any)"
	}
	return s
}
