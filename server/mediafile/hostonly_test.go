package mediafile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/testkit"
)

// TestPlatformAdminReadsFilesWithNoGrant: a host-only recording segment is imported with no visibility at
// all; a platform admin reads it (as its import contract says), nobody else does without a signed link.
func TestPlatformAdminReadsFilesWithNoGrant(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	root, eva := a.Register("root@example.org", "Root"), a.Register("eva@example.org", "Eva")
	if _, err := a.Accounts.GrantAdmin(context.Background(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	asset, err := a.Media.Import(context.Background(), mediafile.ImportInput{ID: "hostonlyseg1", Purpose: "recording",
		Mime: "audio/ogg", Filename: "turn-1.ogg", Owner: "org:x", Visibility: []string{}, MaxBytes: 1 << 20},
		strings.NewReader("OggS fake segment bytes"))
	if err != nil {
		t.Fatal(err)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "platform admin", As: root, Method: "GET", Path: asset.URL, Status: 200, Contains: []string{"OggS"}},
		{Name: "another person", As: eva, Method: "GET", Path: asset.URL, Status: 404},
		{Name: "anonymous", Method: "GET", Path: asset.URL, Status: 404},
	})
	if r := a.Do(root, "GET", asset.URL, nil); r.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}
}
