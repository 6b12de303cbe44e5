package rest

import (
	"fmt"
	"net/url"
	"strings"
)

// nextLink finds the "next" relation among Link header values (TG4, RFC 8288): each value may
// join several links with commas, as `<./messages?start=1&limit=100>; rel="next"`. The link
// is resolved against the URL of the request (RFC 3986), which covers both the relative form
// Ably sends and absolute paths. A link to another origin than base's is refused, so
// credentials follow no link away from the API they were meant for.
func nextLink(values []string, requested, base *url.URL) (*url.URL, error) {
	for _, v := range values {
		for _, l := range splitLinks(v) {
			if !hasRel(l.params, "next") {
				continue
			}
			ref, err := url.Parse(l.target)
			if err != nil {
				return nil, fmt.Errorf("its next-page link is not a URL: %v", err)
			}
			next := requested.ResolveReference(ref)
			if next.Scheme != base.Scheme || next.Host != base.Host {
				return nil, fmt.Errorf("its next-page link goes to %s://%s, not to %s://%s: not followed", next.Scheme, next.Host, base.Scheme, base.Host)
			}
			return next, nil
		}
	}
	return nil, nil
}

type link struct {
	target string // between < and >
	params string // after it, up to the next link
}

// splitLinks splits one Link header value into its links. Commas inside <...> belong to the
// target, so the value is scanned rather than split.
func splitLinks(v string) []link {
	var out []link
	for {
		start := strings.IndexByte(v, '<')
		if start < 0 {
			return out
		}
		end := strings.IndexByte(v[start:], '>')
		if end < 0 {
			return out
		}
		l := link{target: v[start+1 : start+end]}
		rest := v[start+end+1:]
		next := strings.IndexByte(rest, '<')
		if next < 0 {
			next = len(rest)
		}
		l.params, v = rest[:next], rest[next:]
		out = append(out, l)
	}
}

// hasRel reports that params (`; rel="next"`, `;rel=next`, `; rel="first next"`) name rel.
func hasRel(params, rel string) bool {
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
			continue
		}
		value = strings.Trim(strings.TrimRight(strings.TrimSpace(value), ", \t"), `"`)
		for _, r := range strings.Fields(value) {
			if strings.EqualFold(r, rel) {
				return true
			}
		}
	}
	return false
}
