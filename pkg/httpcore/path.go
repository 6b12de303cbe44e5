package httpcore

import (
	"net/url"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// URL joins the client's base URL and path segments, escaping each, so IDs holding '/', ':',
// spaces or '?' stay one segment. A segment that is, or that a hop could normalise into, a
// dot segment ("." or "..", percent-encoded or written with look-alike dots) or that is empty
// is refused with a usage error naming it: "DELETE .../namespaces/.." becomes
// "DELETE .../apps/ID" on a normalising proxy.
func (c *Client) URL(query url.Values, segments ...string) (*url.URL, error) {
	return PathURL(c.opt.BaseURL, query, segments...)
}

// PathURL is Client.URL for any base.
func PathURL(base *url.URL, query url.Values, segments ...string) (*url.URL, error) {
	u := *base
	var raw, plain strings.Builder
	raw.WriteString(base.EscapedPath())
	plain.WriteString(base.Path)
	for _, s := range segments {
		if err := checkSegment(s); err != nil {
			return nil, err
		}
		raw.WriteString("/" + url.PathEscape(s))
		plain.WriteString("/" + s)
	}
	u.Path, u.RawPath = plain.String(), raw.String()
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	return &u, nil
}

// dotLike are characters that Unicode compatibility normalisation (NFKC), which some servers
// apply to paths, turns into full stops.
var dotLike = strings.NewReplacer("\uFF0E", ".", "\uFE52", ".", "\u2024", ".", "\u2025", "..")

func checkSegment(s string) error {
	if s == "" {
		return exitcode.Usagef("an empty name or ID cannot be part of a request path: give the name")
	}
	// Decode as many times as a chain of hops might, so "%2e%2e" and "%252e" count too.
	d := s
	for range 4 {
		next, err := url.PathUnescape(d)
		if err != nil || next == d {
			break
		}
		d = next
	}
	if d = dotLike.Replace(d); d == "." || d == ".." {
		return exitcode.Usagef("%q cannot be used as a name or ID: in a request path it would mean the current or the parent resource, not one named %q", s, s)
	}
	return nil
}
