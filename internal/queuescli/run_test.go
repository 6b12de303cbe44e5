package queuescli

import (
	"strings"
	"testing"

	"github.com/ably/ably-suite/internal/sessiontest"
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// The run functions take everything but their options from the Deps: the prompt decides
// whether a queue is deleted, and every request goes through the Deps' transport.
func TestRunDeleteAsksThePrompt(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	q := srv.AddQueue(app.ID, controltest.Queue{Name: "orders"})

	for _, tc := range []struct {
		answer  bool
		code    int
		deleted bool
	}{{false, exitcode.Failure, false}, {true, exitcode.OK, true}} {
		transport := &plugintest.CountingTransport{}
		answers := &plugintest.Answers{Yes: []bool{tc.answer}}
		ctx, d, streams := plugintest.Options{TTY: true, Prompt: answers, Transport: transport}.Deps(t)
		err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, app.ID), Queue: "orders"})
		if got := exitcode.Of(err); got != tc.code {
			t.Fatalf("answer %v: exit %d (%v), want %d", tc.answer, got, err, tc.code)
		}
		if len(answers.Asked) != 1 || !strings.Contains(answers.Asked[0], `delete queue "orders"`) {
			t.Errorf("answer %v: asked %q", tc.answer, answers.Asked)
		}
		if gone := len(srv.Queues(app.ID)) == 0; gone != tc.deleted {
			t.Errorf("answer %v: deleted = %v, want %v", tc.answer, gone, tc.deleted)
		}
		if transport.N == 0 {
			t.Errorf("answer %v: no request went through the Deps' transport", tc.answer)
		}
		if tc.deleted && !strings.Contains(streams.Stdout.String(), q.ID) {
			t.Errorf("output %q does not name the queue's ID %s", streams.Stdout, q.ID)
		}
	}
}

// Without a terminal, and without Force, a delete is refused before any request.
func TestRunDeleteNeedsForceOffATerminal(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	srv.AddQueue(app.ID, controltest.Queue{Name: "orders"})
	ctx, d, _ := plugintest.Options{}.Deps(t)
	err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, app.ID), Queue: "orders"})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("got %v, want a usage error asking for --force", err)
	}
	if len(srv.Queues(app.ID)) != 1 {
		t.Error("the queue was deleted")
	}
	ctx, d, _ = plugintest.Options{}.Deps(t)
	if err := runDelete(ctx, d, deleteOptions{Session: sessiontest.Settings(srv, app.ID), Queue: "orders", Force: true}); err != nil {
		t.Fatalf("with Force: %v", err)
	}
	if len(srv.Queues(app.ID)) != 0 {
		t.Error("with Force the queue is still there")
	}
}

// runCreate sends the options' fields as they are, and masks nothing it need not.
func TestRunCreateAndListJSON(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	ctx, d, _ := plugintest.Options{}.Deps(t)
	o := createOptions{Session: sessiontest.Settings(srv, "Demo")}
	o.Fields.Name, o.Fields.TTL, o.Fields.MaxLength, o.Fields.Region = "Order events", 30, 5000, "eu-west-1-a"
	if err := runCreate(ctx, d, o); err != nil {
		t.Fatal(err)
	}
	got := srv.Queues(app.ID)
	if len(got) != 1 || got[0].Name != "Order events" || got[0].TTL != 30 || got[0].MaxLength != 5000 || got[0].Region != "eu-west-1-a" {
		t.Fatalf("stored %+v", got)
	}
	ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
	if err := runList(ctx, d, listOptions{Session: sessiontest.Settings(srv, app.ID)}); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); !strings.HasPrefix(out, `[{"id":"`+got[0].ID+`"`) {
		t.Errorf("list --json = %s", out)
	}
}
