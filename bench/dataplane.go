package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// dataPlane times `ably channels publish` of one message end to end against the fake REST
// API, side by side with `ably auth issue-jwt-token` (which makes no request: the process
// start floor of a command with a key), checks that a publish makes one request and writes
// no config, and measures publish throughput and history across pages.
func (b *bench) dataPlane() error {
	const key = "benchApp.benchKey:0123456789abcdef0123456789abcdef"
	srv := realtimetest.New(realtimetest.WithREST(resttest.WithKeys(func(name string) (resttest.Key, bool) {
		return resttest.Key{Key: key}, name == "benchApp.benchKey"
	})))
	defer srv.Close()
	home := filepath.Join(b.dir, "dp-home")
	env := []string{
		"PATH=" + b.bin, "HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + filepath.Join(home, ".ably"),
		"ABLY_API_KEY=" + key, "ABLY_ENDPOINT=" + srv.URL, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
	}
	ably := filepath.Join(b.bin, "ably")
	publish := command{name: "ably channels publish bench hello", path: ably, args: []string{"channels", "publish", "bench", "hello"}}
	issue := command{name: "ably auth issue-jwt-token --token-only", path: ably, args: []string{"auth", "issue-jwt-token", "--token-only"}}
	s, err := alternate(b.n, env, nil, issue, publish)
	if err != nil {
		return err
	}
	mi, mp := s[0].quantile(0.5), s[1].quantile(0.5)

	srv.ResetRequests()
	if err := runQuiet(env, ably, "channels", "publish", "bench", "one request"); err != nil {
		return err
	}
	requests := len(srv.Requests())
	_, statErr := os.Stat(filepath.Join(home, ".ably"))
	noConfig := os.IsNotExist(statErr)

	// Throughput: --count 1000 --delay 0 over REST and over Realtime (the default for
	// --count), median of 5 runs each.
	bulk := command{name: "ably channels publish --count 1000 --delay 0 --transport rest", path: ably, args: []string{"channels", "publish", "--count", "1000", "--delay", "0", "--transport", "rest", "bulk", "n{{.Count}}"}}
	bulkRT := command{name: "ably channels publish --count 1000 --delay 0 (Realtime)", path: ably, args: []string{"channels", "publish", "--count", "1000", "--delay", "0", "bulk-rt", "n{{.Count}}"}}
	bs, err := alternate(5, env, nil, bulk, bulkRT)
	if err != nil {
		return err
	}
	mb, mbRT := bs[0].quantile(0.5), bs[1].quantile(0.5)

	// History: 2500 messages seeded, read 1000 (one page) and 2500 (three pages).
	for i := 0; i < 2500; i += 500 {
		msgs := make([]resttest.Message, 500)
		for j := range msgs {
			msgs[j] = resttest.Message{Name: "m", Data: []byte(fmt.Sprintf(`"message %d"`, i+j))}
		}
		srv.Publish("long", msgs...)
	}
	h1 := command{name: "ably channels history --limit 1000 (1 page)", path: ably, args: []string{"channels", "history", "long", "--limit", "1000", "--json"}}
	h3 := command{name: "ably channels history --limit 2500 (3 pages)", path: ably, args: []string{"channels", "history", "long", "--limit", "2500", "--json"}}
	hs, err := alternate(max(b.n/3, 10), env, nil, h1, h3)
	if err != nil {
		return err
	}

	b.r.heading("Data plane: `ably channels` against the fake REST API")
	b.r.para("Both commands through `ably`, alternating, with the key in the environment and the fake REST API over loopback. `issue-jwt-token` makes no request, so the ratio is what one publish (one HTTP request and its answer) adds to a command's start.")
	rows := [][]string{}
	for i, c := range []command{issue, publish} {
		rows = append(rows, []string{"`" + c.name + "`", ms(s[i].quantile(0.5)), ms(s[i].quantile(0.1)), ms(s[i].quantile(0.9))})
	}
	for i, c := range []command{h1, h3} {
		rows = append(rows, []string{"`" + c.name + "`", ms(hs[i].quantile(0.5)), ms(hs[i].quantile(0.1)), ms(hs[i].quantile(0.9))})
	}
	for i, c := range []command{bulk, bulkRT} {
		rows = append(rows, []string{"`" + c.name + "`", ms(bs[i].quantile(0.5)), ms(bs[i].quantile(0.1)), ms(bs[i].quantile(0.9))})
	}
	b.r.table([]string{"command", "median", "p10", "p90"}, rows)
	ratio := float64(mp) / float64(mi)
	b.r.table([]string{"figure", "value", "target", ""}, [][]string{
		{"publish / issue-jwt-token", fmt.Sprintf("%.2f", ratio), "≤ 1.5", verdict(ratio <= 1.5)},
		{"HTTP requests of one publish", fmt.Sprint(requests), "1", verdict(requests == 1)},
		{"config written by a publish", map[bool]string{true: "none", false: "**written**"}[noConfig], "none", verdict(noConfig)},
		{"publish --count 1000 --delay 0 over REST", fmt.Sprintf("%.0f messages/s", 1000/mb.Seconds()), "", ""},
		{"publish --count 1000 --delay 0 over Realtime", fmt.Sprintf("%.0f messages/s", 1000/mbRT.Seconds()), "", ""},
		{"history of 2500 messages, 3 pages", fmt.Sprintf("%.0f messages/s", 2500/hs[1].quantile(0.5).Seconds()), "", ""},
	})
	return nil
}

func runQuiet(env []string, path string, args ...string) error {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", filepath.Base(path), strings.Join(args, " "), err, out)
	}
	return nil
}
