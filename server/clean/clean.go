// Package clean is Teixit's one input-hygiene rule for user text. Names and titles are single lines a reader
// compares at a glance, so control, bidirectional-override and zero-width characters are stripped from them
// (they make look-alike names and break CSV and iCalendar rows). Long text keeps line breaks, tabs and the
// format characters that right-to-left and joined scripts need, and loses only control characters. Every JSON
// body the API decodes passes through Fields (httpx.Decode calls it), so domain code sees clean text without
// asking; code that takes text another way (multipart file names, the command line) calls Line or Text.
package clean

import (
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Line cleans a single-line value (a name, a title): the text is put in Unicode NFC form; control and format
// characters (NUL, bidirectional overrides and marks, zero-width spaces, soft hyphens, byte-order marks) are
// removed, except a zero-width joiner or non-joiner between two non-ASCII characters, where emoji sequences
// and scripts such as Persian need it; every run of white space becomes one space; the ends are trimmed.
func Line(s string) string {
	// NFC before (so decisions see composed characters) and after (stripping can bring marks together).
	return norm.NFC.String(stripLine(norm.NFC.String(validUTF8(s))))
}

func stripLine(s string) string {
	// 1. drop control and format characters, joiners aside.
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			r = ' '
		}
		if r == utf8.RuneError || (unicode.In(r, unicode.Cc, unicode.Cf) && !joiner(r)) {
			continue
		}
		rs = append(rs, r)
	}
	// 2. keep a joiner only between two characters that can be joined.
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i, r := range rs {
		if joiner(r) && !(i > 0 && i+1 < len(rs) && joinable(rs[i-1]) && joinable(rs[i+1])) {
			continue
		}
		// 3. one space for every run of white space, none at the ends.
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func joiner(r rune) bool { return r == '\u200c' || r == '\u200d' }

func joinable(r rune) bool { return r >= utf8.RuneSelf && !joiner(r) && !unicode.IsSpace(r) }

// Text cleans long text (a description, a comment): the text is put in NFC form, "\r\n" and lone "\r" become
// "\n", and control characters other than "\n" and "\t" are removed. Format characters stay: inside prose
// they are legitimate (right-to-left marks, joiners). Spacing is left as written (domain code trims).
func Text(s string) string {
	s = strings.ReplaceAll(norm.NFC.String(validUTF8(s)), "\r\n", "\n")
	return norm.NFC.String(strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.Is(unicode.Cc, r):
			return -1
		}
		return r
	}, s))
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "")
}

// Mode says how Fields treats a string field; the struct tag `clean:"line"`, `clean:"text"` or `clean:"-"`
// sets it. Without a tag, a field whose JSON name is name, title, nickname or ends in Name or Title is a
// line; every other string is text. Secrets (passwords, tokens) are tagged `clean:"-"` and left exactly
// as sent.
type Mode int

// The modes.
const (
	ModeText Mode = iota
	ModeLine
	ModeRaw
)

// LineName reports whether a JSON field name holds a single-line value by the naming rule above.
func LineName(jsonName string) bool {
	switch jsonName {
	case "name", "title", "nickname", "displayName":
		return true
	}
	return strings.HasSuffix(jsonName, "Name") || strings.HasSuffix(jsonName, "Title")
}

// Fields cleans, in place, every string reachable from v (a pointer to a decoded request body): struct
// fields by their mode, elements of lists and values of maps by the mode of the field that holds them.
// Values it cannot change (unexported fields) are left alone; it never panics on any decoded value.
func Fields(v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return
	}
	walk(rv.Elem(), ModeText, 0)
}

// maxDepth bounds the walk: the JSON decoder already bounds nesting, this is a second guard.
const maxDepth = 64

func walk(v reflect.Value, m Mode, depth int) {
	if depth > maxDepth || m == ModeRaw {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(apply(v.String(), m))
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		e := v.Elem()
		if e.Kind() == reflect.String && v.Kind() == reflect.Interface {
			if v.CanSet() {
				v.Set(reflect.ValueOf(apply(e.String(), m)).Convert(e.Type()))
			}
			return
		}
		walk(e, m, depth+1)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			walk(v.Field(i), fieldMode(f), depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (json.RawMessage): not text
		}
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), m, depth+1)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		iter := v.MapRange()
		type kv struct{ k, v reflect.Value }
		var changed []kv
		for iter.Next() {
			val := reflect.New(v.Type().Elem()).Elem()
			val.Set(iter.Value())
			walk(val, m, depth+1)
			changed = append(changed, kv{iter.Key(), val})
		}
		for _, c := range changed {
			v.SetMapIndex(c.k, c.v)
		}
	}
}

func apply(s string, m Mode) string {
	if m == ModeLine {
		return Line(s)
	}
	return Text(s)
}

func fieldMode(f reflect.StructField) Mode {
	switch f.Tag.Get("clean") {
	case "-":
		return ModeRaw
	case "line":
		return ModeLine
	case "text":
		return ModeText
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ModeRaw
	}
	if name == "" {
		name = f.Name
	}
	if LineName(name) {
		return ModeLine
	}
	return ModeText
}

// Unique returns the values in their order, each once (the first time it comes): ids, themes or dates a form
// sends twice, or a list gathered from several places.
func Unique(values []string) []string {
	out := make([]string, 0, len(values))
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
