// Package output prints what commands produce: human text (aligned tables, labelled details,
// colour only on a terminal), compact or indented JSON, and errors, on injected writers.
package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// Format is how a command prints its result.
type Format int

const (
	Human      Format = iota // aligned text for people
	JSON                     // one compact JSON document (or NDJSON for streams)
	PrettyJSON               // the same, indented
)

// Printer writes results to Out and diagnostics (warnings, verbose logs, errors) to Err.
type Printer struct {
	Out      io.Writer
	Err      io.Writer
	Format   Format
	Color    bool // colour escape codes in human output
	Terminal bool // Out is a terminal (e.g. a live view may redraw it)
	Verbose  bool // Verbosef writes only when set
	Prog     string
}

// ColorAllowed reports whether colour may be used on an output: it is a terminal, NO_COLOR
// is unset (https://no-color.org) and TERM is not "dumb".
func ColorAllowed(terminal bool, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return terminal
}

// IsJSON reports whether the printer produces JSON.
func (p *Printer) IsJSON() bool { return p.Format == JSON || p.Format == PrettyJSON }

// JSON writes v as one JSON document on Out, compact or indented by the printer's format.
func (p *Printer) JSON(v any) error {
	enc := json.NewEncoder(p.Out)
	enc.SetEscapeHTML(false)
	if p.Format == PrettyJSON {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// Time renders a time as the suite shows times: ISO 8601, in UTC.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Millis renders a time given in milliseconds since the epoch (as the Control API gives
// them); 0 is "-".
func Millis(ms int64) string {
	if ms == 0 {
		return "-"
	}
	return Time(time.UnixMilli(ms))
}

// MaskSecret hides the secret of an API key APPID.KEYID:SECRET, keeping the public key name
// so the key can still be recognised: "xVLyHw.A-pwh7:****". Anything else is masked whole.
func MaskSecret(key string) string {
	if name, _, ok := strings.Cut(key, ":"); ok {
		return name + ":" + Masked
	}
	if key == "" {
		return ""
	}
	return Masked
}

// Masked stands in for a secret in output.
const Masked = "****"

// MaskURLSecrets hides the credentials a URL carries: the password of its user information
// ("amqps://user:****@host") and the values of query parameters that are credentials
// ("https://example.com/hook?code=****": see CredentialParam). Everything else is returned
// as written, and a string that is not a URL unchanged.
func MaskURLSecrets(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	out := s
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Masked)
			// url.String escapes the mask; put it back as written.
			out = strings.Replace(u.String(), url.QueryEscape(Masked), Masked, 1)
		}
	}
	before, query, ok := strings.Cut(out, "?")
	if !ok {
		return out
	}
	query, fragment, hasFragment := strings.Cut(query, "#")
	params := strings.Split(query, "&")
	for i, p := range params {
		if name, value, ok := strings.Cut(p, "="); ok && value != "" && CredentialParam(name) {
			params[i] = name + "=" + Masked
		}
	}
	out = before + "?" + strings.Join(params, "&")
	if hasFragment {
		out += "#" + fragment
	}
	return out
}

// CredentialParam reports whether a query parameter's name says its value is a credential:
// an Ably key or token (RSA7, RTN2), an access token or JWT, a key or code (as Azure Functions
// name theirs), a signature or MAC (sig, as in SAS URLs), a secret or a password. Letter case,
// "-" and "_" do not matter.
func CredentialParam(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
	switch n {
	case "key", "code", "jwt", "auth", "authorization", "pass", "pwd", "signature", "sig", "mac", "sas":
		return true
	}
	for _, suffix := range []string{"token", "secret", "password", "apikey"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// Field is one labelled value of a details block.
type Field struct {
	Label string
	Value string
}

// Details writes labelled values with the values aligned in one column, made Safe.
func (p *Printer) Details(fields []Field) error {
	width := 0
	for _, f := range fields {
		width = max(width, len(f.Label))
	}
	var b strings.Builder
	for _, f := range fields {
		label := f.Label + ":"
		fmt.Fprintf(&b, "%s%s %s\n", p.bold(label), strings.Repeat(" ", width+1-len(label)), Safe(f.Value))
	}
	_, err := io.WriteString(p.Out, b.String())
	return err
}

// Table writes rows under a header, columns aligned, every cell made Safe.
func (p *Printer) Table(header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(p.Out, 0, 0, 2, ' ', 0)
	if len(header) > 0 {
		h := make([]string, len(header))
		for i, s := range header {
			h[i] = Safe(strings.ToUpper(s))
		}
		fmt.Fprintln(tw, strings.Join(h, "\t"))
	}
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, s := range r {
			cells[i] = Safe(s)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// Heading writes a title line for human output, made Safe.
func (p *Printer) Heading(title string) {
	fmt.Fprintln(p.Out, p.bold(Safe(title)))
}

// Verbosef writes a diagnostic line on Err when verbose output was asked for.
func (p *Printer) Verbosef(format string, args ...any) {
	if p.Verbose {
		fmt.Fprintf(p.Err, p.dim("[verbose] ")+format+"\n", safeArgs(args)...)
	}
}

// Warnf writes a warning line on Err.
func (p *Printer) Warnf(format string, args ...any) {
	fmt.Fprintf(p.Err, "%s: warning: "+format+"\n", append([]any{p.Prog}, safeArgs(args)...)...)
}

// errorBody is the JSON form of an error on stderr (DESIGN §6).
type errorBody struct {
	Error errorFields `json:"error"`
}

type errorFields struct {
	Message    string `json:"message"`
	Code       int    `json:"code,omitempty"`
	StatusCode int    `json:"statusCode,omitempty"`
	Href       string `json:"href,omitempty"`
	ExitCode   int    `json:"exitCode"`
}

// Error writes err on Err: one line "prog: message" for people, or with a JSON format the
// object {"error":{"message","code","statusCode","href","exitCode"}}.
func (p *Printer) Error(err error) {
	f := errorFields{Message: err.Error(), ExitCode: exitcode.Of(err)}
	var e *exitcode.Error
	if errors.As(err, &e) {
		f.Code, f.StatusCode, f.Href = e.AblyCode, e.StatusCode, e.Href
	}
	if p.IsJSON() {
		enc := json.NewEncoder(p.Err)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(errorBody{f})
		return
	}
	msg := f.Message
	if f.Code != 0 {
		msg += fmt.Sprintf(" (Ably error %d)", f.Code)
	}
	if f.Href != "" {
		msg += " " + f.Href
	}
	fmt.Fprintf(p.Err, "%s: %s\n", p.Prog, Safe(msg))
}

func (p *Printer) bold(s string) string {
	if !p.Color {
		return s
	}
	return "\x1b[1m" + s + "\x1b[0m"
}

func (p *Printer) dim(s string) string {
	if !p.Color {
		return s
	}
	return "\x1b[2m" + s + "\x1b[0m"
}

// WithField is the JSON object v encodes to with one more member, name: value, at its end:
// an object from an API, shown as sent, plus what the command knows of it (whether it is the
// current one). v must encode to an object.
func WithField(v any, name string, value any) ([]byte, error) {
	obj, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	obj = bytes.TrimSpace(obj)
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, fmt.Errorf("output.WithField: %T does not encode to a JSON object", v)
	}
	member, err := json.Marshal(map[string]any{name: value})
	if err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(obj[1 : len(obj)-1])
	out := append([]byte{'{'}, body...)
	if len(body) > 0 {
		out = append(out, ',')
	}
	return append(out, member[1:]...), nil
}

// CurrentMark is the first cell of a table row: "*" for the current item (profile, app,
// key), else a space, so the column has the same width whether or not a row is current.
func CurrentMark(current bool) string {
	if current {
		return "*"
	}
	return " "
}

// OrDash is s, or "-" for an empty value: how tables and details show a value left out.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// OrDashPtr is OrDash of *p, "-" for nil.
func OrDashPtr(p *string) string {
	if p == nil {
		return "-"
	}
	return OrDash(*p)
}
