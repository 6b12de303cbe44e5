package scripttest

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rogpeppe/go-internal/testscript"
)

// jwtsignCmd signs an Ably-shaped JWT the suite would not issue itself: one already expired,
// one of a key the script's commands do not have, one without exp. Scripts have no fake
// clock, so times are given relative to the real one:
//
//	jwtsign [-env NAME] SECRET KID [CLAIM=VALUE...]
//
// It signs with HS256 and SECRET, header kid KID. Claims:
//
//	iat=T, exp=T   T is now, now-DUR, now+DUR (a Go duration: now-5m) or Unix seconds;
//	               "none" leaves the claim out; defaults iat=now, exp=now+1h
//	clientId=ID    the x-ably-clientId claim (absent unless given)
//	capability=J   the x-ably-capability claim: J as a string, as Ably's JWTs carry it
//	NAME=VALUE     any other claim, as a string
//
// The token goes to the script's stdout buffer, replacing it as exec does, so `cp stdout
// token.txt` then `stdin token.txt` feeds it to a command; with -env NAME it is also set as
// $NAME, for an argument or a variable such as ABLY_TOKEN.
func jwtsignCmd(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: jwtsign [-env NAME] SECRET KID [iat=T] [exp=T] [clientId=ID] [capability=JSON] [NAME=VALUE...]"
	if neg {
		ts.Fatalf("%s (no !)", usage)
	}
	var env string
	if len(args) > 1 && args[0] == "-env" {
		env, args = args[1], args[2:]
	}
	if len(args) < 2 || args[0] == "" || args[1] == "" {
		ts.Fatalf("%s", usage)
	}
	secret, kid := args[0], args[1]
	now := time.Now()
	claims := jwt.MapClaims{"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for _, a := range args[2:] {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			ts.Fatalf("jwtsign: %q is not CLAIM=VALUE\n%s", a, usage)
		}
		switch name {
		case "iat", "exp":
			if value == "none" {
				delete(claims, name)
				continue
			}
			sec, err := claimSeconds(value, now)
			if err != nil {
				ts.Fatalf("jwtsign: %s: %v", name, err)
			}
			claims[name] = sec
		case "clientId":
			claims["x-ably-clientId"] = value
		case "capability":
			claims["x-ably-capability"] = value
		default:
			claims[name] = value
		}
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = kid
	signed, err := t.SignedString([]byte(secret))
	if err != nil {
		ts.Fatalf("jwtsign: %v", err)
	}
	if env != "" {
		ts.Setenv(env, signed)
	}
	io.WriteString(ts.Stdout(), signed+"\n")
}

// claimSeconds reads now, now-DUR, now+DUR or Unix seconds.
func claimSeconds(v string, now time.Time) (int64, error) {
	if rest, ok := strings.CutPrefix(v, "now"); ok {
		if rest == "" {
			return now.Unix(), nil
		}
		d, err := time.ParseDuration(rest)
		if err != nil || (rest[0] != '+' && rest[0] != '-') {
			return 0, fmt.Errorf("%q: want now, now-DUR or now+DUR (e.g. now-5m)", v)
		}
		return now.Add(d).Unix(), nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: want Unix seconds, now, now-DUR or now+DUR", v)
	}
	return sec, nil
}
