package recording_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

func blobCount(t *testing.T, root string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) == 64 {
			n++
		}
		return nil
	})
	return n
}

// TestRetention: off by default (recordings kept); with N days set on the organisation, the maintenance
// pass at a fake "now" deletes recordings older than N days — segments, assets and blobs, manifest — and
// imports the others' closed segments.
func TestRetention(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	dir := f.standardSessionDir(t)
	ctx := context.Background()
	blobs := filepath.Join(f.a.Config.DataDir, "media")
	org := "/api/v1/organisations/" + f.org

	// The pass imports closed segments without anybody opening the recording.
	res, err := f.a.Recordings.Maintain(ctx, time.Now())
	if err != nil || res.Synced != 1 || len(res.Deleted) != 0 || blobCount(t, blobs) != 3 {
		t.Fatalf("first pass: %+v %v, %d blobs", res, err, blobCount(t, blobs))
	}
	m := f.manifest(t, f.member, f.base+"/recording")
	seg := m.Turns[0].URL
	if res, err := f.a.Recordings.Maintain(ctx, time.Now().AddDate(5, 0, 0)); err != nil || len(res.Deleted) != 0 {
		t.Fatalf("retention off keeps recordings: %+v %v", res, err)
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "negative retention", As: f.host, Method: "PATCH", Path: org, Body: map[string]int{"recordingRetentionDays": -1}, Status: 400},
		{Name: "a member cannot set it", As: f.member, Method: "PATCH", Path: org, Body: map[string]int{"recordingRetentionDays": 30}, Status: 403},
		{Name: "the admin sets 30 days", As: f.host, Method: "PATCH", Path: org, Body: map[string]int{"recordingRetentionDays": 30}, Status: 200,
			Contains: []string{`"recordingRetentionDays":30`}},
	})
	if res, err := f.a.Recordings.Maintain(ctx, time.Now().AddDate(0, 0, 29)); err != nil || len(res.Deleted) != 0 {
		t.Fatalf("29 days later: %+v %v", res, err)
	}
	res, err = f.a.Recordings.Maintain(ctx, time.Now().AddDate(0, 0, 31))
	if err != nil || len(res.Deleted) != 1 || res.Deleted[0] != f.day {
		t.Fatalf("31 days later: %+v %v", res, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("recording folder still there: %v", err)
	}
	if n := blobCount(t, blobs); n != 0 {
		t.Errorf("%d blobs left", n)
	}
	f.a.Run(t, []testkit.Scenario{
		{Name: "manifest gone", As: f.host, Method: "GET", Path: f.base + "/recording", Status: 404},
		{Name: "segment gone", As: f.host, Method: "GET", Path: seg, Status: 404},
		{Name: "download gone", As: f.host, Method: "GET", Path: f.base + "/recording/download", Status: 404},
		{Name: "no new links", As: f.member, Method: "POST", Path: f.base + "/recording/links", Status: 404},
	})
	if res, err := f.a.Recordings.Maintain(ctx, time.Now().AddDate(0, 0, 32)); err != nil || len(res.Deleted) != 0 {
		t.Fatalf("a second pass: %+v %v", res, err)
	}
}

func (f *fixture) standardSessionDir(t *testing.T) string {
	f.standardSession(t)
	return filepath.Join(f.a.Config.DataDir, "recordings", f.day)
}
