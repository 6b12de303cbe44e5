package httpcore

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects bounds a chain of redirects within one origin.
const maxRedirects = 5

// redirectError is a redirect the core does not follow.
type redirectError struct {
	to     *url.URL
	reason string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("answered with a redirect to %s, %s: not followed", Redact(e.to), e.reason)
}

// checkRedirect follows a redirect only within the first request's origin (scheme, host and
// port), where the credentials it carries (Authorization, a key in the path or body) were
// meant to go. A redirect to another host, or from https to plain http, is not followed at
// all, so nothing of the request reaches it.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	switch {
	case first.Scheme == "https" && req.URL.Scheme != "https":
		return &redirectError{to: req.URL, reason: "from https to plain http, which would send the credentials in clear text"}
	case !strings.EqualFold(first.Scheme, req.URL.Scheme) || !strings.EqualFold(first.Host, req.URL.Host):
		return &redirectError{to: req.URL, reason: "another host, which must not receive the credentials"}
	case len(via) >= maxRedirects:
		return &redirectError{to: req.URL, reason: fmt.Sprintf("after %d redirects", len(via))}
	}
	return nil
}
