package resttest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paginated answers (TG4) carry one Link header with rel="first", rel="current" and, when
// more remain, rel="next" links, each relative to the request's path as Ably sends them
// (`<./messages?limit=2&cursor=...>; rel="next"`). The cursor names where the next page
// starts; it is opaque to clients.

const (
	defaultLimit = 100
	maxLimit     = 1000
)

// readLimit reads the limit query parameter: defaultLimit when absent, else 1..maxLimit.
func readLimit(q url.Values) (int, *apiError) {
	v := q.Get("limit")
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, badParam("limit must be a whole number from 1 to %d, not %q", maxLimit, v)
	}
	return n, nil
}

// readCursor decodes the cursor query parameter ("" when absent).
func readCursor(q url.Values) (string, *apiError) {
	v := q.Get("cursor")
	if v == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(raw) == 0 {
		return "", badParam("cursor %q is not one this server gave in a Link header", v)
	}
	return string(raw), nil
}

// setLinks sets the Link header of a page answered for r: base is the request's last path
// segment ("./messages"), next the cursor of the following page ("" when this is the last).
// Every query parameter of the request is kept, with limit and those of explicit (such as
// history's direction) made explicit.
func setLinks(w http.ResponseWriter, r *http.Request, limit int, next string, explicit ...string) {
	q := r.URL.Query()
	q.Set("limit", strconv.Itoa(limit))
	for i := 0; i+1 < len(explicit); i += 2 {
		q.Set(explicit[i], explicit[i+1])
	}
	base := "./" + lastSegment(r.URL.EscapedPath())
	current := base + "?" + q.Encode()
	q.Del("cursor")
	links := []string{
		"<" + base + "?" + q.Encode() + `>; rel="first"`,
		"<" + current + `>; rel="current"`,
	}
	if next != "" {
		q.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte(next)))
		links = append(links, "<"+base+"?"+q.Encode()+`>; rel="next"`)
	}
	w.Header().Set("Link", strings.Join(links, ", "))
}

func lastSegment(path string) string {
	return path[strings.LastIndex(path, "/")+1:]
}

// badParam is a 400 40003 answer.
func badParam(format string, args ...any) *apiError {
	return newError(400, CodeInvalidParam, format, args...)
}

// readOffset reads the limit and the cursor of a listing paged by position: the cursor is
// the offset of the page's first item, as the server's own next link gave it.
func readOffset(q url.Values) (limit, from int, aerr *apiError) {
	if limit, aerr = readLimit(q); aerr != nil {
		return 0, 0, aerr
	}
	cursor, aerr := readCursor(q)
	if aerr != nil || cursor == "" {
		return limit, 0, aerr
	}
	if from, err := strconv.Atoi(cursor); err == nil && from >= 0 {
		return limit, from, nil
	}
	return 0, 0, badParam("cursor is not one this server gave in a Link header")
}

// writeOffsetPage answers with the page of all that starts at from, and the links to the
// next one when more remain.
func writeOffsetPage[T any](w http.ResponseWriter, r *http.Request, all []T, limit, from int) {
	page := []T{}
	if from < len(all) {
		page = all[from:min(from+limit, len(all))]
	}
	next := ""
	if from+limit < len(all) {
		next = strconv.Itoa(from + limit)
	}
	setLinks(w, r, limit, next)
	writeJSON(w, http.StatusOK, page)
}
