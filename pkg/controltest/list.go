package controltest

import "net/http"

// listForApp answers a listing of an app's items (keys, namespaces, queues): copies of the
// items whose app is the one in the path, after the caller's access to that app is checked.
// The caller holds s.mu.
func listForApp[T any](s *Server, c *call, items []*T, appOf func(*T) string) {
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	out := []T{}
	for _, it := range items {
		if appOf(it) == a.ID {
			out = append(out, *it)
		}
	}
	writeJSON(c.w, http.StatusOK, out)
}
