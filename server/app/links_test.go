package app_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/testkit"
	"github.com/teixit/teixit/server/translation"
)

// TestEveryLinkOpensAPage: every kind of record the server links to — in search hits, suggestions, notices and
// emails, all made by the read model's kinds — leads to a page of the browser app (frontend/src/routes.ts), not
// to "page not found". A kind added without its page fails here.
func TestEveryLinkOpensAPage(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	src, err := os.ReadFile(filepath.Join("..", "..", "frontend", "src", "routes.ts"))
	if err != nil {
		t.Fatal(err)
	}
	var routes []*regexp.Regexp
	for _, m := range regexp.MustCompile(`pattern: '([^']+)'`).FindAllStringSubmatch(string(src), -1) {
		re := regexp.MustCompile(`:[a-zA-Z]+`).ReplaceAllString(regexp.QuoteMeta(m[1]), `[^/]+`)
		routes = append(routes, regexp.MustCompile("^"+re+"$"))
	}
	if len(routes) < 40 {
		t.Fatalf("only %d routes read from routes.ts", len(routes))
	}
	kinds := a.ReadModel.Kinds()
	if len(kinds) < 12 {
		t.Fatalf("only %d kinds registered: %v", len(kinds), kinds)
	}
	for _, kind := range kinds {
		k, _ := a.ReadModel.Registered(kind)
		// A hit on a translation opens its original's page; a comment's link is its commented item's page,
		// stored with the comment (comment tests follow it): neither can be made from an id alone. Changes to
		// people's accounts index nothing (they reach every node's principal cache): no hit ever links there.
		if kind == translation.IndexKind || kind == comment.IndexKind || kind == account.ChangeKind {
			continue
		}
		if k.Link == nil {
			t.Errorf("kind %s has no page", kind)
			continue
		}
		link := k.Link("abc123xyz")
		u, err := url.Parse(link)
		if err != nil || u.Path == "" {
			t.Errorf("kind %s links to %q", kind, link)
			continue
		}
		opens := false
		for _, r := range routes {
			opens = opens || r.MatchString(u.Path)
		}
		if !opens {
			t.Errorf("kind %s links to %s, which no page of the app answers", kind, u.Path)
		}
	}
}
