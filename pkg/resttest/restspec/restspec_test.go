package restspec

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The amendment fails loudly when the spec no longer has what it amends (here: the body it
// already amended), rather than silently checking something else.
func TestSpecAmendmentNeedsItsTarget(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile(Require(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := tokenBodyOneOf(doc); err != nil {
		t.Fatalf("amending platform-v1.yaml: %v", err)
	}
	if err := tokenBodyOneOf(doc); err == nil || !strings.Contains(err.Error(), "out of date") {
		t.Fatalf("amending it again: %v, want the amendment to say it is out of date", err)
	}
}
