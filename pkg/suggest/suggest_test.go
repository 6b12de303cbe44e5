package suggest

import (
	"slices"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"auth", "auth", 0},
		{"auht", "auth", 1}, // adjacent swap
		{"aut", "auth", 1},
		{"autth", "auth", 1},
		{"apps", "auth", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"apps", "auth", "accounts", "help", "plugin", "version", "stats", "queues"}
	tests := []struct {
		typed string
		want  []string
	}{
		{"auht", []string{"auth"}},
		{"ap", []string{"apps"}},
		{"acount", []string{"accounts"}},
		{"stat", []string{"stats"}},
		{"xyzzy", nil},
		{"a", nil}, // too short to say anything useful
	}
	for _, tt := range tests {
		if got := Candidates(tt.typed, names); !slices.Equal(got, tt.want) {
			t.Errorf("Candidates(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}
