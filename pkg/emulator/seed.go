package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/controltest"
)

// Seed is what an emulator starts with instead of its default account (a --seed file, JSON):
//
//	{
//	  "account": {"id": "acc-1", "name": "Acme"},
//	  "user": {"email": "dev@acme.example"},
//	  "apps": [{
//	    "id": "chat01", "name": "Chat", "tlsOnly": false,
//	    "keys": [{"name": "Root", "key": "chat01.root01:SECRET", "capability": {"*": ["*"]}, "revocableTokens": true}],
//	    "namespaces": [{"id": "logs", "persisted": true}]
//	  }],
//	  "accessTokens": [{"token": "...", "name": "CI", "capabilities": ["read:app", "write:key"], "expiresAt": "2027-01-01T00:00:00Z"}]
//	}
//
// Every field is optional: an app without "id" gets one, a key without "key" a random
// secret, without "capability" every capability; without accessTokens the emulator makes one
// with every capability. The first app's first key and the first access token are what Env
// gives.
type Seed struct {
	Account      *SeedAccount      `json:"account"`
	User         *SeedUser         `json:"user"`
	Apps         []SeedApp         `json:"apps"`
	AccessTokens []SeedAccessToken `json:"accessTokens"`
}

// SeedAccount is the account every app and token of a seed belongs to.
type SeedAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SeedUser is the user GET /me reports.
type SeedUser struct {
	Email string `json:"email"`
}

// SeedApp is an app of a seed with its keys and channel rules.
type SeedApp struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	TLSOnly    bool            `json:"tlsOnly"`
	Keys       []SeedKey       `json:"keys"`
	Namespaces []SeedNamespace `json:"namespaces"`
}

// SeedKey is an API key of a seeded app.
type SeedKey struct {
	Name            string              `json:"name"`
	Key             string              `json:"key"` // APPID.KEYID:SECRET
	Capability      map[string][]string `json:"capability"`
	RevocableTokens bool                `json:"revocableTokens"`
}

// SeedNamespace is a channel rule of a seeded app.
type SeedNamespace struct {
	ID              string `json:"id"`
	Persisted       bool   `json:"persisted"`
	PushEnabled     bool   `json:"pushEnabled"`
	MutableMessages bool   `json:"mutableMessages"`
	Authenticated   bool   `json:"authenticated"`
	TLSOnly         bool   `json:"tlsOnly"`
}

// SeedAccessToken is a Control API access token of a seed.
type SeedAccessToken struct {
	Token        string     `json:"token"`
	Name         string     `json:"name"`
	Capabilities []string   `json:"capabilities"`
	ExpiresAt    *time.Time `json:"expiresAt"`
}

// maxSeedFile bounds a seed file: it describes a few apps, never megabytes.
const maxSeedFile = 1 << 20

// LoadSeed reads and checks a seed file. Errors name the file, and the line for JSON that
// does not parse or a field that does not exist.
func LoadSeed(path string) (*Seed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSeedFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxSeedFile {
		return nil, fmt.Errorf("%s is larger than %d bytes: a seed describes a few apps", path, maxSeedFile)
	}
	return ParseSeed(path, data)
}

// ParseSeed is LoadSeed of data read from name.
func ParseSeed(name string, data []byte) (*Seed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %s", name, describeJSONError(data, dec.InputOffset(), err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: line %d: more after the seed's object", name, lineAt(data, dec.InputOffset()))
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

func describeJSONError(data []byte, offset int64, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %v", lineAt(data, syn.Offset), err)
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: %s must be %s, not %s", lineAt(data, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "empty: a seed is a JSON object (see 'ably emulator start --help')"
	}
	// An unknown field: encoding/json says `json: unknown field "x"`, after reading the whole
	// value; the line is that of the first "x": in the file.
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if at := regexp.MustCompile(regexp.QuoteMeta(name) + `\s*:`).FindIndex(data); at != nil {
			offset = int64(at[0])
		}
	}
	return fmt.Sprintf("line %d: %s", lineAt(data, offset), msg)
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// seedID is what an app or key ID of a seed may be, as Ably's are.
var seedID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (s *Seed) check() error {
	seenApps := map[string]bool{}
	for i, a := range s.Apps {
		where := fmt.Sprintf("apps[%d]", i)
		if a.ID != "" && !seedID.MatchString(a.ID) {
			return fmt.Errorf("%s: id %q: want letters, digits, '-' or '_'", where, a.ID)
		}
		if a.ID != "" && seenApps[a.ID] {
			return fmt.Errorf("%s: id %q: two apps have it", where, a.ID)
		}
		seenApps[a.ID] = true
		if strings.TrimSpace(a.Name) == "" {
			return fmt.Errorf("%s: no name", where)
		}
		for j, k := range a.Keys {
			kwhere := fmt.Sprintf("%s.keys[%d]", where, j)
			if k.Key != "" {
				name, secret, ok := strings.Cut(k.Key, ":")
				app, id, dotted := strings.Cut(name, ".")
				if !ok || !dotted || secret == "" || !seedID.MatchString(id) {
					return fmt.Errorf("%s: key: want APPID.KEYID:SECRET", kwhere)
				}
				if a.ID == "" || app != a.ID {
					return fmt.Errorf("%s: key %s.%s is not of app %q: give the app its id, and its keys that id", kwhere, app, id, a.ID)
				}
			}
			if k.Capability != nil {
				b, _ := json.Marshal(k.Capability)
				if _, err := ablyauth.ParseCapability(string(b)); err != nil {
					return fmt.Errorf("%s: capability: %w", kwhere, err)
				}
			}
		}
		for j, n := range a.Namespaces {
			if n.ID == "" || strings.Contains(n.ID, ":") {
				return fmt.Errorf("%s.namespaces[%d]: id %q: want the channels' prefix before ':', e.g. \"chat\"", where, j, n.ID)
			}
		}
	}
	all := controltest.AllCapabilities()
	for i, t := range s.AccessTokens {
		where := fmt.Sprintf("accessTokens[%d]", i)
		if len(t.Token) < 16 {
			return fmt.Errorf("%s: token: want at least 16 characters, hard to guess", where)
		}
		for _, c := range t.Capabilities {
			if !slices.Contains(all, c) {
				return fmt.Errorf("%s: capability %q: want one of %s", where, c, strings.Join(all, ", "))
			}
		}
	}
	return nil
}

// apply puts the seed in the Control API fake and returns what Env gives.
func (s *Seed) apply(ctl *controltest.Server, randomToken func() (string, error)) (Seeded, error) {
	out := Seeded{AccountID: controltest.DefaultAccountID, AccountName: seedAccountName, UserEmail: seedUserEmail}
	if s.Account != nil && s.Account.ID != "" {
		out.AccountID = s.Account.ID
	}
	if s.Account != nil && s.Account.Name != "" {
		out.AccountName = s.Account.Name
	}
	if s.User != nil && s.User.Email != "" {
		out.UserEmail = s.User.Email
	}
	ctl.AddAccount(controltest.Account{ID: out.AccountID, Name: out.AccountName})
	ctl.SetUser(controltest.User{ID: controltest.DefaultUserID, Email: out.UserEmail})
	for i, a := range s.Apps {
		app := ctl.AddApp(out.AccountID, controltest.App{ID: a.ID, Name: a.Name, TLSOnly: a.TLSOnly})
		for _, k := range a.Keys {
			key := ctl.AddKey(app.ID, controltest.Key{ID: keyIDOf(k.Key), Name: k.Name, Key: k.Key, Capability: k.Capability, RevocableTokens: k.RevocableTokens})
			if i == 0 && out.APIKey == "" {
				out.AppID, out.AppName, out.APIKey = app.ID, app.Name, key.Key
			}
		}
		for _, n := range a.Namespaces {
			ctl.AddNamespace(app.ID, controltest.Namespace{ID: n.ID, Persisted: n.Persisted, PushEnabled: n.PushEnabled,
				MutableMessages: n.MutableMessages, Authenticated: n.Authenticated, TLSOnly: n.TLSOnly})
		}
		if i == 0 && out.AppID == "" {
			out.AppID, out.AppName = app.ID, app.Name
		}
	}
	for _, t := range s.AccessTokens {
		caps := t.Capabilities
		if caps == nil {
			caps = controltest.AllCapabilities()
		}
		ctl.SetToken(controltest.Token{Value: t.Token, Name: t.Name, Capabilities: caps, ExpiresAt: t.ExpiresAt, AccountID: out.AccountID})
		if out.AccessToken == "" {
			out.AccessToken = t.Token
		}
	}
	if out.AccessToken == "" {
		token, err := randomToken()
		if err != nil {
			return Seeded{}, err
		}
		ctl.SetToken(controltest.Token{Value: token, Name: "Emulator", Capabilities: controltest.AllCapabilities(), AccountID: out.AccountID})
		out.AccessToken = token
	}
	return out, nil
}

// keyIDOf is the KEYID of a key APPID.KEYID:SECRET; "" (one made up) for no key.
func keyIDOf(key string) string {
	name, _, _ := strings.Cut(key, ":")
	_, id, _ := strings.Cut(name, ".")
	return id
}
