// Package suggest finds the known word closest to a mistyped one, for "did you mean" hints.
package suggest

// Closest returns the word of known nearest to word by edit distance, when it is near enough
// to be a likely typo (at most 2 edits, or a third of the word's length).
func Closest(word string, known []string) (string, bool) {
	best, bestDist := "", -1
	for _, k := range known {
		if d := Distance(word, k); bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len(word)/3) {
		return "", false
	}
	return best, true
}

// Distance is the Levenshtein edit distance between a and b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
