package clean

import (
	"encoding/json"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestLine(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "Associació Veïnal", "Associació Veïnal"},
		{"trim and collapse", "  Casal \t de\n\nGent  Gran ", "Casal de Gent Gran"},
		{"NUL", "Ana\x00 Pérez\x00", "Ana Pérez"},
		{"right-to-left override", "Joan\u202e fdp.exe", "Joan fdp.exe"},
		{"isolates and marks", "\u2066admin\u2069\u200f", "admin"},
		{"zero-width inside a look-alike", "ad\u200bmin", "admin"},
		{"joiner between ASCII letters", "ad\u200dmin\u200c", "admin"},
		{"byte-order mark and soft hyphen", "\ufeffCa\u00adsal", "Casal"},
		{"emoji family keeps its joiners", "Família 👩\u200d👩\u200d👧", "Família 👩\u200d👩\u200d👧"},
		{"Persian non-joiner kept", "می\u200cخواهم", "می\u200cخواهم"},
		{"two joiners in a row: malformed, both go", "👩\u200d\u200d👧", "👩👧"},
		{"joiner beside a space", "👩\u200d 👧", "👩 👧"},
		{"non-breaking spaces", "Can\u00a0\u00a0Batlló", "Can Batlló"},
		{"decomposed accents composed", "Cafe\u0301", "Café"},
		{"stripping brings a mark to its letter", "e\u200b\u0301", "é"},
		{"invalid UTF-8", "Sant\xffs", "Sants"},
		{"only controls", "\x00\u200b\u202e", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Line(c.in); got != c.want {
				t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"keeps lines and tabs", "Primera línia\n\tsegona", "Primera línia\n\tsegona"},
		{"carriage returns", "a\r\nb\rc", "a\nb\nc"},
		{"NUL and bell", "a\x00b\x07c", "abc"},
		{"C1 controls", "a\u0085b\u009bc", "abc"},
		{"right-to-left text keeps its marks", "שלום \u200fעולם \u202bמשפט\u202c", "שלום \u200fעולם \u202bמשפט\u202c"},
		{"joiners kept", "👩\u200d👧", "👩\u200d👧"},
		{"spacing left as written", "  sagnat\n\n", "  sagnat\n\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in); got != c.want {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

type inner struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

type body struct {
	Name        string            `json:"name"`
	Nickname    *string           `json:"nickname"`
	OrgName     string            `json:"organisationName"`
	Password    string            `json:"password" clean:"-"`
	Code        string            `json:"code" clean:"line"`
	Text        string            `json:"text"`
	Tags        []string          `json:"tags"`
	Items       []inner           `json:"items"`
	Ptr         *inner            `json:"ptr"`
	Labels      map[string]string `json:"labels"`
	Any         any               `json:"any"`
	Raw         json.RawMessage   `json:"raw"`
	Count       int               `json:"count"`
	Skip        string            `json:"-"`
	unexported  string
	AllowNicker bool `json:"allowNicknames"`
}

func TestFields(t *testing.T) {
	src := `{"name":" Ana\u202e ","nickname":"ni\u200bck","organisationName":"Org\u0000",
		"password":" p\u0000ss\u202e ","code":"AB\u200bCD","text":"a\u0000\nb\u202e",
		"tags":["x\u0000y"],"items":[{"title":"T\u200bi","body":"b\u0000\u200b"}],"ptr":{"title":"\u202eP"},
		"labels":{"k":"v\u0000"},"any":{"deep":["s\u0000"],"title":"t\u0007"},"raw":"\u0000","count":3}`
	var b body
	if err := json.Unmarshal([]byte(src), &b); err != nil {
		t.Fatal(err)
	}
	b.unexported = "u\x00"
	Fields(&b)
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("name", b.Name, "Ana")
	check("nickname", *b.Nickname, "nick")
	check("organisationName", b.OrgName, "Org")
	check("password (raw)", b.Password, " p\x00ss\u202e ")
	check("code (tagged line)", b.Code, "ABCD")
	check("text", b.Text, "a\nb\u202e")
	check("tags", b.Tags[0], "xy")
	check("items title", b.Items[0].Title, "Ti")
	check("items body", b.Items[0].Body, "b\u200b")
	check("ptr title", b.Ptr.Title, "P")
	check("map value", b.Labels["k"], "v")
	deep := b.Any.(map[string]any)
	check("any list", deep["deep"].([]any)[0].(string), "s")
	check("any string (text: a map key is not a field name)", deep["title"].(string), "t")
	check("raw bytes untouched", string(b.Raw), `"\u0000"`)
	check("unexported untouched", b.unexported, "u\x00")
	Fields(nil)
	Fields(b) // not a pointer: nothing happens
	var np *body
	Fields(np)
}

// FuzzLine checks Line's promises for any input: valid UTF-8 in NFC form, no control or format character
// except a joiner between two joinable characters, no doubled or edge space, and cleaning twice changes
// nothing. Its seeds run in the normal test suite.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "Ana", " a  b ", "\x00", "\u202eabc", "👩\u200d👧", "e\u200b\u0301",
		"\u212a\u200dé", "é\u200d\u200b", "a \u200d b", "\u00a0\u200d\u00a0", "\xff\xfe", "می\u200cخواهم"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Line(s)
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Fatalf("Line(%q) = %q: not valid NFC text", s, got)
		}
		if Line(got) != got {
			t.Fatalf("Line is not idempotent: %q → %q → %q", s, got, Line(got))
		}
		rs := []rune(got)
		for i, r := range rs {
			switch {
			case unicode.Is(unicode.Cc, r):
				t.Fatalf("Line(%q) = %q keeps control %U", s, got, r)
			case joiner(r):
				if i == 0 || i == len(rs)-1 || !joinable(rs[i-1]) || !joinable(rs[i+1]) {
					t.Fatalf("Line(%q) = %q keeps a stray joiner", s, got)
				}
			case unicode.Is(unicode.Cf, r):
				t.Fatalf("Line(%q) = %q keeps format character %U", s, got, r)
			case unicode.IsSpace(r) && (r != ' ' || i == 0 || i == len(rs)-1 || rs[i-1] == ' '):
				t.Fatalf("Line(%q) = %q has stray space at %d", s, got, i)
			}
		}
	})
}

// FuzzText checks Text: valid NFC UTF-8, no control character but newline and tab, idempotent.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "\x00\x07", "\u0085", "שלום \u200f", "\xff", "e\x00\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Fatalf("Text(%q) = %q: not valid NFC text", s, got)
		}
		if Text(got) != got {
			t.Fatalf("Text is not idempotent: %q → %q → %q", s, got, Text(got))
		}
		for _, r := range got {
			if unicode.Is(unicode.Cc, r) && r != '\n' && r != '\t' {
				t.Fatalf("Text(%q) = %q keeps control %U", s, got, r)
			}
		}
	})
}

func TestUnique(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{nil, []string{}},
		{[]string{"a"}, []string{"a"}},
		{[]string{"b", "a", "b", "c", "a"}, []string{"b", "a", "c"}},
		{[]string{"", "", "x"}, []string{"", "x"}},
	} {
		got := Unique(c.in)
		if len(got) != len(c.want) {
			t.Fatalf("Unique(%q) = %q, want %q", c.in, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("Unique(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}
