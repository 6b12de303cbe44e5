package dispatcher

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/pluginpath"
	"github.com/ably/ably-suite/pkg/protocol"
)

// Shell completion.
//
// The scripts `ably completion bash|zsh|fish` prints do no work themselves: on every TAB
// they run
//
//	ably __complete <word>... <current>
//
// with the words typed after `ably`, the last one being the word under the cursor (possibly
// empty), and offer each line it prints. ably completes global flags, group names and the
// built-ins itself. Inside a group it asks the plugin, which is how third-party plugins
// complete too. The delegation protocol, which a plugin in any language can implement:
//
//	ably-<group> <args>... [<current>] --generate-bash-completion
//
// <args> are the complete words after the group; <current> is passed only when it starts
// with "-" (the user is completing a flag). The plugin prints one candidate per line on
// stdout and exits 0; it must not prompt, read config it does not need, or use the network
// slowly: it is killed after defaultCompletionTimeout (ABLY_PLUGIN_COMPLETION_TIMEOUT), and at most 64 KiB of output is read. Its
// environment is the user's plus the variables of any global flags typed (ABLY_PROFILE,
// ...) and ABLY_BIN, as for a normal run. ably keeps the lines that start with <current>.
//
// This is the convention of github.com/urfave/cli/v2 with EnableBashCompletion set, so a
// plugin built on it completes with no extra code.
const completionFlag = "--generate-bash-completion"

// defaultCompletionTimeout bounds a plugin's completion answer: the user is waiting at a
// prompt. ABLY_PLUGIN_COMPLETION_TIMEOUT changes it (for slow machines and race-built tests).
const defaultCompletionTimeout = time.Second

const completionHelp = `Prints a script that makes the shell complete ably's command line, including the
commands and flags of every plugin. Load it in the current shell:

  bash:  source <(ably completion bash)
  zsh:   source <(ably completion zsh)
  fish:  ably completion fish | source

or install it where the shell looks for completions (see the comment at the top of each script).`

var completionScripts = map[string]string{
	"bash": `# bash completion for ably.
# Load it with:  source <(ably completion bash)
# or install it: ably completion bash > ~/.local/share/bash-completion/completions/ably
_ably_complete() {
    local IFS=$'\n'
    COMPREPLY=($("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _ably_complete ably
`,
	"zsh": `#compdef ably
# zsh completion for ably.
# Load it with:  source <(ably completion zsh)
# or install it as _ably in a directory of your $fpath.
_ably() {
  local -a candidates
  candidates=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=(${candidates:#})
  if (( ${#candidates} )); then
    compadd -- "${candidates[@]}"
  else
    _files
  fi
}
if [[ "${funcstack[1]}" = "_ably" ]]; then
  _ably "$@"
else
  compdef _ably ably
fi
`,
	"fish": `# fish completion for ably.
# Load it with:  ably completion fish | source
# or install it: ably completion fish > ~/.config/fish/completions/ably.fish
function __ably_complete
    set -l words (commandline -opc)
    set -e words[1]
    ably __complete $words (commandline -ct) 2>/dev/null
end
complete -c ably -f -a '(__ably_complete)'
`,
}

func cmdCompletion(e *Env, _ globals, args []string) (int, error) {
	if wantsHelp(args) {
		builtinHelp(e.Stdout, "completion")
		return 0, nil
	}
	if len(args) != 1 {
		return 0, exitcode.Usagef("usage: ably completion bash|zsh|fish")
	}
	script, ok := completionScripts[args[0]]
	if !ok {
		return 0, exitcode.Usagef("unsupported shell %q: usage: ably completion bash|zsh|fish", args[0])
	}
	_, err := fmt.Fprint(e.Stdout, script)
	return 0, err
}

// cmdComplete is `ably __complete <word>... <current>`. It always succeeds: a completion
// that fails offers nothing rather than printing errors into the user's prompt.
func cmdComplete(e *Env, _ globals, words []string) (int, error) {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, done := words[len(words)-1], words[:len(words)-1]
	for _, c := range completions(e, done, cur) {
		if strings.HasPrefix(c, cur) {
			fmt.Fprintln(e.Stdout, c)
		}
	}
	return 0, nil
}

// completions lists the candidates for the word after done (not yet filtered by prefix).
func completions(e *Env, done []string, cur string) []string {
	// Skip the global flags, and their values, before the group.
	i := 0
	for i < len(done) {
		w := done[i]
		if w == "--" {
			i++
			break
		}
		if !strings.HasPrefix(w, "-") || w == "-" {
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if f := lookupGlobal(w, name); f != nil && f.Arg != "" && !hasValue {
			i++ // its value
		}
		i++
	}
	switch {
	case i > len(done):
		// cur is a global flag's value. Profile names are the accounts group's to offer: it
		// reads the config file, which the dispatcher never parses.
		if done[len(done)-1] == "--profile" {
			return pluginCompletions(e, done[:len(done)-1], "accounts", []string{"switch"}, cur)
		}
		return nil
	case i == len(done):
		if strings.HasPrefix(cur, "-") {
			return globalFlagWords()
		}
		return knownNames(e)
	}
	group, args := done[i], done[i+1:]
	switch group {
	case "help":
		if len(args) == 0 {
			return knownNames(e)
		}
		return nil
	case "version":
		return []string{"--json", "--pretty-json"}
	case "plugin":
		switch {
		case len(args) == 0:
			return []string{"list"}
		case len(args) >= 1 && args[0] == "list":
			if strings.HasPrefix(cur, "-") {
				return []string{"--json", "--pretty-json"}
			}
			return knownNames(e)
		}
		return nil
	case "completion":
		if len(args) == 0 {
			return []string{"bash", "fish", "zsh"}
		}
		return nil
	}
	if isBuiltin(group) || !protocol.ValidGroupName(group) {
		return nil
	}
	return pluginCompletions(e, done[:i], group, args, cur)
}

// pluginCompletions asks ably-<group> for its candidates (see the protocol above).
func pluginCompletions(e *Env, globalArgs []string, group string, args []string, cur string) []string {
	path, err := pluginpath.Find(group, searchDirs(e))
	if err != nil {
		return nil
	}
	g, _, err := parseGlobals(globalArgs)
	if err != nil {
		return nil
	}
	req := append([]string(nil), args...)
	if strings.HasPrefix(cur, "-") {
		req = append(req, cur)
	}
	req = append(req, completionFlag)
	out, err := runCapped(context.Background(), path, req, childEnv(e, g), timeoutSetting(e, "ABLY_PLUGIN_COMPLETION_TIMEOUT", defaultCompletionTimeout))
	if err != nil {
		return nil
	}
	var cands []string
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimRight(line, "\r"); line != "" {
			cands = append(cands, line)
		}
	}
	return cands
}

// globalFlagWords is every spelling of the global flags, for completing "-".
func globalFlagWords() []string {
	var words []string
	for _, f := range globalFlags() {
		words = append(words, "--"+f.Name)
		if f.Short != "" {
			words = append(words, "-"+f.Short)
		}
	}
	return words
}
