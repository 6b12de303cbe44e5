package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/controltest"
)

// requestsPerCommand runs Control API commands against an in-process fake and counts the
// HTTP requests each makes. A warm profile must make no request beyond the call itself.
func requestsPerCommand(bin, home string) error {
	srv := controltest.New()
	defer srv.Close()
	env := []string{
		"PATH=" + bin, "HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + filepath.Join(home, ".ably"),
		"ABLY_CONTROL_HOST=" + srv.URL, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
	}
	steps := []struct {
		what string
		args []string
		want int
	}{
		{"ably accounts login (checks the token)", []string{"accounts", "login", "--token", controltest.DefaultToken}, 1},
		{"ably accounts current (warm profile)", []string{"accounts", "current"}, 0},
		{"ably accounts current --refresh", []string{"accounts", "current", "--refresh"}, 1},
	}
	fmt.Println("\nHTTP requests per command (against the fake Control API):")
	for _, st := range steps {
		srv.ResetRequests()
		cmd := exec.Command(filepath.Join(bin, "ably"), st.args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v: %s", st.what, err, out)
		}
		got := len(srv.Requests())
		verdict := "ok"
		if got != st.want {
			verdict = fmt.Sprintf("EXPECTED %d", st.want)
		}
		fmt.Printf("  %-45s %d  %s\n", st.what, got, verdict)
	}
	return nil
}

// clientOverhead compares a warm ListApps through the client with the same GET made with
// bare net/http against the same local fake: the difference is what the client adds.
func clientOverhead() error {
	srv := controltest.New()
	defer srv.Close()
	base, err := control.BaseURL(srv.URL)
	if err != nil {
		return err
	}
	c, err := control.New(control.Options{BaseURL: base, Token: controltest.DefaultToken})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if _, err := c.TokenInfo(ctx); err != nil { // warm the token cache, as a profile would be
		return err
	}
	url := strings.TrimSuffix(srv.URL, "/") + "/accounts/" + controltest.DefaultAccountID + "/apps"
	raw := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer "+controltest.DefaultToken)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body) // so the connection is reused, as the client's is
			res.Body.Close()
		}
	})
	viaClient := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			if _, err := c.ListApps(ctx, controltest.DefaultAccountID); err != nil {
				b.Fatal(err)
			}
		}
	})
	fmt.Printf("\nControl API call against the local fake (warm token cache):\n")
	fmt.Printf("  bare net/http GET        %7.1f µs\n", float64(raw.NsPerOp())/1e3)
	fmt.Printf("  control.Client.ListApps  %7.1f µs  (client overhead %.1f µs a call)\n",
		float64(viaClient.NsPerOp())/1e3, float64(viaClient.NsPerOp()-raw.NsPerOp())/1e3)
	return nil
}
