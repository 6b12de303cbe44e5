package control

import "net/http"

// Operation is one Control API call: what it does (for messages), its method, and the
// capability the access token needs for it. Every call the client makes is one of these,
// so the table from operation to capability lives in this one place.
type Operation struct {
	Name       string     // e.g. "list apps", used in messages
	Method     string     // HTTP method
	Capability Capability // "" for calls any valid token may make (GET /me)
}

// Idempotent reports whether the call may be retried safely. Only reads are: POST, PATCH and
// DELETE are never retried blindly, since the first attempt may have taken effect.
func (o Operation) Idempotent() bool {
	return o.Method == http.MethodGet || o.Method == http.MethodHead
}

// The operations of the Control API this client uses. Unexported so nothing can change the
// table; Operations lists them.
var (
	opMe              = Operation{"read token details", http.MethodGet, ""}
	opListApps        = Operation{"list apps", http.MethodGet, ReadApp}
	opCreateApp       = Operation{"create an app", http.MethodPost, WriteApp}
	opUpdateApp       = Operation{"update an app", http.MethodPatch, WriteApp}
	opDeleteApp       = Operation{"delete an app", http.MethodDelete, WriteApp}
	opUploadPKCS12    = Operation{"upload an APNs certificate", http.MethodPost, WriteApp}
	opListKeys        = Operation{"list API keys", http.MethodGet, ReadKey}
	opCreateKey       = Operation{"create an API key", http.MethodPost, WriteKey}
	opUpdateKey       = Operation{"update an API key", http.MethodPatch, WriteKey}
	opRevokeKey       = Operation{"revoke an API key", http.MethodPost, WriteKey}
	opListRules       = Operation{"list integration rules", http.MethodGet, ReadRule}
	opGetRule         = Operation{"get an integration rule", http.MethodGet, ReadRule}
	opCreateRule      = Operation{"create an integration rule", http.MethodPost, WriteRule}
	opUpdateRule      = Operation{"update an integration rule", http.MethodPatch, WriteRule}
	opDeleteRule      = Operation{"delete an integration rule", http.MethodDelete, WriteRule}
	opListQueues      = Operation{"list queues", http.MethodGet, ReadQueue}
	opCreateQueue     = Operation{"create a queue", http.MethodPost, WriteQueue}
	opDeleteQueue     = Operation{"delete a queue", http.MethodDelete, WriteQueue}
	opListNamespaces  = Operation{"list channel rules", http.MethodGet, ReadNamespace}
	opCreateNamespace = Operation{"create a channel rule", http.MethodPost, WriteNamespace}
	opUpdateNamespace = Operation{"update a channel rule", http.MethodPatch, WriteNamespace}
	opDeleteNamespace = Operation{"delete a channel rule", http.MethodDelete, WriteNamespace}
	opAccountStats    = Operation{"read account statistics", http.MethodGet, ReadStats}
	opAppStats        = Operation{"read app statistics", http.MethodGet, ReadStats}
)

// Operations lists every operation the client makes, e.g. for documentation and tests.
func Operations() []Operation {
	return []Operation{
		opMe, opListApps, opCreateApp, opUpdateApp, opDeleteApp, opUploadPKCS12,
		opListKeys, opCreateKey, opUpdateKey, opRevokeKey,
		opListRules, opGetRule, opCreateRule, opUpdateRule, opDeleteRule,
		opListQueues, opCreateQueue, opDeleteQueue,
		opListNamespaces, opCreateNamespace, opUpdateNamespace, opDeleteNamespace,
		opAccountStats, opAppStats,
	}
}
