package controltest

import "slices"

// State is everything the server holds, for a program that keeps it across restarts (the
// emulator's --state): accounts, the user, access tokens, apps with their keys, namespaces,
// queues and rules, and the counter IDs are made from. It is plain data: JSON encodes it.
type State struct {
	Seq        int         `json:"seq"`
	User       User        `json:"user"`
	Accounts   []Account   `json:"accounts"`
	Tokens     []Token     `json:"tokens"`
	Apps       []App       `json:"apps"`
	Keys       []Key       `json:"keys"`
	Namespaces []Namespace `json:"namespaces"`
	Queues     []Queue     `json:"queues"`
	Rules      []Rule      `json:"rules"`
}

// State returns a copy of what the server holds.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{Seq: s.seq, User: s.user, Accounts: slices.Clone(s.accounts)}
	for _, t := range s.tokens {
		st.Tokens = append(st.Tokens, cloneToken(t))
	}
	for _, a := range s.apps {
		st.Apps = append(st.Apps, *a)
	}
	for _, k := range s.keys {
		c := *k
		c.Capability = cloneCapability(k.Capability)
		st.Keys = append(st.Keys, c)
	}
	for _, n := range s.namespaces {
		st.Namespaces = append(st.Namespaces, *n)
	}
	for _, q := range s.queues {
		st.Queues = append(st.Queues, *q)
	}
	for _, r := range s.rules {
		st.Rules = append(st.Rules, cloneRule(r))
	}
	return st
}

// Restore replaces what the server holds with st (from State, possibly of another run).
func (s *Server) Restore(st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq, s.user, s.accounts = st.Seq, st.User, slices.Clone(st.Accounts)
	s.tokens, s.apps, s.keys, s.namespaces, s.queues, s.rules = nil, nil, nil, nil, nil, nil
	for i := range st.Tokens {
		t := cloneToken(&st.Tokens[i])
		s.tokens = append(s.tokens, &t)
	}
	for _, a := range st.Apps {
		s.apps = append(s.apps, &a)
	}
	for _, k := range st.Keys {
		k.Capability = cloneCapability(k.Capability)
		s.keys = append(s.keys, &k)
	}
	for _, n := range st.Namespaces {
		s.namespaces = append(s.namespaces, &n)
	}
	for _, q := range st.Queues {
		s.queues = append(s.queues, &q)
	}
	for _, r := range st.Rules {
		s.rules = append(s.rules, cloneRule(r))
	}
}
