package controltest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Queue is an Ably queue, as queue_response describes it. Its ID is "APPID:REGION:NAME",
// so it holds colons, and spaces when the name has them.
type Queue struct {
	ID           string        `json:"id"`
	AppID        string        `json:"appId"`
	Name         string        `json:"name"`
	Region       string        `json:"region"`
	AMQP         QueueAMQP     `json:"amqp"`
	STOMP        QueueSTOMP    `json:"stomp"`
	State        string        `json:"state"`
	Messages     QueueMessages `json:"messages"`
	Stats        QueueStats    `json:"stats"`
	TTL          int           `json:"ttl"`       // minutes
	MaxLength    int           `json:"maxLength"` // messages
	Deadletter   bool          `json:"deadletter"`
	DeadletterID *string       `json:"deadletterId"`
}

// QueueAMQP is how to reach a queue over AMQP.
type QueueAMQP struct {
	URI       string `json:"uri"`
	QueueName string `json:"queueName"`
}

// QueueSTOMP is how to reach a queue over STOMP.
type QueueSTOMP struct {
	URI         string `json:"uri"`
	Host        string `json:"host"`
	Destination string `json:"destination"`
}

// QueueMessages counts the messages in a queue.
type QueueMessages struct {
	Ready          int `json:"ready"`
	Unacknowledged int `json:"unacknowledged"`
	Total          int `json:"total"`
}

// QueueStats are a queue's rates, in messages per minute; null while unknown.
type QueueStats struct {
	PublishRate         *float64 `json:"publishRate"`
	DeliveryRate        *float64 `json:"deliveryRate"`
	AcknowledgementRate *float64 `json:"acknowledgementRate"`
}

// QueueRegions are the regions a queue may live in.
func QueueRegions() []string { return []string{"us-east-1-a", "eu-west-1-a"} }

// AddQueue adds a queue to an app and returns it as stored, with its ID and endpoints
// filled in. Empty Region is us-east-1-a; zero TTL and MaxLength are 60 and 10000.
// It panics if the app does not exist.
func (s *Server) AddQueue(appID string, q Queue) Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app(appID) == nil {
		panic(fmt.Sprintf("controltest: AddQueue: no app %q", appID))
	}
	if q.Region == "" {
		q.Region = QueueRegions()[0]
	}
	if q.TTL == 0 {
		q.TTL = 60
	}
	if q.MaxLength == 0 {
		q.MaxLength = 10000
	}
	return *s.addQueue(appID, q)
}

// Queues returns an app's queues, oldest first.
func (s *Server) Queues(appID string) []Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Queue
	for _, q := range s.queues {
		if q.AppID == appID {
			out = append(out, *q)
		}
	}
	return out
}

// addQueue fills in what the API derives from the app, region and name. The caller holds s.mu.
func (s *Server) addQueue(appID string, q Queue) *Queue {
	q.AppID = appID
	q.ID = appID + ":" + q.Region + ":" + q.Name
	host := q.Region + "-queue.ably.io"
	q.AMQP = QueueAMQP{URI: "amqps://" + host + ":5671/shared", QueueName: appID + ":" + q.Name}
	q.STOMP = QueueSTOMP{URI: "stomp://" + host + ":61614", Host: "shared", Destination: "/amqp/queue/" + appID + ":" + q.Name}
	if q.State == "" {
		q.State = "Running"
	}
	if q.DeadletterID == nil && !q.Deadletter {
		dl := appID + ":" + q.Region + ":deadletter"
		q.DeadletterID = &dl
	}
	s.queues = append(s.queues, &q)
	return &q
}

func (s *Server) listQueues(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	listForApp(s, c, s.queues, func(q *Queue) string { return q.AppID })
}

func (s *Server) createQueue(c *call) {
	f, ok := c.readObject()
	if !ok {
		return
	}
	var q Queue
	f.get("name", &q.Name)
	f.get("ttl", &q.TTL)
	f.get("maxLength", &q.MaxLength)
	f.get("region", &q.Region)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if m := f.missing("name", "ttl", "maxLength", "region"); len(m) > 0 {
		c.invalid(true, "%s is required", m[0])
		return
	}
	switch {
	case !slices.Contains(QueueRegions(), q.Region):
		c.invalid(true, "region must be one of %s, not %q", strings.Join(QueueRegions(), ", "), q.Region)
		return
	case q.TTL <= 0 || q.TTL > 60:
		c.invalid(true, "ttl must be from 1 to 60 minutes, not %d", q.TTL)
		return
	case q.MaxLength <= 0:
		c.invalid(true, "maxLength must be positive, not %d", q.MaxLength)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	for _, other := range s.queues {
		if other.AppID == a.ID && other.Region == q.Region && other.Name == q.Name {
			c.invalid(true, "a queue named %q already exists in %s", q.Name, q.Region)
			return
		}
	}
	writeJSON(c.w, http.StatusCreated, *s.addQueue(a.ID, q))
}

func (s *Server) deleteQueue(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	// PathValue is the decoded segment: "APP:us-east-1-a:My queue" arrives as
	// ".../APP:us-east-1-a:My%20queue" (colons may be escaped too).
	id := c.r.PathValue("queue_id")
	i := slices.IndexFunc(s.queues, func(q *Queue) bool { return q.AppID == a.ID && q.ID == id })
	if i < 0 {
		c.notFound("queue %q not found in app %q", id, a.ID)
		return
	}
	s.queues = slices.Delete(s.queues, i, i+1)
	c.w.WriteHeader(http.StatusNoContent)
}
