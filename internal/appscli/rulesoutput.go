package appscli

import (
	"fmt"
	"strings"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/output"
)

// ruleSummary lists the settings a rule turns on, by their flag names, for a table cell.
func ruleSummary(r control.Namespace) string {
	var on []string
	add := func(set bool, s string) {
		if set {
			on = append(on, s)
		}
	}
	add(r.Persisted, "persisted")
	add(r.PersistLast, "persist-last")
	add(r.PushEnabled, "push-enabled")
	add(r.Authenticated, "authenticated")
	add(r.TLSOnly, "tls-only")
	add(r.BatchingEnabled, strings.TrimSpace("batching "+interval(r.BatchingInterval)))
	if r.ConflationEnabled {
		s := strings.TrimSpace("conflation " + interval(r.ConflationInterval))
		if r.ConflationKey != "" {
			s += fmt.Sprintf(" key=%q", r.ConflationKey)
		}
		on = append(on, s)
	}
	add(r.ExposeTimeserial, "expose-timeserial")
	add(r.MutableMessages, "mutable-messages")
	add(r.PopulateChannelRegistry, "populate-channel-registry")
	if len(on) == 0 {
		return "-"
	}
	return strings.Join(on, ", ")
}

// ruleDetails is the labelled block one rule is shown as.
func ruleDetails(r control.Namespace) []output.Field {
	batching := yesNo(r.BatchingEnabled)
	if ms := interval(r.BatchingInterval); ms != "" {
		batching += ", interval " + ms
	}
	conflation := yesNo(r.ConflationEnabled)
	if ms := interval(r.ConflationInterval); ms != "" {
		conflation += ", interval " + ms
	}
	if r.ConflationKey != "" {
		conflation += fmt.Sprintf(", key %q", r.ConflationKey)
	}
	return []output.Field{
		{Label: "Name", Value: r.ID},
		{Label: "Channels", Value: fmt.Sprintf("%s, %s:*", r.ID, r.ID)},
		{Label: "App", Value: r.AppID},
		{Label: "Persisted", Value: yesNo(r.Persisted)},
		{Label: "Persist last", Value: yesNo(r.PersistLast)},
		{Label: "Push enabled", Value: yesNo(r.PushEnabled)},
		{Label: "Authenticated", Value: yesNo(r.Authenticated)},
		{Label: "TLS only", Value: yesNo(r.TLSOnly)},
		{Label: "Batching", Value: batching},
		{Label: "Conflation", Value: conflation},
		{Label: "Expose timeserial", Value: yesNo(r.ExposeTimeserial)},
		{Label: "Mutable messages", Value: yesNo(r.MutableMessages)},
		{Label: "Channel registry", Value: yesNo(r.PopulateChannelRegistry)},
		{Label: "Created", Value: output.Millis(r.Created)},
		{Label: "Modified", Value: output.Millis(r.Modified)},
	}
}

func interval(ms *int) string {
	if ms == nil {
		return ""
	}
	return fmt.Sprintf("%dms", *ms)
}
