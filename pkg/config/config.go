// Package config reads and writes the suite's profiles: the TOML file shared with Ably's
// official CLI ($ABLY_CLI_CONFIG_DIR/config, default ~/.ably/config).
//
// A profile is an account alias. The file is read into two views: a raw tree, so that every
// table and key this suite does not know survives a rewrite, and the typed Account values
// commands use. Writes are atomic (temp file, fsync, rename), 0600 in a 0700 directory, and
// serialised between processes by a lock file, so parallel commands never lose an update.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/userfile"
)

// App is what a profile keeps about one app: its name and the API key in use for it.
type App struct {
	AppName string `toml:"appName,omitempty"`
	APIKey  string `toml:"apiKey,omitempty"`
	KeyID   string `toml:"keyId,omitempty"`
	KeyName string `toml:"keyName,omitempty"`
}

// Account is one profile: an account's access token and what the suite knows of it.
type Account struct {
	AccessToken  string         `toml:"accessToken,omitempty"`
	AccountID    string         `toml:"accountId,omitempty"`
	AccountName  string         `toml:"accountName,omitempty"`
	UserEmail    string         `toml:"userEmail,omitempty"`
	CurrentAppID string         `toml:"currentAppId,omitempty"`
	Endpoint     string         `toml:"endpoint,omitempty"` // the REST/Realtime host, as the official CLI keeps it
	Apps         map[string]App `toml:"apps,omitempty"`
	// ControlHost is the Control API's host name, as the official CLI keeps it (a host
	// only: it prefixes https://).
	ControlHost string `toml:"controlHost,omitempty"`
	// AuthMethod is "oauth" for a login the official CLI made with its OAuth flow, whose
	// tokens are in the [oauthSessions] table OAuthSessionKey names; "" for an access token
	// kept in AccessToken.
	AuthMethod      string `toml:"authMethod,omitempty"`
	OAuthSessionKey string `toml:"oauthSessionKey,omitempty"`

	// This suite's additions: a Control API base that is a full URL (a development server,
	// which the official CLI could not use as its controlHost), and what GET /me said of the
	// token (capabilities and expiry), cached so that most commands make no extra call.
	ControlURL        string   `toml:"controlBaseUrl,omitempty"`
	UserID            int64    `toml:"userId,omitempty,omitzero"`
	TokenID           string   `toml:"tokenId,omitempty"`
	TokenName         string   `toml:"tokenName,omitempty"`
	TokenCapabilities []string `toml:"tokenCapabilities,omitempty"`
	TokenExpiresAt    string   `toml:"tokenExpiresAt,omitempty"` // RFC 3339; "" never expires
	TokenCheckedAt    string   `toml:"tokenCheckedAt,omitempty"` // RFC 3339: when GET /me was read
}

// AuthOAuth is the AuthMethod of an account logged in with the official CLI's OAuth flow.
const AuthOAuth = "oauth"

// ControlBase is where the account's Control API is: the full URL when one was stored,
// else the host name, else "".
func (a Account) ControlBase() string {
	if a.ControlURL != "" {
		return a.ControlURL
	}
	return a.ControlHost
}

// SetControlBase stores where the account's Control API is: a host name (or host:port) in
// controlHost, which the official CLI reads; a full URL in this suite's own key, leaving
// controlHost alone.
func (a *Account) SetControlBase(v string) {
	if strings.Contains(v, "://") {
		a.ControlURL = v
		return
	}
	a.ControlHost, a.ControlURL = v, ""
}

// OAuthSession is the official CLI's record of an OAuth login, [oauthSessions."<key>"],
// shared by the aliases of one user and OAuth host. This suite reads it and never changes
// it (it does not refresh tokens); logging out its last alias removes it.
type OAuthSession struct {
	AccessToken          string
	RefreshToken         string
	AccessTokenExpiresAt int64 // ms since the epoch; 0 unknown
	Scope                string
}

// OAuthSession reads the session stored under key.
func (f *File) OAuthSession(key string) (OAuthSession, bool) {
	sessions, _ := f.raw["oauthSessions"].(map[string]any)
	t, ok := sessions[key].(map[string]any)
	if !ok {
		return OAuthSession{}, false
	}
	str := func(k string) string { v, _ := t[k].(string); return v }
	s := OAuthSession{AccessToken: str("accessToken"), RefreshToken: str("refreshToken"), Scope: str("oauthScope")}
	switch v := t["accessTokenExpiresAt"].(type) {
	case int64:
		s.AccessTokenExpiresAt = v
	case float64:
		s.AccessTokenExpiresAt = int64(v)
	}
	return s, true
}

// OAuthSessionUsers are the aliases whose accounts use the session under key, sorted.
func (f *File) OAuthSessionUsers(key string) []string {
	var users []string
	for _, alias := range f.Aliases() {
		if a := f.typed.Accounts[alias]; a.AuthMethod == AuthOAuth && a.OAuthSessionKey == key {
			users = append(users, alias)
		}
	}
	return users
}

// DeleteOAuthSession removes the session under key (and the [oauthSessions] table when it
// was the last).
func (f *File) DeleteOAuthSession(key string) {
	sessions, _ := f.raw["oauthSessions"].(map[string]any)
	delete(sessions, key)
	if sessions != nil && len(sessions) == 0 {
		delete(f.raw, "oauthSessions")
	}
}

// model is the typed view of the file.
type model struct {
	Current struct {
		Account string `toml:"account"`
	} `toml:"current"`
	Accounts map[string]Account `toml:"accounts"`
}

// File is a loaded config file. Read it with the accessors; change it only inside Update.
type File struct {
	Path   string
	raw    map[string]any
	typed  model
	exists bool
	// Warnings are problems worth telling the user that do not stop the command, such as a
	// file other users can read.
	Warnings []string
}

// EnvDir names the environment variable that moves the config directory.
const EnvDir = "ABLY_CLI_CONFIG_DIR"

// Dir is where the config file is stored: $ABLY_CLI_CONFIG_DIR, else ~/.ably (HOME from
// getenv first, so tests and plugins with their own environment agree).
func Dir(getenv func(string) string) (string, error) {
	if d := getenv(EnvDir); d != "" {
		return d, nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", exitcode.New(exitcode.Failure, "cannot find the config directory: set %s or HOME", EnvDir)
		}
	}
	return filepath.Join(home, ".ably"), nil
}

// PathIn is the config file's path in dir.
func PathIn(dir string) string { return filepath.Join(dir, "config") }

// Load reads the config file at path. A missing file is an empty config, not an error.
// A file that does not parse, or is beyond MaxFileSize or MaxDepth, is an error naming the
// file (and the line, when there is one).
func Load(path string) (*File, error) {
	data, err := userfile.Read(path, MaxFileSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return parse(path, nil, false)
	case errors.Is(err, userfile.ErrTooLarge):
		return nil, tooLargeError(path)
	case errors.Is(err, userfile.ErrNotRegular):
		return nil, exitcode.New(exitcode.Failure, "config file %s: %v: it must be a regular file (or a symbolic link to one)", path, err)
	case err != nil:
		return nil, exitcode.New(exitcode.Failure, "cannot read config file %s: %v", path, err)
	}
	if err := checkShape(path, data); err != nil {
		return nil, err
	}
	f, err := parse(path, data, true)
	if err != nil {
		return nil, err
	}
	f.Warnings = PermissionWarnings(path)
	return f, nil
}

// PermissionWarnings says when the config file, which holds access tokens and API keys, or
// its directory can be read by other users. Load reports them; a command that stores a new
// secret without reading through Load (accounts login) asks after writing.
func PermissionWarnings(path string) []string {
	var w []string
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		w = append(w, fmt.Sprintf("config file %s is readable by other users (mode %04o) and holds secrets: run 'chmod 600 %s'", path, st.Mode().Perm(), path))
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err == nil && st.Mode().Perm()&0o077 != 0 {
		w = append(w, fmt.Sprintf("config directory %s is open to other users (mode %04o): run 'chmod 700 %s'", dir, st.Mode().Perm(), dir))
	}
	return w
}

// parse reads data once into the tree of every table and key (kept for rewrites) and
// decodes the tables this suite models from that same tree.
func parse(path string, data []byte, exists bool) (*File, error) {
	f := &File{Path: path, raw: map[string]any{}, exists: exists}
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return nil, parseError(path, data, err)
	}
	for k, p := range top {
		var v any
		if err := md.PrimitiveDecode(p, &v); err != nil {
			return nil, parseError(path, data, err)
		}
		f.raw[k] = v
	}
	if p, ok := top["current"]; ok {
		if err := md.PrimitiveDecode(p, &f.typed.Current); err != nil {
			return nil, parseError(path, data, fmt.Errorf("[current]: %w", err))
		}
	}
	if p, ok := top["accounts"]; ok {
		if err := md.PrimitiveDecode(p, &f.typed.Accounts); err != nil {
			return nil, parseError(path, data, fmt.Errorf("[accounts]: %w", err))
		}
	}
	if f.typed.Accounts == nil {
		f.typed.Accounts = map[string]Account{}
	}
	return f, nil
}

func parseError(path string, data []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		// The line of the offending byte: the parser counts a newline it choked on as the
		// start of the next line.
		line := pe.Position.Line
		if start := pe.Position.Start; start >= 0 && start <= len(data) {
			line = 1 + bytes.Count(data[:start], []byte("\n"))
		}
		return exitcode.New(exitcode.Failure,
			"config file %s, line %d: %s (the file was left as it is: fix or remove it)",
			path, line, pe.Message)
	}
	return exitcode.New(exitcode.Failure,
		"config file %s: %v (the file was left as it is: fix or remove it)", path, err)
}

// Exists reports whether the file was on disk when loaded.
func (f *File) Exists() bool { return f.exists }

// CurrentAlias is the alias of the current account ("" when none is set).
func (f *File) CurrentAlias() string { return f.typed.Current.Account }

// Aliases lists the account aliases, sorted.
func (f *File) Aliases() []string {
	as := make([]string, 0, len(f.typed.Accounts))
	for a := range f.typed.Accounts {
		as = append(as, a)
	}
	sort.Strings(as)
	return as
}

// Account returns the account stored under alias.
func (f *File) Account(alias string) (Account, bool) {
	a, ok := f.typed.Accounts[alias]
	return a, ok
}

// SetCurrent makes alias the current account.
func (f *File) SetCurrent(alias string) {
	f.typed.Current.Account = alias
	current := subTable(f.raw, "current")
	if alias == "" {
		delete(current, "account")
	} else {
		current["account"] = alias
	}
}

// PutAccount stores a under alias. Keys of the account's table that Account does not model
// are kept as they were.
func (f *File) PutAccount(alias string, a Account) error {
	fields, err := toTable(a)
	if err != nil {
		return err
	}
	table := subTable(subTable(f.raw, "accounts"), alias)
	mergeKnown(table, fields, knownKeys(reflect.TypeOf(Account{})))
	// Apps: merge each app's table the same way, and drop apps no longer present.
	rawApps := subTable(table, "apps")
	typedApps, _ := fields["apps"].(map[string]any)
	for id := range rawApps {
		if _, ok := a.Apps[id]; !ok {
			delete(rawApps, id)
		}
	}
	for id := range a.Apps {
		appFields, _ := typedApps[id].(map[string]any)
		mergeKnown(subTable(rawApps, id), appFields, knownKeys(reflect.TypeOf(App{})))
	}
	if len(rawApps) == 0 {
		delete(table, "apps")
	}
	f.typed.Accounts[alias] = a
	return nil
}

// DeleteAccount removes the account stored under alias, and clears it as current.
func (f *File) DeleteAccount(alias string) {
	delete(f.typed.Accounts, alias)
	delete(subTable(f.raw, "accounts"), alias)
	if f.CurrentAlias() == alias {
		f.SetCurrent("")
	}
}

// encode renders the raw tree, unknown tables included, about as compactly as it was read:
// without indentation, and without a header for a table that holds only tables (the
// encoder writes one for every level, so a deep header would otherwise be written once per
// level on every rewrite).
func (f *File) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := toml.NewEncoder(&buf)
	enc.Indent = ""
	if err := enc.Encode(f.raw); err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	return dropBareHeaders(buf.Bytes()), nil
}

// dropBareHeaders removes from the encoder's output each [table] header directly followed
// by the header of one of its own subtables: such a table has no keys of its own, and the
// subtable's header defines it implicitly. (The encoder writes every string on one line, so
// a line starting with '[' is a header.)
func dropBareHeaders(text []byte) []byte {
	lines := bytes.SplitAfter(text, []byte("\n"))
	out := make([]byte, 0, len(text))
	for i := 0; i < len(lines); i++ {
		inner, ok := tableHeader(lines[i])
		if ok {
			j := i + 1
			for j < len(lines) && len(bytes.TrimSpace(lines[j])) == 0 {
				j++
			}
			if j < len(lines) && isSubtable(headerPath(lines[j]), inner) {
				i = j - 1 // drop the header and the blank lines after it
				continue
			}
		}
		if headerPath(lines[i]) != nil && len(out) > 0 && !bytes.HasSuffix(out, []byte("\n\n")) {
			out = append(out, '\n') // a blank line before each table, for people
		}
		out = append(out, lines[i]...)
	}
	return out
}

// isSubtable reports whether the header path sub names a table inside the table parent.
func isSubtable(sub, parent []byte) bool {
	return len(sub) > len(parent) && bytes.HasPrefix(sub, parent) && sub[len(parent)] == '.'
}

// tableHeader returns the path of a [table] header line (not an [[array]] one).
func tableHeader(line []byte) ([]byte, bool) {
	l := bytes.TrimSpace(line)
	if !bytes.HasPrefix(l, []byte("[")) || bytes.HasPrefix(l, []byte("[[")) || !bytes.HasSuffix(l, []byte("]")) {
		return nil, false
	}
	return l[1 : len(l)-1], true
}

// headerPath returns the path of a [table] or [[array]] header line, nil for other lines.
func headerPath(line []byte) []byte {
	l := bytes.TrimSpace(line)
	if bytes.HasPrefix(l, []byte("[[")) && bytes.HasSuffix(l, []byte("]]")) {
		return l[2 : len(l)-2]
	}
	if p, ok := tableHeader(l); ok {
		return p
	}
	return nil
}

// subTable returns m[key] as a table, creating it (or replacing a non-table) when needed.
func subTable(m map[string]any, key string) map[string]any {
	if t, ok := m[key].(map[string]any); ok {
		return t
	}
	t := map[string]any{}
	m[key] = t
	return t
}

// mergeKnown sets each known key of dst from src, deleting known keys src leaves out; other
// keys of dst are not touched. Nested tables (apps) are merged by the caller.
func mergeKnown(dst, src map[string]any, known []string) {
	for _, k := range known {
		if k == "apps" {
			continue
		}
		if v, ok := src[k]; ok {
			dst[k] = v
		} else {
			delete(dst, k)
		}
	}
}

// toTable converts a typed value to the TOML tree it would be written as.
func toTable(v any) (map[string]any, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	m := map[string]any{}
	if _, err := toml.Decode(buf.String(), &m); err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	return m, nil
}

// knownKeys lists the TOML keys a struct type models.
func knownKeys(t reflect.Type) []string {
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		keys = append(keys, name)
	}
	return keys
}

// New is a config file at path holding the accounts given, not yet written: for tests, and
// for code that builds a file before its first write.
func New(path, current string, accounts map[string]Account) (*File, error) {
	f, err := parse(path, nil, false)
	if err != nil {
		return nil, err
	}
	for alias, a := range accounts {
		if err := f.PutAccount(alias, a); err != nil {
			return nil, err
		}
	}
	f.SetCurrent(current)
	return f, nil
}
