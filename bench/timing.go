package main

import (
	"fmt"
	"os/exec"
	"slices"
	"time"
)

type command struct {
	name string
	path string
	args []string
}

type result struct {
	wall time.Duration
}

func (c *command) run(env []string) (result, error) {
	cmd := exec.Command(c.path, c.args...)
	cmd.Env = env
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		return result{}, fmt.Errorf("%s: %v", c.name, err)
	}
	if len(out) == 0 {
		return result{}, fmt.Errorf("%s printed nothing", c.name)
	}
	return result{wall: wall}, nil
}

type samples struct {
	walls []time.Duration
}

func (s *samples) add(r result) { s.walls = append(s.walls, r.wall) }

func (s samples) quantile(q float64) time.Duration {
	w := slices.Clone(s.walls)
	slices.Sort(w)
	return w[int(q*float64(len(w)-1)+0.5)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// alternate runs each command n times, one after the other in turn, so that whatever else
// the machine does affects all of them alike. before, when set, runs before every run (e.g.
// to clear a cache) and is not timed.
func alternate(n int, env []string, before func(), cmds ...command) ([]samples, error) {
	for range 3 { // warm the page cache
		for _, c := range cmds {
			if before != nil {
				before()
			}
			_, _ = c.run(env)
		}
	}
	out := make([]samples, len(cmds))
	for range n {
		for i, c := range cmds {
			if before != nil {
				before()
			}
			r, err := c.run(env)
			if err != nil {
				return nil, err
			}
			out[i].add(r)
		}
	}
	return out, nil
}
