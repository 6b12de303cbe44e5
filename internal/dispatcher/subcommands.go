package dispatcher

import (
	"slices"
	"strings"
)

// Subcommand plugins. ably-apps-foo adds `ably apps foo` to the apps group: ably-apps (its
// framework, pkg/plugin) runs it when apps has no command foo. Here ably only places such
// plugins for help and plugin list: which group each extends and under which words.

// placeSubcommands marks each candidate whose name extends a valid group plugin's name
// (apps-foo, with ably-apps valid) as a subcommand of that group, and finds the words that
// run it from the commands the group declares in its metadata: ably-apps-channel-rules-foo
// is `apps channel-rules foo` when apps has a command group channel-rules. A plugin that
// names one of the group's own commands is invalid: the group's command always wins. It runs
// after fetchMetadata, which gives the groups' command lists.
func placeSubcommands(cands []*Candidate) {
	// Shorter names first: a group is a valid plugin that extends no other group.
	byLength := slices.Clone(cands)
	slices.SortStableFunc(byLength, func(a, b *Candidate) int { return len(a.Name) - len(b.Name) })
	groups := map[string]*Candidate{}
	for _, c := range byLength {
		group := longestGroupPrefix(c.Name, groups)
		if group == nil {
			if c.Status == statusOK {
				groups[c.Name] = c
			}
			continue
		}
		words := subcommandWords(strings.TrimPrefix(c.Name, group.Name+"-"), group.Meta.Commands)
		c.Command = append([]string{group.Name}, words...)
		if c.Status == statusOK && hasCommand(group.Meta.Commands, words) {
			c.Status, c.Reason = statusInvalid, "'ably "+strings.Join(c.Command, " ")+"' is the group's own command, which always wins: this plugin never runs"
		}
	}
}

// longestGroupPrefix is the group plugin whose name is the longest dash-separated proper
// prefix of name ("apps" for "apps-foo"), or nil.
func longestGroupPrefix(name string, groups map[string]*Candidate) *Candidate {
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '-' {
			if g := groups[name[:i]]; g != nil {
				return g
			}
		}
	}
	return nil
}

// subcommandWords splits rest ("channel-rules-foo") into command words by the group's own
// command groups: each leading part that names one (longest first) is a word, and what
// remains is the plugin's own word. commands are the group's command paths, words joined by
// spaces ("channel-rules", "channel-rules list").
func subcommandWords(rest string, commands []string) []string {
	var path []string
	for {
		parts := strings.Split(rest, "-")
		found := false
		for k := len(parts) - 1; k > 0 && !found; k-- {
			word := strings.Join(parts[:k], "-")
			if isCommandGroup(commands, append(path, word)) {
				path = append(path, word)
				rest = strings.Join(parts[k:], "-")
				found = true
			}
		}
		if !found {
			return append(path, rest)
		}
	}
}

// isCommandGroup reports whether path names a command of the group that has subcommands.
func isCommandGroup(commands []string, path []string) bool {
	prefix := strings.Join(path, " ") + " "
	for _, c := range commands {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// hasCommand reports whether path names one of the group's own commands.
func hasCommand(commands []string, path []string) bool {
	want := strings.Join(path, " ")
	for _, c := range commands {
		if c == want {
			return true
		}
	}
	return false
}
