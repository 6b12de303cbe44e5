package scripttest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rogpeppe/go-internal/testscript"
)

// jwtCmd verifies the Ably JWT the last command printed: its HS256 signature with secret,
// and checks on it. The token is stdout (trimmed), or with -json the "token" field of the JSON
// on stdout, or the value of a "Token:" line when there is one. Each check is one of:
//
//	NAME=VALUE   claim NAME (or header.NAME, or ttl = exp-iat) equals VALUE
//	NAME~REGEXP  it matches REGEXP
//	!NAME        it is absent
//
// With ! before jwt, the signature must NOT verify with secret.
func jwtCmd(ts *testscript.TestScript, neg bool, args []string) {
	fromJSON := len(args) > 0 && args[0] == "-json"
	if fromJSON {
		args = args[1:]
	}
	if len(args) < 1 {
		ts.Fatalf("usage: jwt [-json] secret [NAME=VALUE | NAME~REGEXP | !NAME ...]")
	}
	secret, checks := args[0], args[1:]
	raw := strings.TrimSpace(ts.ReadFile("stdout"))
	if fromJSON {
		var doc struct{ Token string }
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			ts.Fatalf("jwt: stdout is not JSON: %v", err)
		}
		raw = doc.Token
	} else if m := tokenLine.FindStringSubmatch(raw); m != nil {
		raw = m[1]
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuedAt())
	if neg {
		if err == nil {
			ts.Fatalf("jwt: token verified with secret %q, want a failure", secret)
		}
		return
	}
	if err != nil {
		ts.Fatalf("jwt: token %q does not verify: %v", raw, err)
	}
	fields := map[string]string{}
	for k, v := range tok.Header {
		fields["header."+k] = fmt.Sprint(v)
	}
	for k, v := range claims {
		fields[k] = fmt.Sprint(v)
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if iat != nil && exp != nil {
		fields["ttl"] = fmt.Sprint(exp.Unix() - iat.Unix())
	}
	for _, c := range checks {
		switch name, value, op := splitCheck(c); op {
		case "!":
			if v, ok := fields[name]; ok {
				ts.Fatalf("jwt: %s is %q, want it absent", name, v)
			}
		case "=":
			if fields[name] != value {
				ts.Fatalf("jwt: %s is %q, want %q", name, fields[name], value)
			}
		case "~":
			if !regexp.MustCompile(value).MatchString(fields[name]) {
				ts.Fatalf("jwt: %s is %q, want a match of %q", name, fields[name], value)
			}
		default:
			ts.Fatalf("jwt: bad check %q", c)
		}
	}
}

// tokenLine is the labelled token of human output.
var tokenLine = regexp.MustCompile(`(?m)^Token:\s+(\S+)$`)

func splitCheck(c string) (name, value, op string) {
	if n, ok := strings.CutPrefix(c, "!"); ok {
		return n, "", "!"
	}
	i := strings.IndexAny(c, "=~")
	if i < 0 {
		return c, "", ""
	}
	return c[:i], c[i+1:], c[i : i+1]
}
