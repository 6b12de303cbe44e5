package emulator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStateAcrossRestarts: what one run creates, the next has, with the same credentials;
// a state file that does not parse is refused with its line and left as it is.
func TestStateAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := Start(Options{Addr: "127.0.0.1:0", StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	bearer := "Bearer " + first.Seeded.AccessToken
	if code, body := do(t, "POST", first.ControlURL()+"/accounts/"+first.Seeded.AccountID+"/apps", bearer, map[string]string{"name": "Made"}); code != 201 {
		t.Fatalf("create an app: %d %s", code, body)
	}
	if err := first.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, %v; want 0600", st, err)
	}

	second, err := Start(Options{Addr: "127.0.0.1:0", StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if second.Seeded != first.Seeded {
		t.Errorf("credentials after a restart: %+v, want %+v", second.Seeded, first.Seeded)
	}
	_, body := do(t, "GET", second.ControlURL()+"/accounts/"+second.Seeded.AccountID+"/apps", bearer, nil)
	if !strings.Contains(string(body), `"Made"`) || !strings.Contains(string(body), `"Emulator"`) {
		t.Errorf("apps after a restart: %s", body)
	}
	if code, _ := do(t, "POST", second.URL+"/channels/x/messages", basic(second.Seeded.APIKey), map[string]string{"data": "d"}); code != 201 {
		t.Errorf("publish with the kept root key: %d", code)
	}
	if _, err := Start(Options{Addr: "127.0.0.1:0", StatePath: path, Seed: &Seed{}}); err == nil || !strings.Contains(err.Error(), "holds an emulator's state already") {
		t.Errorf("a seed with a state file: %v", err)
	}
	_ = second.Shutdown(context.Background())

	corrupt := []byte("{\n  \"version\": 1,\n  \"seeded\": {oops}\n}\n")
	if err := os.WriteFile(path, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(Options{Addr: "127.0.0.1:0", StatePath: path}); err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "left as it is") {
		t.Errorf("a corrupt state file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(corrupt) {
		t.Errorf("the corrupt file was changed: %q", got)
	}
}
