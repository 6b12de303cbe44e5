package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/ably/ably-suite/pkg/exitcode"
)

const officialCLIFile = `# written by another tool
[current]
account = "main"

[accounts.main]
accessToken = "tok"
accountId = "acc"
accountName = "Main"
userEmail = "a@example.com"
currentAppId = "app1"
endpoint = "custom.example.com"

[accounts.main.apps.app1]
appName = "One"
apiKey = "app1.k:s"
keyName = "app1.k"
keyId = "k"
keyLabel = "Root"

[accounts.main.oauthSessions.x]
refreshToken = "r"
expiresAt = 1700000000

[helpContext]
conversation = ["a", "b"]
`

func writeFile(t *testing.T, content string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".ably")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := PathIn(dir)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnknownTablesAndKeysSurviveRewrite(t *testing.T) {
	p := writeFile(t, officialCLIFile)
	err := Update(t.Context(), p, func(f *File) error {
		a, ok := f.Account("main")
		if !ok || a.AccessToken != "tok" || a.Apps["app1"].APIKey != "app1.k:s" {
			t.Fatalf("typed view wrong: %+v", a)
		}
		a.CurrentAppID = "app2"
		a.UserEmail = "" // cleared: the key must go
		a.Apps["app2"] = App{APIKey: "app2.k:s2"}
		if err := f.PutAccount("main", a); err != nil {
			return err
		}
		if err := f.PutAccount("second", Account{AccessToken: "tok2"}); err != nil {
			return err
		}
		f.SetCurrent("second")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if _, err := toml.DecodeFile(p, &got); err != nil {
		t.Fatal(err)
	}
	main := got["accounts"].(map[string]any)["main"].(map[string]any)
	checks := map[string]any{
		"endpoint":     main["endpoint"],
		"currentAppId": main["currentAppId"],
		"keyLabel":     main["apps"].(map[string]any)["app1"].(map[string]any)["keyLabel"],
		"refreshToken": main["oauthSessions"].(map[string]any)["x"].(map[string]any)["refreshToken"],
		"helpContext":  fmt.Sprint(got["helpContext"]),
		"current":      got["current"].(map[string]any)["account"],
		"app2 key":     main["apps"].(map[string]any)["app2"].(map[string]any)["apiKey"],
	}
	want := map[string]any{
		"endpoint": "custom.example.com", "currentAppId": "app2", "keyLabel": "Root", "refreshToken": "r",
		"helpContext": "map[conversation:[a b]]", "current": "second", "app2 key": "app2.k:s2",
	}
	for k, v := range want {
		if checks[k] != v {
			t.Errorf("%s = %v, want %v", k, checks[k], v)
		}
	}
	if _, ok := main["userEmail"]; ok {
		t.Errorf("cleared userEmail is still in the file")
	}
}

func TestWritePermissionsAndAtomicity(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", ".ably")
	p := PathIn(dir)
	if err := Update(t.Context(), p, func(f *File) error { return f.PutAccount("a", Account{AccessToken: "t"}) }); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %v (%v), want 0600", st.Mode(), err)
	}
	st, err = os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v (%v), want 0700", st.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

func TestParseErrorNamesLineAndLeavesFile(t *testing.T) {
	bad := "[current]\naccount = \"a\"\n\n[accounts.a\naccessToken = \"t\"\n"
	p := writeFile(t, bad)
	err := Update(t.Context(), p, func(f *File) error { return f.PutAccount("b", Account{}) })
	if err == nil || !strings.Contains(err.Error(), p+", line 4") {
		t.Fatalf("error %v, want one naming %s, line 4", err, p)
	}
	if exitcode.Of(err) != exitcode.Failure {
		t.Errorf("exit code %d, want 1", exitcode.Of(err))
	}
	if data, _ := os.ReadFile(p); string(data) != bad {
		t.Fatalf("file was changed to %q", data)
	}
}

func TestFailedUpdateWritesNothing(t *testing.T) {
	p := writeFile(t, officialCLIFile)
	err := Update(t.Context(), p, func(f *File) error {
		f.DeleteAccount("main")
		return fmt.Errorf("changed my mind")
	})
	if err == nil {
		t.Fatal("want the callback's error")
	}
	if data, _ := os.ReadFile(p); string(data) != officialCLIFile {
		t.Fatal("file changed although the update failed")
	}
}

// Concurrent updates through separate locks (as separate processes would take) lose nothing.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	p := PathIn(filepath.Join(t.TempDir(), ".ably"))
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			alias := fmt.Sprintf("acct%02d", i)
			if err := Update(t.Context(), p, func(f *File) error {
				f.SetCurrent(alias)
				return f.PutAccount(alias, Account{AccessToken: "t" + alias})
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.Aliases()); got != n {
		t.Fatalf("%d accounts after %d concurrent updates", got, n)
	}
}

func TestSelect(t *testing.T) {
	f, err := Load(writeFile(t, officialCLIFile))
	if err != nil {
		t.Fatal(err)
	}
	if alias, a, found, err := f.Select(""); err != nil || !found || alias != "main" || a.AccountID != "acc" {
		t.Fatalf("Select(\"\") = %q %+v %v %v", alias, a, found, err)
	}
	if _, _, _, err := f.Select("nope"); exitcode.Of(err) != exitcode.NotFound || !strings.Contains(err.Error(), "known: main") {
		t.Fatalf("Select(nope) error %v", err)
	}
	empty, _ := Load(filepath.Join(t.TempDir(), "missing"))
	if _, _, found, err := empty.Select(""); found || err != nil {
		t.Fatalf("empty config: found %v err %v", found, err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(officialCLIFile)
	f.Add("[current]\naccount = 1\n")
	f.Add("[accounts]\nx = 1\n")
	f.Add("[accounts.a.apps]\nb = \"c\"\n")
	f.Fuzz(func(t *testing.T, content string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "config")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		err := Update(t.Context(), p, func(f *File) error { return f.PutAccount("fuzz", Account{AccessToken: "t"}) })
		if err != nil {
			if data, _ := os.ReadFile(p); string(data) != content {
				t.Fatalf("a failed update changed the file")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		g, err := Load(p)
		if err != nil {
			t.Fatalf("a written file does not load: %v", err)
		}
		if a, ok := g.Account("fuzz"); !ok || a.AccessToken != "t" {
			t.Fatalf("the update was lost")
		}
	})
}
