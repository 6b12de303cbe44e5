package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// helpWith20Plugins times `ably help` with 20 plugins installed: cold (no metadata cache, so
// every plugin is run) and cached (every answer from the cache).
func (b *bench) helpWith20Plugins() error {
	plugin, err := buildTool(b.dir, "bench-plugin", benchPluginSource)
	if err != nil {
		return err
	}
	pdir := filepath.Join(b.dir, "plugins20")
	if err := os.MkdirAll(pdir, 0o755); err != nil {
		return err
	}
	for i := range 20 {
		if err := os.Link(plugin, filepath.Join(pdir, fmt.Sprintf("ably-bench%02d", i))); err != nil {
			return err
		}
	}
	cache := filepath.Join(b.dir, "help-cache")
	env := []string{"PATH=" + pdir, "HOME=" + filepath.Join(b.dir, "home"), "XDG_CACHE_HOME=" + cache}
	help := command{name: "ably help (20 plugins)", path: filepath.Join(b.bin, "ably"), args: []string{"help"}}

	cold, err := alternate(b.n, env, func() { _ = os.RemoveAll(cache) }, help)
	if err != nil {
		return err
	}
	warm, err := alternate(b.n, env, nil, help)
	if err != nil {
		return err
	}
	c, w := cold[0].quantile(0.5), warm[0].quantile(0.5)
	b.r.heading("`ably help` with 20 plugins")
	b.r.para("Twenty Go plugins (one small binary under twenty names) in the search path; metadata calls run in parallel. Cold: the metadata cache is removed before every run, so every plugin runs. Cached: every answer comes from the cache (keyed by path, size and mtime).")
	b.r.table([]string{"run", "median", "p10", "p90", "target", ""}, [][]string{
		{"cold", ms(c), ms(cold[0].quantile(0.1)), ms(cold[0].quantile(0.9)), "≤ 50 ms", verdict(c <= 50e6)},
		{"cached", ms(w), ms(warm[0].quantile(0.1)), ms(warm[0].quantile(0.9)), "≤ 15 ms", verdict(w <= 15e6)},
	})
	b.helpEnv = env
	return nil
}
