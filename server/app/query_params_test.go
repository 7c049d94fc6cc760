package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/testkit"
)

// funcKey names a function as runtime.FuncForPC does, without closures' suffixes: "server/practice.(*Handlers).List".
type queryScan struct {
	keys    map[string][]string // function → query keys read in its body (closures included)
	callees map[string][]string // function → same-package functions it calls
}

// scanQueries parses every non-test Go file under server/ and records, per function or method, the literal
// keys of c.Query*/c.QueryInt/... calls in its body and the package's functions it calls.
func scanQueries(t *testing.T) queryScan {
	t.Helper()
	qs := queryScan{keys: map[string][]string{}, callees: map[string][]string{}}
	fset := token.NewFileSet()
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkg := "github.com/teixit/teixit/server/" + filepath.ToSlash(filepath.Dir(strings.TrimPrefix(path, "../")))
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := pkg + "." + fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				recv := fd.Recv.List[0].Type
				star := ""
				if s, ok := recv.(*ast.StarExpr); ok {
					recv, star = s.X, "*"
				}
				if id, ok := recv.(*ast.Ident); ok {
					name = pkg + ".(" + star + id.Name + ")." + fd.Name.Name
					if star == "" {
						name = pkg + "." + id.Name + "." + fd.Name.Name
					}
				}
			}
			recvType := ""
			if i := strings.Index(name, ".("); i >= 0 {
				recvType = name[:strings.LastIndex(name, ".")]
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					if strings.HasPrefix(fn.Sel.Name, "Query") && len(call.Args) > 0 {
						if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							k, _ := strconv.Unquote(lit.Value)
							qs.keys[name] = append(qs.keys[name], k)
						}
					}
					if recvType != "" { // h.helper(c, …): another method of the same handlers
						qs.callees[name] = append(qs.callees[name], recvType+"."+fn.Sel.Name)
					}
				case *ast.Ident:
					qs.callees[name] = append(qs.callees[name], pkg+"."+fn.Name)
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// resolve maps a runtime function name to a scanned one. A closure the compiler inlined where the route
// table was built is named after the table ("app.(*App).table.(*Handlers).ListFor"): its method is found by
// its receiver and name, which must then be unique.
func (qs queryScan) resolve(t *testing.T, fn string) string {
	if _, ok := qs.callees[fn]; ok {
		return fn
	}
	if _, ok := qs.keys[fn]; ok {
		return fn
	}
	i := strings.LastIndex(fn, ".(")
	if i < 0 {
		return fn
	}
	suffix := fn[i:]
	var found []string
	for name := range qs.callees {
		if strings.HasSuffix(name, suffix) {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		t.Errorf("%s: no function ends in %s", fn, suffix)
		return fn
	}
	sort.Strings(found)
	for _, f := range found[1:] { // several: they must read the same (then which one does not matter)
		a, b := qs.read(found[0], map[string]bool{}), qs.read(f, map[string]bool{})
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(slices.Compact(a), slices.Compact(b)) {
			t.Errorf("%s: %v end in %s and read different query parameters", fn, found, suffix)
		}
	}
	return found[0]
}

// read is every query key fn reads, itself or through the same package's functions it calls.
func (qs queryScan) read(fn string, seen map[string]bool) []string {
	if seen[fn] {
		return nil
	}
	seen[fn] = true
	out := append([]string(nil), qs.keys[fn]...)
	for _, c := range qs.callees[fn] {
		out = append(out, qs.read(c, seen)...)
	}
	return out
}

// TestQueryParametersDocumented: the query parameters each API handler reads are exactly the ones its route
// documents (and so the OpenAPI document lists), no more and no fewer.
func TestQueryParametersDocumented(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	qs := scanQueries(t)
	summaries := map[string]string{}
	var doc struct {
		Paths map[string]map[string]struct{ Summary string } `json:"paths"`
	}
	a.Do(nil, "GET", "/api/v1/openapi.json", nil).JSON(t, &doc)
	for p, ops := range doc.Paths {
		for m, op := range ops {
			summaries[strings.ToUpper(m)+" "+p] = op.Summary
		}
	}
	for route, fn := range a.RouteHandlers() {
		fn = strings.TrimSuffix(fn, "-fm")
		if i := strings.Index(fn, ".func"); i >= 0 { // a closure: the function that returned it
			fn = fn[:i]
		}
		fn = qs.resolve(t, fn)
		read := qs.read(fn, map[string]bool{})
		sort.Strings(read)
		read = slices.Compact(read)
		method, path, _ := strings.Cut(route, " ")
		docPath := "/api/v1" + pathParamRE(path)
		documented, _ := app.QueryParams(summaries[method+" "+docPath])
		sort.Strings(documented)
		if !slices.Equal(read, documented) {
			t.Errorf("%s (%s): reads ?%v, documents ?%v", route, fn, read, documented)
		}
	}
}

func pathParamRE(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
