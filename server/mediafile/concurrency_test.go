package mediafile_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/testkit"
)

// TestRevocationsAcrossNodes: six revocations of a file's links and six visibility changes at the same
// moment through three nodes (pools of four connections each). Every revocation counts (the link version
// is 6) and no link given out before them works: with `$inc` beside a plain `$set` (a read then a
// whole-document write on FerretDB) a visibility change could undo a revocation and revive old links.
func TestRevocationsAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 3)
	a := nodes[0]
	ana := a.Register("ana@example.org", "Ana")
	status, photo, body := upload(t, a, ana, "contribution", "foto.jpg", "image/jpeg", photoWithGPS(t))
	if status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	ctx := context.Background()
	old, _, err := a.Media.SignedURL(ctx, photo.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const each = 6
	var wg sync.WaitGroup
	for i := range each {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := nodes[i%3].Media.RevokeLinks(ctx, photo.ID); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if err := nodes[(i+1)%3].Media.SetVisibility(ctx, photo.ID, []string{"user:" + ana.UserID}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var d struct {
		LinkVersion int      `bson:"linkVersion"`
		Visibility  []string `bson:"visibility"`
	}
	if err := a.Store.C("media_assets").FindOne(ctx, bson.M{"_id": photo.ID}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.LinkVersion != each || len(d.Visibility) != 1 {
		t.Fatalf("link version %d, visibility %v; want %d revocations counted", d.LinkVersion, d.Visibility, each)
	}
	// (testkit's nodes each have their own secret: links are checked on the node that signed them)
	if r := a.Do(nil, "GET", old, nil); r.Status != 404 {
		t.Fatalf("a link revoked six times works: %d", r.Status)
	}
	fresh, _, err := a.Media.SignedURL(ctx, photo.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Do(nil, "GET", fresh, nil); r.Status != 200 {
		t.Fatalf("a link given after the revocations: %d", r.Status)
	}
	// Bad input: revoking or changing a file that does not exist is "not found", never a created document.
	if err := a.Media.RevokeLinks(ctx, "nothere"); err == nil {
		t.Fatal("revoked an unknown file")
	}
	if n, _ := a.Store.C("media_assets").CountDocuments(ctx, bson.M{"_id": "nothere"}); n != 0 {
		t.Fatal("an unknown file was created by a revocation")
	}
}

// TestDeleteAndUploadOfTheSameBytes: the last asset of a blob is deleted while the same bytes are uploaded
// again, in the worst order — the deletion has counted no other asset of the blob when the upload writes the
// blob and its asset. The new asset's bytes must stay readable (with the old code the deletion then removed
// the blob under it: a file that answers 404 or 500 for ever).
func TestDeleteAndUploadOfTheSameBytes(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	data := []byte("%PDF-1.4\n" + strings.Repeat("acta de la jornada ", 50) + "\n%%EOF\n")
	status, first, body := upload(t, a, ana, "attachment", "acta.pdf", "application/pdf", data)
	if status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	type result struct {
		status int
		as     asset
		body   string
	}
	again := make(chan result, 1)
	a.Media.SetAfterCount(func() {
		go func() {
			s, as, b := upload(t, a, ana, "attachment", "acta-2.pdf", "application/pdf", data)
			again <- result{s, as, b}
		}()
		// let the upload run until it holds the blob (new code) or has finished (old code)
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if len(again) > 0 {
				return
			}
			n, _ := a.Store.C("media_blob_holds").CountDocuments(context.Background(), bson.M{"_id": bson.M{"$regex": "^[0-9a-f]+:"}})
			if n > 0 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	if err := a.Media.Delete(context.Background(), first.ID); err != nil {
		t.Fatal(err)
	}
	a.Media.SetAfterCount(nil)
	r := <-again
	if r.status != 201 {
		t.Fatalf("second upload: %d %s", r.status, r.body)
	}
	if g := a.Do(ana, "GET", r.as.URL, nil); g.Status != 200 || !bytes.Equal(g.Body, data) {
		t.Fatalf("the new asset's bytes: %d (%d bytes); the deletion removed the blob under it", g.Status, len(g.Body))
	}
	if n, _ := a.Store.C("media_blob_holds").CountDocuments(context.Background(), bson.M{}); n != 0 {
		t.Errorf("%d holds or deletion claims left behind", n)
	}
}
