package control

import (
	"context"
	"fmt"
)

// Queue is an Ably queue as the Control API returns it. Its ID is APPID:REGION:NAME.
type Queue struct {
	ID           string  `json:"id"`
	AppID        string  `json:"appId"`
	Name         string  `json:"name"`
	Region       string  `json:"region"`
	State        string  `json:"state"`
	TTL          int     `json:"ttl"`       // minutes
	MaxLength    int     `json:"maxLength"` // messages
	Deadletter   bool    `json:"deadletter"`
	DeadletterID *string `json:"deadletterId"`
	AMQP         struct {
		URI       string `json:"uri"`
		QueueName string `json:"queueName"`
	} `json:"amqp"`
	STOMP struct {
		URI         string `json:"uri"`
		Host        string `json:"host"`
		Destination string `json:"destination"`
	} `json:"stomp"`
	Messages struct {
		Ready          *float64 `json:"ready"`
		Unacknowledged *float64 `json:"unacknowledged"`
		Total          *float64 `json:"total"`
	} `json:"messages"`
	Stats struct {
		PublishRate         *float64 `json:"publishRate"`
		DeliveryRate        *float64 `json:"deliveryRate"`
		AcknowledgementRate *float64 `json:"acknowledgementRate"`
	} `json:"stats"`
}

// QueueFields are what a queue is created with; all are required by the API.
type QueueFields struct {
	Name      string `json:"name"`
	TTL       int    `json:"ttl"`
	MaxLength int    `json:"maxLength"`
	Region    string `json:"region"`
}

// ListQueues lists the app's queues.
func (c *Client) ListQueues(ctx context.Context, appID string) ([]Queue, error) {
	var qs []Queue
	err := c.do(ctx, call{op: opListQueues, segments: []string{"apps", appID, "queues"}, notFound: fmt.Sprintf("app %q", appID)}, &qs)
	return qs, err
}

// CreateQueue creates a queue.
func (c *Client) CreateQueue(ctx context.Context, appID string, f QueueFields) (*Queue, error) {
	var q Queue
	err := c.do(ctx, call{op: opCreateQueue, segments: []string{"apps", appID, "queues"}, body: f, notFound: fmt.Sprintf("app %q", appID)}, &q)
	return &q, err
}

// DeleteQueue deletes a queue by its ID.
func (c *Client) DeleteQueue(ctx context.Context, appID, queueID string) error {
	return c.do(ctx, call{op: opDeleteQueue, segments: []string{"apps", appID, "queues", queueID},
		notFound: fmt.Sprintf("queue %q of app %q", queueID, appID)}, nil)
}
