package controltest

import "net/http"

// routes is the API: every operation of control-v1.yaml and the access-token capability it
// needs. The capabilities follow Ably's access-token documentation (read:app lists apps,
// write:app creates, updates and deletes them, and so on); this table is the fake's own, kept
// apart from any client's so that a client's mistake cannot hide in both.
func (s *Server) routes() {
	s.handle("GET /me", "", s.getMe)

	s.handle("GET /accounts/{account_id}/apps", "read:app", s.listApps)
	s.handle("POST /accounts/{account_id}/apps", "write:app", s.createApp)
	s.handle("PATCH /apps/{id}", "write:app", s.updateApp)
	s.handle("DELETE /apps/{id}", "write:app", s.deleteApp)
	s.handle("POST /apps/{id}/pkcs12", "write:app", s.uploadPKCS12)

	s.handle("GET /accounts/{id}/stats", "read:stats", s.accountStats)
	s.handle("GET /apps/{id}/stats", "read:stats", s.appStats)

	s.handle("GET /apps/{app_id}/keys", "read:key", s.listKeys)
	s.handle("POST /apps/{app_id}/keys", "write:key", s.createKey)
	s.handle("PATCH /apps/{app_id}/keys/{key_id}", "write:key", s.updateKey)
	s.handle("POST /apps/{app_id}/keys/{key_id}/revoke", "write:key", s.revokeKey)

	s.handle("GET /apps/{app_id}/namespaces", "read:namespace", s.listNamespaces)
	s.handle("POST /apps/{app_id}/namespaces", "write:namespace", s.createNamespace)
	s.handle("PATCH /apps/{app_id}/namespaces/{namespace_id}", "write:namespace", s.updateNamespace)
	s.handle("DELETE /apps/{app_id}/namespaces/{namespace_id}", "write:namespace", s.deleteNamespace)

	s.handle("GET /apps/{app_id}/queues", "read:queue", s.listQueues)
	s.handle("POST /apps/{app_id}/queues", "write:queue", s.createQueue)
	s.handle("DELETE /apps/{app_id}/queues/{queue_id}", "write:queue", s.deleteQueue)

	s.handle("GET /apps/{app_id}/rules", "read:rule", s.listRules)
	s.handle("POST /apps/{app_id}/rules", "write:rule", s.createRule)
	s.handle("GET /apps/{app_id}/rules/{rule_id}", "read:rule", s.getRule)
	s.handle("PATCH /apps/{app_id}/rules/{rule_id}", "write:rule", s.updateRule)
	s.handle("DELETE /apps/{app_id}/rules/{rule_id}", "write:rule", s.deleteRule)

	// Anything else is not part of the API. A path the API has, asked with another method,
	// gets 405 like a real HTTP service; the rest 404.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
				writeError(w, http.StatusMethodNotAllowed, 40500, "method %s is not allowed on %s", r.Method, r.URL.Path)
				return
			}
		}
		writeError(w, http.StatusNotFound, 40400, "no Control API endpoint at %s %s", r.Method, r.URL.Path)
	})
}
