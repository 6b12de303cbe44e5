package scripttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/emulator"
	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// restServerKey is where Seal leaves the script's fake REST API in Env.Values.
type restServerKey struct{}

// startREST starts the script's fake REST API (pkg/resttest), checking against spec unless
// it is nil, and exports its URL as ABLY_ENDPOINT and REST_URL (DESIGN §7). It knows every
// key of the script's fake Control API, as it is at the time of each request, so keys
// seeded with `fake key` or created with `ably auth keys create` work, and the mutable
// messages rules of its namespaces (emulator.KeysOf and MutableOf: a namespace with
// mutableMessages, seeded with `fake namespace APPID NS mutableMessages=true`).
//
// The same port serves the fake Realtime API (pkg/realtimetest) on the same store, so
// ABLY_ENDPOINT serves both planes; the realtime command drives it.
func startREST(env *testscript.Env, ctl *controltest.Server, spec fakeserver.Checker) {
	rt := realtimetest.New(realtimetest.WithREST(resttest.WithKeys(emulator.KeysOf(ctl)), resttest.WithSpec(spec), resttest.WithMutable(emulator.MutableOf(ctl))))
	clients := &scriptClients{m: map[string]*rtClient{}}
	env.Defer(rt.Close)
	env.Defer(clients.closeAll) // deferred calls run last first: the clients go first
	env.Values[restServerKey{}] = rt.Server
	env.Values[realtimeServerKey{}] = rt
	env.Values[realtimeClientsKey{}] = clients
	env.Setenv("REST_URL", rt.URL)
	env.Setenv("ABLY_ENDPOINT", rt.URL)
}

// restCmd arranges and inspects the script's fake REST API:
//
//	rest key APPID.KEYID:SECRET [revocable] [revoked] [capability=JSON]
//	    add a key the Control API does not know
//	rest fault [METHOD] PATH STATUS|drop [retry-after=V] [delay=DUR] [times=N] [body=TEXT]
//	    answer matching requests with STATUS (0: only delay; drop: close the connection
//	    unanswered); PATH like /keys/*/requestToken
//	rest nofaults
//	rest requests [-count N] [METHOD] [PATTERN]
//	    print "N requests", then "METHOD PATH[?QUERY] STATUS" for each, oldest first; with -count,
//	    fail unless exactly N match, printing nothing
//	rest forget
//	    forget the requests so far
//	rest header NAME [METHOD] [PATTERN]
//	    print header NAME of the last (matching) request, basic credentials shown as
//	    "Basic [REDACTED] (key APPID.KEYID)" and a bearer token as "Bearer [REDACTED]";
//	    ! requires it absent
//	rest tokens
//	    print "N tokens", then "KEYNAME CLIENTID CAPABILITY TTL" for each ("-": no client ID)
//	rest revocations
//	    print "N revocations", then "KEYNAME TARGET" for each, "reauth-margin" after it when asked
//	rest violations
//	    as fake violations, against platform-v1.yaml (the operations it lacks unchecked)
//	rest publish CHANNEL [name=N] [data=TEXT|data-json=JSON] [client=ID] [count=K] [times=MS[,MS...]]
//	    store K messages (default 1) bypassing credentials; {i} in name and data is the
//	    message's index from 0; times are their timestamps (one: the first, then +1ms each).
//	    Serials are TIMESTAMP-SEQ@fake, 16 and 6 digits, SEQ counting the channel's
//	    messages (and changes) from 1: with times=1700000000000 on a fresh channel, the
//	    serial is 0001700000000000-000001@fake
//	rest messages CHANNEL
//	    print "N messages", then "SERIAL NAME CLIENTID DATA" for each, oldest first (DATA
//	    compact JSON, "-" for empty)
//	rest presence CHANNEL CLIENTID [data=TEXT|data-json=JSON] [connection=ID]
//	    make a member present (a connection ID made up when not given)
//	rest occupancy CHANNEL [connections=N] [publishers=N] [subscribers=N] [presenceConnections=N]
//	                       [presenceMembers=N] [presenceSubscribers=N] [objectPublishers=N] [objectSubscribers=N]
//	    seed the channel's occupancy metrics (presenceMembers adds to the members present)
//	rest status CHANNEL
//	    print the channel's status as GET /channels/{channel} answers it, then "N members"
//	    and "CLIENTID CONNECTIONID DATA" for each member present
//	rest message CHANNEL SERIAL
//	    print the message as GET /channels/{channel}/messages/{serial} answers it (JSON)
//	rest annotations CHANNEL SERIAL
//	    print "N annotations", then "SERIAL ACTION TYPE NAME CLIENTID COUNT DATA" for each
//	rest mutable APPID CHANNEL
//	    pass when the REST API allows mutable messages on CHANNEL for APPID (its namespace,
//	    the part before the first colon, has mutableMessages in the fake Control API:
//	    `fake namespace APPID NS mutableMessages=true`); ! requires it does not
//	rest bearer [METHOD] [PATTERN]
//	    print "kid=K clientId=C capability=CAP exp-iat=Ns" of the JWT the last (matching)
//	    request carried as its bearer token, never the token; ! requires it carried none
//
// Like fake, only requests, header, tokens, revocations, messages, message, annotations,
// status, bearer and ! violations print, replacing stdout.
func restCmd(ts *testscript.TestScript, neg bool, args []string) {
	srv, ok := ts.Value(restServerKey{}).(*resttest.Server)
	if !ok {
		ts.Fatalf("rest: no fake REST API in this script (Seal starts one)")
	}
	sub, args := subcommand(ts, "rest", neg && !(len(args) > 0 && (args[0] == "bearer" || args[0] == "mutable")), args,
		"key|tokens|revocations|publish|messages|message|annotations|presence|occupancy|status|mutable|bearer")
	if serverCommand(ts, "rest", "the fake REST API", srv.Server, neg, sub, args, redactCredentials) {
		return
	}
	switch sub {
	case "key":
		restKey(ts, srv, args)
	case "publish":
		restPublish(ts, srv, args)
	case "messages":
		restMessages(ts, srv, args)
	case "presence":
		restPresence(ts, srv, args)
	case "occupancy":
		restOccupancy(ts, srv, args)
	case "status":
		restStatus(ts, srv, args)
	case "message":
		restMessage(ts, srv, args)
	case "annotations":
		restAnnotations(ts, srv, args)
	case "mutable":
		restMutable(ts, srv, neg, args)
	case "bearer":
		restBearer(ts, srv, neg, args)
	case "tokens":
		toks := srv.Tokens()
		var b strings.Builder
		fmt.Fprintf(&b, "%d token%s\n", len(toks), plural(len(toks)))
		for _, t := range toks {
			client := t.ClientID
			if client == "" {
				client = "-"
			}
			fmt.Fprintf(&b, "%s %s %s %ds\n", t.KeyName, client, t.Capability, (t.Expires-t.Issued)/1000)
		}
		io.WriteString(ts.Stdout(), b.String())
	case "revocations":
		revs := srv.Revocations()
		var b strings.Builder
		fmt.Fprintf(&b, "%d revocation%s\n", len(revs), plural(len(revs)))
		for _, r := range revs {
			margin := ""
			if r.AllowReauthMargin {
				margin = " reauth-margin"
			}
			fmt.Fprintf(&b, "%s %s%s\n", r.KeyName, r.Target, margin)
		}
		io.WriteString(ts.Stdout(), b.String())
	default:
		ts.Fatalf("rest: unknown subcommand %q", sub)
	}
}

func restKey(ts *testscript.TestScript, srv *resttest.Server, args []string) {
	const usage = "usage: rest key APPID.KEYID:SECRET [revocable] [revoked] [capability=JSON]"
	if len(args) < 1 {
		ts.Fatalf(usage)
	}
	k := resttest.Key{Key: args[0]}
	for _, a := range args[1:] {
		switch {
		case a == "revocable":
			k.RevocableTokens = true
		case a == "revoked":
			k.Revoked = true
		case strings.HasPrefix(a, "capability="):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(a, "capability=")), &k.Capability); err != nil {
				ts.Fatalf("rest key: %s: %v", a, err)
			}
		default:
			ts.Fatalf("rest key: unknown option %q\n%s", a, usage)
		}
	}
	if name, secret, ok := strings.Cut(k.Key, ":"); !ok || !strings.Contains(name, ".") || secret == "" {
		ts.Fatalf("rest key: %q is not APPID.KEYID:SECRET", k.Name())
	}
	srv.AddKey(k)
}

// redactCredentials hides the secret of basic credentials, naming the key instead, and
// bearer tokens altogether.
func redactCredentials(v string) string {
	scheme, cred, ok := strings.Cut(v, " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return scheme + " [REDACTED]"
	}
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return v
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return scheme + " [REDACTED] (not base64)"
	}
	user, _, _ := strings.Cut(string(raw), ":")
	return fmt.Sprintf("%s [REDACTED] (key %s)", scheme, user)
}
