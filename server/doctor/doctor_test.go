package doctor_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/media/blob"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/doctor"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/testkit"

	_ "modernc.org/sqlite" // to damage the test store's SQLite file
)

func problems(r doctor.Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Findings {
		if !f.OK && !f.Repaired {
			out[f.Check] += f.Text + " | " + f.Fix
		}
	}
	return out
}

// TestHealthyDeployment: a running app's store, with its own file folder, has nothing wrong.
func TestHealthyDeployment(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal del barri", "kind": "association"})
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Load(nil, func(string) string { return "" })
	r := doctor.Run(context.Background(), doctor.Deps{Store: a.Store, Migrations: app.Migrations(), Blobs: blobs, Config: cfg})
	var out bytes.Buffer
	r.Write(&out)
	if r.Problems() != 0 || !strings.Contains(out.String(), "Nothing wrong found.") {
		t.Fatalf("a healthy deployment:\n%s", out.String())
	}
	for _, want := range []string{"FerretDB", "All ", "migrations applied", "No claim left", "file store", "search index"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestBrokenDeployment: a store left in a bad state by hand — a migration not recorded, no fast `_id`
// indexes, claims of writes that never landed and of revisions passed, a membership of an organisation
// that never existed, a file store that refuses writes, settings that contradict each other. Each is
// reported in plain words with its fix; -repair fixes the safe ones and a second run finds only what a
// person must fix.
func TestBrokenDeployment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testkit.Store(t)
	if err := s.Migrate(ctx, app.Migrations()); err != nil { // no EnsureIDIndexes: as an old version left it
		t.Fatal(err)
	}
	if _, err := s.C("migrations").DeleteOne(ctx, bson.M{"_id": app.Migrations()[len(app.Migrations())-1].Name}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if _, err := s.C("users").InsertOne(ctx, bson.M{"_id": "ana", "name": "Ana", "email": "ana@example.org",
		"orgIds": []string{"ghost"}, "rev": 3}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"users:ana:rev:4", "users:ana:rev:2"} { // 4 never written; 2 passed
		if _, err := s.C("revisions").InsertOne(ctx, bson.M{"_id": id, "at": old}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.C("memberships").InsertOne(ctx, bson.M{"_id": "ghost:ana", "orgId": "ghost", "userId": "ana", "role": "admin"}); err != nil {
		t.Fatal(err)
	}
	// A process died between a support record and its count.
	if _, err := s.C("diagnosis_contributions").InsertOne(ctx, bson.M{"_id": "c1", "diagnosisId": "d1", "supports": 0, "reports": 0, "rev": 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.C("diagnosis_supports").InsertOne(ctx, bson.M{"_id": "c1:ana", "contributionId": "c1", "userId": "ana"}); err != nil {
		t.Fatal(err)
	}
	dropIDIndex(t, s.DB.Name(), "users")
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Load(nil, func(string) string { return "" })
	cfg.MongoURI, cfg.BaseURL = "mongodb://user:hunter2@db.example.org/", "http://teixit.example.org"
	outbox := readmodel.NewOutbox(s, "doctor")
	announce := func(ctx context.Context, kind, id string, write func() error) error {
		if _, err := outbox.Append(ctx, kind, id); err != nil {
			return err
		}
		return write()
	}
	deps := doctor.Deps{Store: s, Migrations: app.Migrations(), Blobs: &blob.FS{Root: notADir}, Config: cfg,
		RemoveOrg: account.NewStore(s, nil).RemoveOrg, Counts: []doctor.CountCheck{{Name: "supports and reports of contributions",
			Run: func(ctx context.Context, repair bool) (int, int, error) {
				p, fixed, err := diagnosis.CheckCounts(ctx, s, announce, repair)
				return len(p), fixed, err
			}}}}

	r := doctor.Run(ctx, deps)
	var out bytes.Buffer
	r.Write(&out)
	got := problems(r)
	for check, want := range map[string]string{
		"migrations": "not applied yet",
		"indexes":    "lack the fast _id lookup index",
		"claims":     "1 claim(s) by writes that never finished",
		"leftovers":  "1 membership(s) of organisations that do not exist",
		"counts":     "2 count(s) of supports and reports of contributions do not match their records",
		"files":      "refuses writes",
		"settings":   "TEIXIT_SECRET is not set",
	} {
		if !strings.Contains(got[check], want) || !strings.Contains(got[check], "Fix:") && !strings.Contains(got[check], "| ") {
			t.Errorf("%s: %q; want it to say %q with a fix\n%s", check, got[check], want, out.String())
		}
	}
	for _, want := range []string{"files are kept in this node's folder", "http:// on a public name"} {
		if !strings.Contains(got["settings"], want) {
			t.Errorf("settings: %q lacks %q", got["settings"], want)
		}
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Error("the report shows the store's password")
	}

	deps.Repair = true
	r = doctor.Run(ctx, deps)
	out.Reset()
	r.Write(&out)
	if !strings.Contains(out.String(), "FIXED") {
		t.Fatalf("repair fixed nothing:\n%s", out.String())
	}
	deps.Repair = false
	got = problems(doctor.Run(ctx, deps))
	for _, fixed := range []string{"migrations", "indexes", "claims", "leftovers", "counts"} {
		if got[fixed] != "" {
			t.Errorf("after -repair, %s still: %s", fixed, got[fixed])
		}
	}
	if got["files"] == "" || got["settings"] == "" {
		t.Errorf("a person's problems must stay reported: %v", got)
	}
	var u struct {
		OrgIDs []string `bson:"orgIds"`
	}
	if err := s.C("users").FindOne(ctx, bson.M{"_id": "ana"}).Decode(&u); err != nil || len(u.OrgIDs) != 0 {
		t.Errorf("the leftover stays in the person's list: %v %v", u.OrgIDs, err)
	}
	// (the repair's own change of ana's list leaves its current claim, written now)
	if n, _ := s.C("revisions").CountDocuments(ctx, bson.M{"at": bson.M{"$lt": time.Now().Add(-time.Hour)}}); n != 0 {
		t.Errorf("%d old claims left", n)
	}
	if missing, err := s.MissingIDIndexes(ctx); err != nil || len(missing) != 0 {
		t.Errorf("after -repair, no _id index on %v (%v)", missing, err)
	}
}

// dropIDIndex removes the fast `_id` index of a collection from the test store's SQLite file, as a store
// made by an older version (or restored by hand) would lack it.
func dropIDIndex(t *testing.T, database, coll string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(os.TempDir(), "teixit-test-store-*", "db", database+".sqlite"))
	if len(files) != 1 {
		t.Skipf("the test store is not the embedded one here (%v)", files)
	}
	db, err := sql.Open("sqlite", "file:"+files[0]+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`DROP INDEX %q`, table+"_teixit_id")); err != nil {
		t.Fatal(err)
	}
}
