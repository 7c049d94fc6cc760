package translation

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How Markdown survives the engine: only text runs are translated. Each field is cut into lines; a line's
// block markup (indentation, list marker, quote, heading) and every inline piece that is not prose (code
// spans, link targets, images, URLs, e-mail addresses, emphasis markers, table pipes, escapes) are taken out
// and replaced by empty HTML tags, which Apertium's default HTML deformatter carries through as superblanks
// in place. Fenced code blocks and lines with no letters (rules, table separators, blank lines) never reach
// the engine. A link's text is translated between a pair of tags; its target is kept. Escaping <, > and & in
// the text runs keeps any HTML or script in the source inert text on the way through; what comes back is
// Markdown again, rendered by the same sanitising renderer as the original.

// maxChunk bounds the characters sent in one engine request (a long text is several requests).
const maxChunk = 8000

var (
	blockPrefix = regexp.MustCompile(`^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?|>[ \t]?|#{1,6}[ \t]+)*`)
	fence       = regexp.MustCompile("^[ \t]*(```|~~~)")
	inlineAtom  = regexp.MustCompile("`+[^`]*`+|!\\[[^\\]]*\\]\\([^)]*\\)|<(?:https?://|mailto:)[^>\\s]*>|" +
		`(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\\[\\` + "`" +
		`*_{}\[\]()#+\-.!|~]|[*_~]+|\|`)
	linkOpen   = regexp.MustCompile(`\[([^\[\]]+)\]\(([^()\s]*(?:\s+"[^"]*")?)\)`)
	nameRun    = regexp.MustCompile(`\p{Lu}[\p{Ll}'’]+(?:[ \t]+(?:(?:de|del|della|di|da|i|y|e)[ \t]+)?\p{Lu}[\p{Ll}'’]+)*`)
	lineMarker = regexp.MustCompile(`<n(\d+)/>`)
	tagRef     = regexp.MustCompile(`</?i(\d+)/?>`)
)

// line is one line of a field: kept as is (verbatim) or a block prefix plus an inline run to translate.
type line struct {
	prefix   string
	text     string   // encoded run sent to the engine (tags <iK/>, <iK>…</iK>)
	pieces   []string // what tag K stands for: atoms and link opens
	closes   []string // for a link tag K, its close ("](url)"); "" for atoms
	verbatim bool
	out      string // the translated line, once decoded
}

func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func unescapeText(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// splitField cuts one Markdown field into lines ready to encode.
func splitField(md string) []*line {
	var out []*line
	inFence := ""
	for _, raw := range strings.Split(md, "\n") {
		if m := fence.FindStringSubmatch(raw); m != nil {
			if inFence == "" {
				inFence = m[1]
			} else if m[1] == inFence {
				inFence = ""
			}
			out = append(out, &line{verbatim: true, out: raw})
			continue
		}
		if inFence != "" {
			out = append(out, &line{verbatim: true, out: raw})
			continue
		}
		prefix := blockPrefix.FindString(raw)
		l := &line{prefix: prefix}
		l.encode(raw[len(prefix):])
		if !hasLetter(tagRef.ReplaceAllString(l.text, "")) {
			l.verbatim, l.out = true, raw
		}
		out = append(out, l)
	}
	return out
}

// encode replaces the inline markup of s by tags and escapes the prose between them.
func (l *line) encode(s string) {
	var b strings.Builder
	add := func(piece, close string) int {
		l.pieces, l.closes = append(l.pieces, piece), append(l.closes, close)
		return len(l.pieces) - 1
	}
	var run func(s string)
	run = func(s string) {
		for len(s) > 0 {
			lm := linkOpen.FindStringSubmatchIndex(s)
			am := inlineAtom.FindStringIndex(s)
			if nm := midSentenceName(s); nm != nil && (am == nil || nm[0] < am[0]) && (lm == nil || nm[1] <= lm[0]) {
				am = nm
			}
			switch {
			case lm != nil && (am == nil || lm[0] <= am[0]) && !(lm[0] > 0 && s[lm[0]-1] == '!'):
				b.WriteString(escapeText(s[:lm[0]]))
				k := add("[", "]("+s[lm[4]:lm[5]]+")")
				fmt.Fprintf(&b, "<i%d>", k)
				run(s[lm[2]:lm[3]])
				fmt.Fprintf(&b, "</i%d>", k)
				s = s[lm[1]:]
			case am != nil:
				b.WriteString(escapeText(s[:am[0]]))
				fmt.Fprintf(&b, "<i%d/>", add(s[am[0]:am[1]], ""))
				s = s[am[1]:]
			default:
				b.WriteString(escapeText(s))
				s = ""
			}
		}
	}
	run(s)
	l.text = b.String()
}

// midSentenceName finds the first capitalised word run of s that does not start a sentence — a person's or
// place's name, kept as written ("la Maria Puig" stays "Maria Puig", not "María Puig").
func midSentenceName(s string) []int {
	for _, m := range nameRun.FindAllStringIndex(s, -1) {
		before := strings.TrimRight(s[:m[0]], " \t\u00a0")
		if before == "" {
			continue
		}
		r, _ := utf8.DecodeLastRuneInString(before)
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ',' || r == ';' || r == '\'' || r == '’' {
			return m
		}
	}
	return nil
}

// decode turns the engine's output for this line back into Markdown. A tag the engine lost is put back at
// the end (an atom) or dropped (a link's pair, keeping its text); a tag it invented is dropped.
func (l *line) decode(got string) {
	seen := make([]bool, len(l.pieces))
	s := tagRef.ReplaceAllStringFunc(got, func(tag string) string {
		k, _ := strconv.Atoi(tagRef.FindStringSubmatch(tag)[1])
		if k >= len(l.pieces) {
			return ""
		}
		seen[k] = true
		switch {
		case strings.HasPrefix(tag, "</"):
			return "\x00c" + strconv.Itoa(k) + "\x00"
		case strings.HasSuffix(tag, "/>"):
			return "\x00a" + strconv.Itoa(k) + "\x00"
		default:
			return "\x00o" + strconv.Itoa(k) + "\x00"
		}
	})
	s = unescapeText(s)
	r := make([]string, 0, 3*len(l.pieces))
	for k := range l.pieces {
		id := strconv.Itoa(k)
		if l.closes[k] == "" {
			r = append(r, "\x00a"+id+"\x00", l.pieces[k])
		} else {
			r = append(r, "\x00o"+id+"\x00", l.pieces[k], "\x00c"+id+"\x00", l.closes[k])
		}
	}
	s = strings.NewReplacer(r...).Replace(s)
	s = strings.ReplaceAll(s, "\x00", "")
	for k, ok := range seen {
		if !ok && l.closes[k] == "" && strings.TrimSpace(l.pieces[k]) != "" {
			s += " " + l.pieces[k]
		}
	}
	l.out = l.prefix + strings.TrimSpace(s)
}

// Translate translates fields (Markdown) along route, keeping their Markdown structure, and returns them in
// the same order. Long texts go in several requests of at most maxChunk characters.
func (e *Engine) Translate(ctx context.Context, route Route, fields []string) ([]string, error) {
	if len(route) < 2 {
		return append([]string{}, fields...), nil
	}
	all := make([][]*line, len(fields))
	var todo []*line
	for i, f := range fields {
		all[i] = splitField(f)
		for _, l := range all[i] {
			if !l.verbatim {
				todo = append(todo, l)
			}
		}
	}
	for len(todo) > 0 {
		var b strings.Builder
		n := 0
		for n < len(todo) && (n == 0 || b.Len()+len(todo[n].text) < maxChunk) {
			fmt.Fprintf(&b, "<n%d/>%s\n", n, todo[n].text)
			n++
		}
		text := b.String()
		for i := 1; i < len(route); i++ {
			var err error
			if text, err = e.hop(ctx, route[i-1], route[i], text); err != nil {
				return nil, err
			}
		}
		got := map[int]string{}
		idx := lineMarker.FindAllStringSubmatchIndex(text, -1)
		for j, m := range idx {
			k, _ := strconv.Atoi(text[m[2]:m[3]])
			end := len(text)
			if j+1 < len(idx) {
				end = idx[j+1][0]
			}
			got[k] = strings.TrimRight(text[m[1]:end], " \n")
		}
		for k, l := range todo[:n] {
			if g, ok := got[k]; ok {
				l.decode(g)
			} else {
				l.decode(l.text) // the engine lost the line's marker: keep the line untranslated
			}
		}
		todo = todo[n:]
	}
	out := make([]string, len(fields))
	for i, ls := range all {
		parts := make([]string, len(ls))
		for j, l := range ls {
			parts[j] = l.out
		}
		out[i] = strings.Join(parts, "\n")
	}
	return out, nil
}
