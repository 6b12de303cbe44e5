package dispatcher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/termtext"
)

// maxConfigShown bounds what `config show` reads: the config package's own limit.
const maxConfigShown = 1 << 20

// envVar is one environment variable the suite reads.
type envVar struct {
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
}

// envVars are the environment variables the suite reads, what `ably env` lists.
func envVars() []envVar {
	return []envVar{
		{"ABLY_ACCESS_TOKEN", "Control API access token (wins over the profile's)"},
		{"ABLY_API_KEY", "API key APPID.KEYID:SECRET for the data plane and token commands"},
		{"ABLY_TOKEN", "Ably token or JWT for the data plane (wins over ABLY_API_KEY)"},
		{"ABLY_APP_ID", "the app (name or ID) commands act on, instead of the profile's current app"},
		{"ABLY_PROFILE", "the profile (account alias) to use; global flag --profile"},
		{"ABLY_CLI_CONFIG_DIR", "directory of the config file (default ~/.ably); global flag --config-dir"},
		{"ABLY_CONTROL_HOST", "Control API host, or a full base URL; global flag --control-host"},
		{"ABLY_ENDPOINT", "REST and Realtime host, or a full base URL; global flag --endpoint"},
		{"ABLY_VERBOSE", "1: verbose output on stderr; global flag --verbose"},
		{"ABLY_CONTROL_TIMEOUT", "bound of one Control API call, retries included (e.g. 10s; default 30s)"},
		{"ABLY_SKIP_CAPABILITY_CHECK", "1: do not check the access token's capabilities before a Control API call"},
		{"ABLY_PLUGIN_PATH", "directories searched first for ably-<group> plugins (list separated as PATH)"},
		{"ABLY_PLUGIN_METADATA_TIMEOUT", "how long a plugin may take to describe itself (default 2s)"},
		{"ABLY_PLUGIN_COMPLETION_TIMEOUT", "how long a plugin may take to answer shell completion"},
		{"ABLY_CLI_NON_INTERACTIVE", "true: a mistyped group or command runs its closest match instead of failing (destructive commands still need --force)"},
		{"SKIP_CONFIRMATION", "true: the same as ABLY_CLI_NON_INTERACTIVE=true"},
		{"ABLY_BIN", "set by ably for the plugins it runs: the path of the ably binary"},
		{"NO_COLOR", "any value: no colour in human output"},
		{"XDG_CACHE_HOME", "where the plugin metadata cache lives (default ~/.cache)"},
	}
}

// cmdEnv is `ably env [NAME]`: every variable with its meaning, or one with its value's
// presence (never the value: several are secrets).
func cmdEnv(e *Env, _ globals, args []string) (int, error) {
	if wantsHelp(args) {
		builtinHelp(e.Stdout, "env")
		return 0, nil
	}
	format, rest, err := jsonFlags("env", args)
	if err != nil {
		return 0, err
	}
	vars := envVars()
	if len(rest) > 1 {
		return 0, exitcode.Usagef("unexpected argument %q: usage: %s", rest[1], builtinUsage("env"))
	}
	if len(rest) == 1 {
		name := strings.ToUpper(rest[0])
		var found []envVar
		for _, v := range vars {
			if v.Name == name {
				found = append(found, v)
			}
		}
		if len(found) == 0 {
			return 0, exitcode.New(exitcode.NotFound, "the suite reads no variable %s: 'ably env' lists those it does", name)
		}
		vars = found
	}
	if format != humanFormat {
		type shown struct {
			envVar
			Set bool `json:"set"`
		}
		out := make([]shown, len(vars))
		for i, v := range vars {
			out[i] = shown{v, getenv(e.Environ, v.Name) != ""}
		}
		return 0, writeJSON(e.Stdout, out, format == prettyJSONFormat)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	for _, v := range vars {
		set := ""
		if getenv(e.Environ, v.Name) != "" {
			set = " (set)"
		}
		fmt.Fprintf(tw, "%s\t%s%s\n", v.Name, v.Meaning, set)
	}
	return 0, tw.Flush()
}

// configPath is the config file's path: the --config-dir global flag, ABLY_CLI_CONFIG_DIR,
// else ~/.ably/config, as every plugin finds it.
func configPath(e *Env, g globals) (string, error) {
	dir := getenv(setenv(e.Environ, g.env), "ABLY_CLI_CONFIG_DIR")
	if dir == "" {
		home := getenv(e.Environ, "HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return "", exitcode.New(exitcode.Failure, "cannot find the config directory: set ABLY_CLI_CONFIG_DIR or HOME")
			}
		}
		dir = filepath.Join(home, ".ably")
	}
	return filepath.Join(dir, "config"), nil
}

// cmdConfig is `ably config path|show`.
func cmdConfig(e *Env, g globals, args []string) (int, error) {
	if len(args) == 0 || wantsHelp(args) {
		builtinHelp(e.Stdout, "config")
		if len(args) == 0 {
			return 0, exitcode.Usagef("usage: %s", builtinUsage("config"))
		}
		return 0, nil
	}
	sub, args := args[0], args[1:]
	showSecret := false
	var rest []string
	for _, a := range args {
		if a == "--show-secret" && sub == "show" {
			showSecret = true
			continue
		}
		rest = append(rest, a)
	}
	format, rest, err := jsonFlags("config", rest)
	if err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		return 0, exitcode.Usagef("unexpected argument %q: usage: %s", rest[0], builtinUsage("config"))
	}
	path, err := configPath(e, g)
	if err != nil {
		return 0, err
	}
	switch sub {
	case "path":
		_, statErr := os.Stat(path)
		if format != humanFormat {
			return 0, writeJSON(e.Stdout, map[string]any{"path": path, "exists": statErr == nil}, format == prettyJSONFormat)
		}
		fmt.Fprintln(e.Stdout, path)
		return 0, nil
	case "show":
		text, err := readConfigText(path)
		if err != nil {
			return 0, err
		}
		if !showSecret {
			text = maskConfigSecrets(text)
		}
		if format != humanFormat {
			return 0, writeJSON(e.Stdout, map[string]any{"path": path, "exists": true, "contents": text}, format == prettyJSONFormat)
		}
		fmt.Fprintf(e.Stdout, "# Config file: %s\n\n", path)
		for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			fmt.Fprintln(e.Stdout, termtext.Safe(line))
		}
		return 0, nil
	}
	return 0, exitcode.Usagef("unknown config command %q: usage: %s", sub, builtinUsage("config"))
}

func readConfigText(path string) (string, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", exitcode.New(exitcode.NotFound, "no config file at %s: log in with 'ably accounts login' to make one", path)
	case err != nil:
		return "", exitcode.New(exitcode.Failure, "cannot read config file %s: %v", path, err)
	case !st.Mode().IsRegular():
		return "", exitcode.New(exitcode.Failure, "config file %s is not a regular file", path)
	case st.Size() > maxConfigShown:
		return "", exitcode.New(exitcode.Failure, "config file %s is larger than %d bytes", path, maxConfigShown)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", exitcode.New(exitcode.Failure, "cannot read config file %s: %v", path, err)
	}
	return string(b), nil
}

// maskConfigSecrets masks the values of the config's secret keys (access and refresh
// tokens, API keys' secrets, anything named *secret or *password), line by line: both CLIs
// write each key on a line of its own.
func maskConfigSecrets(text string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k := strings.Trim(strings.TrimSpace(key), `"'`)
		lower := strings.ToLower(k)
		v := strings.TrimSpace(value)
		if len(v) < 2 || (v[0] != '"' && v[0] != '\'') {
			continue
		}
		inner := v[1 : len(v)-1]
		switch {
		case lower == "apikey":
			if name, _, found := strings.Cut(inner, ":"); found {
				inner = name + ":****"
			} else {
				inner = "****"
			}
		case lower == "accesstoken" || lower == "refreshtoken" || strings.HasSuffix(lower, "secret") || strings.HasSuffix(lower, "password"):
			inner = "****"
		default:
			continue
		}
		lines[i] = key + "= \"" + inner + "\"\n"
	}
	return strings.Join(lines, "")
}
