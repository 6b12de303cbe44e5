// Package suggest finds the known words a mistyped one was probably meant to be, for
// "did you mean" hints.
package suggest

import (
	"sort"
	"strings"
)

// Closest returns the best candidate for typed among names, if any is close enough.
func Closest(typed string, names []string) (string, bool) {
	if c := Candidates(typed, names); len(c) > 0 {
		return c[0], true
	}
	return "", false
}

// maxSuggestions bounds the "did you mean" list.
const maxSuggestions = 5

// Candidates returns the names typed was probably meant to be: those a few edits away (an
// adjacent swap counts as one edit, so "auht" finds "auth") and those it is a prefix of
// ("ap" finds "apps"). Closest first.
func Candidates(typed string, names []string) []string {
	type scored struct {
		name string
		dist int
	}
	var found []scored
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] || name == typed {
			continue
		}
		seen[name] = true
		d := Distance(typed, name)
		switch {
		case d <= maxEdits(typed):
			found = append(found, scored{name, d})
		case len(typed) >= 2 && strings.HasPrefix(name, typed):
			found = append(found, scored{name, d})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < maxSuggestions; i++ {
		out = append(out, found[i].name)
	}
	return out
}

// maxEdits is how far a suggestion may be: short words allow fewer edits, or everything
// would look alike.
func maxEdits(typed string) int {
	if len(typed) <= 3 {
		return 1
	}
	return 2
}

// Distance is the optimal string alignment distance between a and b: insertions,
// deletions, substitutions and swaps of adjacent characters each cost one.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j]; three rows are enough.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Environment variables that make a mistyped command run its closest match instead of
// failing, as in Ably's official CLI: for scripts and agents that would answer "Did you
// mean ...?" with yes. They never skip the confirmation of a destructive command: that is
// --force.
const (
	EnvNonInteractive   = "ABLY_CLI_NON_INTERACTIVE"
	EnvSkipConfirmation = "SKIP_CONFIRMATION"
)

// RunClosest reports whether getenv asks for a mistyped command to run its closest match
// (either variable set to "true").
func RunClosest(getenv func(string) string) bool {
	return getenv(EnvNonInteractive) == "true" || getenv(EnvSkipConfirmation) == "true"
}
