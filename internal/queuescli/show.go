package queuescli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/output"
)

var queueHeader = []string{"id", "name", "region", "state", "ttl", "max length", "messages"}

// queueRow is a queue's line in a listing; MESSAGES is ready/total.
func queueRow(q control.Queue) []string {
	return []string{q.ID, q.Name, q.Region, output.OrDash(q.State), minutes(q.TTL), strconv.Itoa(q.MaxLength),
		count(q.Messages.Ready) + "/" + count(q.Messages.Total)}
}

// queueDetails are a queue's labelled fields, with how to reach it over AMQP and STOMP.
func queueDetails(q control.Queue) []output.Field {
	deadletter := "no"
	if q.Deadletter {
		deadletter = "yes (this is the app's dead-letter queue in " + q.Region + ")"
	}
	dlq := "-"
	if q.DeadletterID != nil && *q.DeadletterID != "" {
		dlq = *q.DeadletterID
	}
	return []output.Field{
		{Label: "ID", Value: q.ID},
		{Label: "Name", Value: q.Name},
		{Label: "App ID", Value: q.AppID},
		{Label: "Region", Value: q.Region},
		{Label: "State", Value: output.OrDash(q.State)},
		{Label: "TTL", Value: minutes(q.TTL)},
		{Label: "Max length", Value: strconv.Itoa(q.MaxLength) + " messages"},
		{Label: "Messages", Value: fmt.Sprintf("%s ready, %s unacknowledged, %s total",
			count(q.Messages.Ready), count(q.Messages.Unacknowledged), count(q.Messages.Total))},
		{Label: "Rates (per minute)", Value: fmt.Sprintf("%s published, %s delivered, %s acknowledged",
			rate(q.Stats.PublishRate), rate(q.Stats.DeliveryRate), rate(q.Stats.AcknowledgementRate))},
		{Label: "Dead-letter queue", Value: dlq},
		{Label: "Is dead-letter queue", Value: deadletter},
		{Label: "AMQP URI", Value: output.OrDash(q.AMQP.URI)},
		{Label: "AMQP queue name", Value: output.OrDash(q.AMQP.QueueName)},
		{Label: "STOMP URI", Value: output.OrDash(q.STOMP.URI)},
		{Label: "STOMP host", Value: output.OrDash(q.STOMP.Host)},
		{Label: "STOMP destination", Value: output.OrDash(q.STOMP.Destination)},
	}
}

// maskQueue hides a password in the queue's URIs. The Control API's URIs carry none
// (consumers authenticate with an API key), so this only guards against one appearing.
func maskQueue(q control.Queue) control.Queue {
	q.AMQP.URI = output.MaskURLSecrets(q.AMQP.URI)
	q.STOMP.URI = output.MaskURLSecrets(q.STOMP.URI)
	return q
}

func minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// count shows a message count the API may not know (null) as "-".
func count(n *float64) string {
	if n == nil {
		return "-"
	}
	return strconv.FormatFloat(*n, 'f', -1, 64)
}

func rate(r *float64) string {
	if r == nil {
		return "-"
	}
	return strings.TrimSuffix(strconv.FormatFloat(*r, 'f', 2, 64), ".00")
}
