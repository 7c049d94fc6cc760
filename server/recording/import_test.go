package recording_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/media/recorder"
)

// TestImportIsIdempotentAndSafe: concurrent first reads import each closed segment once; a manifest entry
// naming a path outside the folder (a tampered manifest) is never imported nor listed; an open turn is
// counted, not listed.
func TestImportIsIdempotentAndSafe(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	dir := f.standardSessionDir(t)
	m, err := recorder.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(f.a.Config.DataDir, "secret.ogg")
	if err := os.WriteFile(secret, []byte("OggS not for you"), 0o600); err != nil {
		t.Fatal(err)
	}
	evil := m.Turns[0]
	evil.File = "../../secret.ogg"
	open := m.Turns[1]
	open.File, open.EndMS, open.EndedAt = "seg-0009.ogg", nil, nil
	m.Turns = append(m.Turns, evil, open)
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, recorder.ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	views := make([]recView, 4)
	for i := range views {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			views[i] = f.manifest(t, f.member, f.base+"/recording")
		}(i)
	}
	wg.Wait()
	for _, v := range views {
		if len(v.Turns) != 3 {
			t.Fatalf("turns listed: %+v", v.Turns)
		}
	}
	if n := blobCount(t, filepath.Join(f.a.Config.DataDir, "media")); n != 3 {
		t.Fatalf("%d blobs for 3 segments", n)
	}
	r := f.a.Do(f.member, "GET", f.base+"/recording", nil)
	var v struct{ InProgress int }
	r.JSON(t, &v)
	if v.InProgress != 1 {
		t.Errorf("in progress: %d", v.InProgress)
	}
	for i := 1; i <= 3; i++ {
		if _, err := f.a.Media.Get(context.Background(), "rec:"+f.day+":"+string(rune('0'+i))); err != nil {
			t.Errorf("asset %d: %v", i, err)
		}
	}
}

// TestImportAfterStop: stopping the recording (server/app calls Kick after server/live's stop) imports the
// day's segments within seconds, without anybody opening the recording.
func TestImportAfterStop(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.standardSession(t)
	f.a.Recordings.Kick(f.day)
	blobs := filepath.Join(f.a.Config.DataDir, "media")
	deadline := time.Now().Add(20 * time.Second)
	for blobCount(t, blobs) != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d blobs after the kick", blobCount(t, blobs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
