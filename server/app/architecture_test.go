package app

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/teixit/teixit/"

// TestArchitectureMap holds ARCHITECTURE.md to the code: every package of the module is in its layer table, every
// package named there exists, and no package imports one of the same or a higher layer. Tests are exempt: they
// may build the whole app through server/testkit.
func TestArchitectureMap(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	layers := layerTable(t, string(doc))
	imports := modulePackages(t, root)

	var missing, gone []string
	for pkg := range imports {
		if _, ok := layers[pkg]; !ok {
			missing = append(missing, pkg)
		}
	}
	for pkg := range layers {
		if _, ok := imports[pkg]; !ok {
			gone = append(gone, pkg)
		}
	}
	sort.Strings(missing)
	sort.Strings(gone)
	if len(missing) > 0 {
		t.Errorf("packages missing from ARCHITECTURE.md's layer table: %v", missing)
	}
	if len(gone) > 0 {
		t.Errorf("ARCHITECTURE.md names packages that do not exist: %v", gone)
	}
	for pkg, deps := range imports {
		for _, dep := range deps {
			if (strings.HasPrefix(pkg, "media/") || strings.HasPrefix(pkg, "search")) && strings.HasPrefix(dep, "server") {
				t.Errorf("%s imports %s: media/ and search/ are libraries and never import server/", pkg, dep)
			}
			from, okf := layers[pkg]
			to, okt := layers[dep]
			if okf && okt && to >= from {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports go to lower layers only", pkg, from, dep, to)
			}
		}
	}
}

// layerTable reads the "| layer | packages |" table: each row is a layer number and backquoted package paths.
func layerTable(t *testing.T, doc string) map[string]int {
	t.Helper()
	row := regexp.MustCompile("^\\| (\\d+) \\| (.+) \\|$")
	name := regexp.MustCompile("`([^`]+)`")
	layers := map[string]int{}
	for _, line := range strings.Split(doc, "\n") {
		m := row.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		for _, p := range name.FindAllStringSubmatch(m[2], -1) {
			if prev, dup := layers[p[1]]; dup {
				t.Errorf("%s is in layers %d and %d", p[1], prev, n)
			}
			layers[p[1]] = n
		}
	}
	if len(layers) == 0 {
		t.Fatal("no layer table in ARCHITECTURE.md")
	}
	return layers
}

// modulePackages maps each package directory (relative to the module root) to the module's packages its
// non-test files import. Directories holding only tests, hidden folders, testdata and node_modules are skipped.
func modulePackages(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if _, ok := out[rel]; !ok {
			out[rel] = nil
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if dep, ok := strings.CutPrefix(p, module); ok && dep != rel {
				out[rel] = append(out[rel], dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
