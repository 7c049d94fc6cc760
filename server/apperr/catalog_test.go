package apperr_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/apperr"
)

// raised is what the server's Go source can raise: error codes and field reasons, each with where it is.
type raised struct {
	codes, reasons map[string]string // name → first position
	problems       []string          // codes or reasons that are not string literals
}

// scanSource parses every non-test Go file under server/ and collects the codes given to apperr.New, the
// Code of apperr.Error literals and the reasons given to apperr.Because. A code that is not a string
// literal is a problem: nobody could check it has catalog text.
func scanSource(t *testing.T) raised {
	t.Helper()
	r := raised{codes: map[string]string{}, reasons: map[string]string{}}
	fset := token.NewFileSet()
	root := ".." // server/
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inApperr := f.Name.Name == "apperr"
		// name returns X for apperr.X (or X inside package apperr).
		name := func(e ast.Expr) string {
			switch x := e.(type) {
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok && id.Name == "apperr" {
					return x.Sel.Name
				}
			case *ast.Ident:
				if inApperr {
					return x.Name
				}
			}
			return ""
		}
		record := func(into map[string]string, e ast.Expr, what string) {
			pos := fset.Position(e.Pos()).String()
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				r.problems = append(r.problems, pos+": the "+what+" is not a string literal")
				return
			}
			s, _ := strconv.Unquote(lit.Value)
			if _, seen := into[s]; !seen {
				into[s] = pos
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				switch name(x.Fun) {
				case "New":
					if len(x.Args) == 3 {
						record(r.codes, x.Args[1], "error code")
					}
				case "Because":
					if len(x.Args) >= 1 && !(inApperr && isParam(x.Args[0])) {
						record(r.reasons, x.Args[0], "field reason")
					}
				}
			case *ast.CompositeLit:
				if name(x.Type) != "Error" {
					return true
				}
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" && !(inApperr && isParam(kv.Value)) {
							record(r.codes, kv.Value, "error code")
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// isParam is true for the parameter named code inside apperr's own constructors (New passes it on).
func isParam(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "code"
}

var placeholder = regexp.MustCompile(`\{([a-zA-Z0-9_]+)\}`)

func placeholders(s string) string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestEveryCodeHasCatalogText lists every error code and field reason the server's source can raise and
// fails on any without text in any catalog (ca, es, it, en), on keys missing from some catalogs, and on
// translations whose placeholders differ from the English text's.
func TestEveryCodeHasCatalogText(t *testing.T) {
	r := scanSource(t)
	for _, p := range r.problems {
		t.Errorf("%s: write it as a literal (or use a reason helper) so its catalog text can be checked", p)
	}
	if len(r.codes) < 40 || len(r.reasons) < 10 {
		t.Fatalf("the scan found only %d codes and %d reasons: it is not reading the source", len(r.codes), len(r.reasons))
	}
	for _, lang := range apperr.Languages {
		cat := apperr.Catalog(lang)
		for code, pos := range r.codes {
			if strings.TrimSpace(cat["code."+code]) == "" {
				t.Errorf("%s: error code %q has no text in catalog/%s.json (key code.%s)", pos, code, lang, code)
			}
		}
		for reason, pos := range r.reasons {
			if strings.TrimSpace(cat["reason."+reason]) == "" {
				t.Errorf("%s: field reason %q has no text in catalog/%s.json (key reason.%s)", pos, reason, lang, reason)
			}
		}
	}
	en := apperr.Catalog("en")
	for _, lang := range apperr.Languages[1:] {
		cat := apperr.Catalog(lang)
		for k, v := range en {
			if tr, ok := cat[k]; !ok {
				t.Errorf("catalog/%s.json lacks %s", lang, k)
			} else if placeholders(tr) != placeholders(v) {
				t.Errorf("catalog/%s.json %s uses {%s}, English uses {%s}", lang, k, placeholders(tr), placeholders(v))
			}
		}
		for k := range cat {
			if _, ok := en[k]; !ok {
				t.Errorf("catalog/%s.json has %s, which English lacks", lang, k)
			}
		}
	}
	var unused []string
	for k := range en {
		name := strings.SplitN(k, ".", 2)
		if _, ok := r.codes[name[1]]; name[0] == "code" && !ok {
			unused = append(unused, k)
		}
		if _, ok := r.reasons[name[1]]; name[0] == "reason" && !ok {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		t.Logf("catalog entries nothing raises (remove them when sure): %s", strings.Join(unused, ", "))
	}
	t.Logf("%d codes and %d field reasons, each with text in %s", len(r.codes), len(r.reasons), strings.Join(apperr.Languages, ", "))
}

func TestTextFillsPlaceholders(t *testing.T) {
	for _, lang := range apperr.Languages {
		got := apperr.Text(lang, "reason.length", map[string]any{"min": 3, "max": 200})
		if !strings.Contains(got, "3") || !strings.Contains(got, "200") || strings.Contains(got, "{") {
			t.Errorf("%s: reason.length = %q", lang, got)
		}
	}
	got := apperr.Text("ca", "reason.one_of", map[string]any{"values": []string{"need", "asset"}})
	if !strings.Contains(got, "need, asset") {
		t.Errorf("one_of in ca = %q", got)
	}
	if apperr.Text("ca", "code.no_such_code", nil) != "" {
		t.Error("an unknown key should have no text")
	}
}

func TestLocalize(t *testing.T) {
	e := apperr.New(apperr.Conflict, "too_many_follows", "You follow too many things.")
	if msg, _ := apperr.Localize(e, "en"); msg != "You follow too many things." {
		t.Errorf("English keeps the call site's message, got %q", msg)
	}
	if msg, _ := apperr.Localize(e, "ca"); msg == e.Message || msg == "" {
		t.Errorf("Catalan should come from the catalog, got %q", msg)
	}
	err := apperr.Validation(apperr.Fields{"title": apperr.Length(3, 200)})
	ae, _ := apperr.As(err)
	_, fields := apperr.Localize(ae, "es")
	if !strings.Contains(fields["title"], "200") {
		t.Errorf("es field = %q", fields["title"])
	}
	if apperr.Validation(apperr.Fields{}) != nil {
		t.Error("no fields should be no error")
	}
	base := apperr.New(apperr.Conflict, "wrong_phase", "x")
	withPhase := base.With("phase", "synthesis")
	if base.Params != nil || withPhase.Params["phase"] != "synthesis" {
		t.Error("With must copy, not change, the error it is called on")
	}
}
