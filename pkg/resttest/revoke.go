package resttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// reauthMargin is how long allowReauthMargin postpones a revocation, as on Ably.
const reauthMargin = 30 * time.Second

// Revocation is one target revoked, as the server recorded it.
type Revocation struct {
	KeyName           string
	Target            string // "clientId:ID", "revocationKey:KEY" or "channel:NAME"
	IssuedBefore      int64  // ms since the epoch: tokens issued before it are revoked
	AppliesAt         int64  // ms since the epoch: when it takes effect
	AllowReauthMargin bool
}

// Revocations returns the targets revoked so far, oldest first.
func (s *Server) Revocations() []Revocation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Revocation(nil), s.revocations...)
}

// revokeRequest is the body of POST /keys/{keyName}/revokeTokens.
type revokeRequest struct {
	Targets           []string `json:"targets"`
	IssuedBefore      *int64   `json:"issuedBefore"`
	AllowReauthMargin bool     `json:"allowReauthMargin"`
}

// BatchResult is the answer to revokeTokens: one result per target, in order.
type BatchResult struct {
	SuccessCount int            `json:"successCount"`
	FailureCount int            `json:"failureCount"`
	Results      []TargetResult `json:"results"`
}

// TargetResult is the outcome for one target: issuedBefore and appliesAt, or an error.
type TargetResult struct {
	Target       string                `json:"target"`
	IssuedBefore int64                 `json:"issuedBefore,omitempty"`
	AppliesAt    int64                 `json:"appliesAt,omitempty"`
	Error        *fakeserver.ErrorBody `json:"error,omitempty"`
}

// targetTypes are the kinds of target Ably revokes tokens by.
func targetTypes() []string { return []string{"clientId", "revocationKey", "channel"} }

func (s *Server) revokeTokens(w http.ResponseWriter, r *http.Request) {
	keyName := r.PathValue("keyName")
	c, err := readCredentials(r)
	switch {
	case errors.Is(err, errNoCredentials):
		writeError(w, http.StatusUnauthorized, CodeUnauthorized, "authentication required: revoking tokens needs basic auth with the API key")
		return
	case err != nil:
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "%v", err)
		return
	case !c.basic:
		if _, aerr := s.checkToken(c, s.now()); aerr != nil {
			aerr.write(w)
			return
		}
		writeError(w, http.StatusUnauthorized, CodeUnauthorized, "revoking tokens needs basic auth with the API key, not a token")
		return
	}
	k, aerr := s.checkKeyCredentials(c)
	switch {
	case aerr != nil:
		aerr.write(w)
		return
	case c.keyName != keyName:
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "key %q may not revoke tokens of key %q", c.keyName, keyName)
		return
	case !k.RevocableTokens:
		writeError(w, http.StatusBadRequest, CodeBadRequest, "token revocation is not enabled for key %q: enable revocable tokens on the key first", keyName)
		return
	}
	var req revokeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "the body is not valid JSON of {\"targets\":[...]}: %v", err)
		return
	}
	if len(req.Targets) == 0 {
		writeError(w, http.StatusBadRequest, CodeInvalidParam, "targets must list at least one target such as \"clientId:alice\"")
		return
	}
	now := s.now()
	issuedBefore := now.UnixMilli()
	if req.IssuedBefore != nil {
		ib := time.UnixMilli(*req.IssuedBefore)
		if ib.After(now) || now.Sub(ib) > time.Hour {
			writeError(w, http.StatusBadRequest, CodeInvalidParam, "issuedBefore must be in the last hour, not in the future")
			return
		}
		issuedBefore = *req.IssuedBefore
	}
	appliesAt := now.UnixMilli()
	if req.AllowReauthMargin {
		appliesAt = now.Add(reauthMargin).UnixMilli()
	}

	res := BatchResult{Results: []TargetResult{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range req.Targets {
		typ, value, _ := strings.Cut(t, ":")
		if !slices.Contains(targetTypes(), typ) || value == "" {
			e := fakeserver.NewErrorBody(http.StatusBadRequest, CodeInvalidParam,
				fmt.Sprintf("target %q is not TYPE:VALUE with TYPE one of %s", t, strings.Join(targetTypes(), ", ")))
			res.Results = append(res.Results, TargetResult{Target: t, Error: &e})
			res.FailureCount++
			continue
		}
		s.revocations = append(s.revocations, Revocation{KeyName: keyName, Target: t, IssuedBefore: issuedBefore,
			AppliesAt: appliesAt, AllowReauthMargin: req.AllowReauthMargin})
		res.Results = append(res.Results, TargetResult{Target: t, IssuedBefore: issuedBefore, AppliesAt: appliesAt})
		res.SuccessCount++
	}
	writeJSON(w, http.StatusOK, res)
}
