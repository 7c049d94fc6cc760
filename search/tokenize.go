package search

import (
	"slices"
	"strings"
	"unicode"
)

// userQuery is a parsed search box: plain words and "quoted phrases".
// User input is never handed to Bleve's query-string parser.
type userQuery struct {
	Words   []string
	Phrases []string
}

// parseUserQuery splits q into words and phrases. Characters with a meaning
// in query syntax (+ - : ^ ~ * ? ( ) and the like) only separate words; an
// unmatched quote is ignored.
func parseUserQuery(q string) userQuery {
	var u userQuery
	parts := strings.Split(q, `"`)
	closed := len(parts)%2 == 1 // odd number of parts means quotes pair up
	for i, part := range parts {
		words := splitWords(part)
		if i%2 == 1 && (closed || i < len(parts)-1) {
			if len(words) == 1 {
				u.Words = append(u.Words, words[0])
			} else if len(words) > 1 {
				u.Phrases = append(u.Phrases, strings.Join(words, " "))
			}
			continue
		}
		u.Words = append(u.Words, words...)
	}
	// A word said twice is asked for once (letter case aside; the first spelling is kept).
	seen := map[string]bool{}
	u.Words = slices.DeleteFunc(u.Words, func(w string) bool {
		k := strings.ToLower(w)
		dup := seen[k]
		seen[k] = true
		return dup
	})
	return u
}

// count is the number of words a search matches: its distinct words and its phrases' words.
func (u userQuery) count() int {
	n := len(u.Words)
	for _, p := range u.Phrases {
		n += len(strings.Fields(p))
	}
	return n
}

// splitWords keeps letters, digits, marks and in-word apostrophes and the
// Catalan middle dot (l'habitatge, col·lectiu); everything else separates.
func splitWords(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '\'' || r == '’' || r == '·')
	})
	out := fields[:0]
	for _, f := range fields {
		f = strings.Trim(f, "'’·")
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}
