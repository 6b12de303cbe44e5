package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// StatsQuery selects statistics records. Zero fields are left to the API's defaults
// (unit minute, direction backwards, limit 100).
type StatsQuery struct {
	Start     time.Time
	End       time.Time
	Unit      string // minute, hour, day or month
	Direction string // forwards or backwards
	Limit     int    // at most 1000
}

func (q StatsQuery) values() url.Values {
	v := url.Values{}
	if !q.Start.IsZero() {
		v.Set("start", strconv.FormatInt(q.Start.UnixMilli(), 10))
	}
	if !q.End.IsZero() {
		v.Set("end", strconv.FormatInt(q.End.UnixMilli(), 10))
	}
	if q.Unit != "" {
		v.Set("unit", q.Unit)
	}
	if q.Direction != "" {
		v.Set("direction", q.Direction)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// StatsRecord is one interval of statistics. Entries maps metric names (e.g.
// "messages.all.all.count") to values; Raw keeps the record as the API sent it.
type StatsRecord struct {
	IntervalID string             `json:"intervalId"`
	Unit       string             `json:"unit"`
	AppID      string             `json:"appId,omitempty"`
	AccountID  string             `json:"accountId,omitempty"`
	Schema     string             `json:"schema"`
	InProgress string             `json:"inProgress,omitempty"`
	Entries    map[string]float64 `json:"entries"`
	Raw        json.RawMessage    `json:"-"`
}

// UnmarshalJSON decodes the record and keeps the raw object.
func (s *StatsRecord) UnmarshalJSON(data []byte) error {
	type plain StatsRecord
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*s = StatsRecord(p)
	s.Raw = append(json.RawMessage(nil), data...)
	return nil
}

// MarshalJSON writes the record as the API sent it.
func (s StatsRecord) MarshalJSON() ([]byte, error) {
	if len(s.Raw) > 0 {
		return s.Raw, nil
	}
	type plain StatsRecord
	return json.Marshal(plain(s))
}

// AccountStats reads the account's statistics.
func (c *Client) AccountStats(ctx context.Context, accountID string, q StatsQuery) ([]StatsRecord, error) {
	var recs []StatsRecord
	err := c.do(ctx, call{op: opAccountStats, segments: []string{"accounts", accountID, "stats"}, query: q.values(),
		notFound: fmt.Sprintf("account %q", accountID)}, &recs)
	return recs, err
}

// AppStats reads an app's statistics.
func (c *Client) AppStats(ctx context.Context, appID string, q StatsQuery) ([]StatsRecord, error) {
	var recs []StatsRecord
	err := c.do(ctx, call{op: opAppStats, segments: []string{"apps", appID, "stats"}, query: q.values(),
		notFound: fmt.Sprintf("app %q", appID)}, &recs)
	return recs, err
}
