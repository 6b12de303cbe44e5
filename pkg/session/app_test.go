package session

import (
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestMatchApp(t *testing.T) {
	apps := []control.App{{ID: "aaa111", Name: "prod"}, {ID: "bbb222", Name: "staging"}, {ID: "ccc333", Name: "staging"}, {ID: "prod", Name: "odd"}}
	if r, err := matchApp(apps, "aaa111", "--app"); err != nil || r.ID != "aaa111" || r.Name != "prod" {
		t.Errorf("by ID: %+v %v", r, err)
	}
	if r, err := matchApp(apps, "prod", "--app"); err != nil || r.ID != "prod" {
		t.Errorf("an ID wins over a name: %+v %v", r, err)
	}
	if _, err := matchApp(apps, "staging", "--app"); exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "bbb222, ccc333") {
		t.Errorf("ambiguous name: %v", err)
	}
	if _, err := matchApp(apps, "nope", "--app"); exitcode.Of(err) != exitcode.NotFound || !strings.Contains(err.Error(), "prod (aaa111)") {
		t.Errorf("unknown: %v", err)
	}
}
