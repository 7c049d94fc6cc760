// Package doctor checks a Teixit deployment — the store, its migrations and indexes, claims left by crashed
// writers, the search outbox, the file store, leftovers of older versions and the settings — and says in
// plain words what is wrong and how to fix it (`teixit doctor`, `teixit doctor -repair`). It works on the
// store as it is: it runs no migrations, so it can tell what a start-up would have to do.
package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/teixit/teixit/media/blob"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// Deps is what the doctor looks at. Store and Migrations are required; Blobs may be nil (not checked).
type Deps struct {
	Store      *store.Store
	Migrations []store.Migration
	Blobs      blob.Store
	Config     config.Config
	// RemoveOrg takes an organisation out of a person's list (account); used by -repair for leftovers.
	RemoveOrg func(ctx context.Context, userID, orgID string) error
	// Counts compare counters with the records they count (a contribution's supports and reports…): a
	// process that died between a record and its counter leaves them apart. With Repair they are fixed.
	Counts []CountCheck
	// Repair fixes what can be fixed safely instead of only reporting it.
	Repair bool
	Now    func() time.Time
}

// CountCheck is one domain's counters: Run returns how many are wrong and, with repair, how many it fixed.
type CountCheck struct {
	Name string // what is counted, in plain words ("supports and reports of contributions")
	Run  func(ctx context.Context, repair bool) (wrong, fixed int, err error)
}

// Finding is the result of one check: OK, or a problem with the way to fix it.
type Finding struct {
	Check    string
	OK       bool
	Text     string // what was found, in plain words
	Fix      string // what to do about it (problems only)
	Repaired bool   // -repair fixed it
}

// Report is every finding, in the order checked.
type Report struct{ Findings []Finding }

// Problems counts findings that are wrong and were not repaired.
func (r Report) Problems() int {
	n := 0
	for _, f := range r.Findings {
		if !f.OK && !f.Repaired {
			n++
		}
	}
	return n
}

// Write prints the report for a person at a terminal.
func (r Report) Write(w io.Writer) {
	for _, f := range r.Findings {
		mark := "ok     "
		switch {
		case f.Repaired:
			mark = "FIXED  "
		case !f.OK:
			mark = "PROBLEM"
		}
		fmt.Fprintf(w, "%s %-10s %s\n", mark, f.Check, f.Text)
		if !f.OK && f.Fix != "" && !f.Repaired {
			fmt.Fprintf(w, "        %-10s Fix: %s\n", "", f.Fix)
		}
	}
	if n := r.Problems(); n == 0 {
		fmt.Fprintln(w, "\nNothing wrong found.")
	} else {
		fmt.Fprintf(w, "\n%d problem(s) found.\n", n)
	}
}

// AbandonedAfter is how old a revision claim without its write must be before -repair deletes it: far
// beyond store.StaleRevision, so that no live writer can still be between its claim and its write.
const AbandonedAfter = time.Hour

// OutboxLagWarn is how many changes a node's index may be behind the store before it is reported.
const OutboxLagWarn = 1000

// Run checks everything and returns the report. A store that does not answer ends the checks there.
func Run(ctx context.Context, d Deps) Report {
	if d.Now == nil {
		d.Now = time.Now
	}
	var r Report
	add := func(f Finding) { r.Findings = append(r.Findings, f) }
	if !checkStore(ctx, d, add) {
		return r
	}
	checkMigrations(ctx, d, add)
	checkIndexes(ctx, d, add)
	checkClaims(ctx, d, add)
	checkOutbox(ctx, d, add)
	checkLeftovers(ctx, d, add)
	checkCounts(ctx, d, add)
	checkBlobs(ctx, d, add)
	checkSettings(d, add)
	return r
}

func checkStore(ctx context.Context, d Deps, add func(Finding)) bool {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.Store.Ping(pctx); err != nil {
		where := "the embedded store"
		if d.Config.MongoURI != "" {
			where = redact(d.Config.MongoURI)
		}
		add(Finding{Check: "store", Text: fmt.Sprintf("The store at %s does not answer (%v).", where, err),
			Fix: "Start it (for several nodes: `teixit ferretdb` on PostgreSQL, or the MongoDB replica set) and check TEIXIT_MONGODB_URI."})
		return false
	}
	var info struct {
		Version  string `bson:"version"`
		FerretDB string `bson:"ferretdbVersion"`
	}
	_ = d.Store.Client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info)
	kind := "MongoDB " + info.Version
	switch info.FerretDB {
	case "":
	case "unknown": // the FerretDB linked into teixit (its version is not stamped)
		kind = "FerretDB v1 (linked into teixit; MongoDB " + info.Version + " compatible)"
	default:
		kind = "FerretDB " + info.FerretDB + " (MongoDB " + info.Version + " compatible)"
	}
	handler := "shared store at " + redact(d.Config.MongoURI)
	if d.Store.Embedded() {
		handler = "embedded, on SQLite in " + d.Config.DataDir
	}
	colls, err := d.Store.DB.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		add(Finding{Check: "store", Text: fmt.Sprintf("The store answers but cannot list its collections (%v).", err),
			Fix: "Check that the user in TEIXIT_MONGODB_URI may read the database."})
		return false
	}
	add(Finding{Check: "store", OK: true, Text: fmt.Sprintf("%s, %s: database %q, %d collections.", kind, handler, d.Store.DB.Name(), len(colls))})
	return true
}

func checkMigrations(ctx context.Context, d Deps, add func(Finding)) {
	done, err := d.Store.Migrations(ctx)
	if err != nil {
		add(Finding{Check: "migrations", Text: fmt.Sprintf("Cannot read which migrations ran (%v).", err)})
		return
	}
	var missing []string
	for _, m := range d.Migrations {
		if !slices.Contains(done, m.Name) {
			missing = append(missing, m.Name)
		}
	}
	var unknown []string
	for _, n := range done {
		if !slices.ContainsFunc(d.Migrations, func(m store.Migration) bool { return m.Name == n }) {
			unknown = append(unknown, n)
		}
	}
	switch {
	case len(missing) > 0 && d.Repair:
		if err := d.Store.Migrate(ctx, d.Migrations); err != nil {
			add(Finding{Check: "migrations", Text: fmt.Sprintf("%d migration(s) not applied, and applying them failed: %v.", len(missing), err),
				Fix: "Read the error above; the store may be read-only or full."})
			return
		}
		add(Finding{Check: "migrations", Repaired: true, Text: fmt.Sprintf("Applied %d missing migration(s): %s.", len(missing), strings.Join(missing, ", "))})
	case len(missing) > 0:
		add(Finding{Check: "migrations", Text: fmt.Sprintf("%d migration(s) not applied yet: %s.", len(missing), strings.Join(missing, ", ")),
			Fix: "Start `teixit serve` once (it applies them at start-up) or run `teixit doctor -repair`."})
	case len(unknown) > 0:
		add(Finding{Check: "migrations", Text: fmt.Sprintf("The store was used by a newer Teixit (unknown migrations: %s).", strings.Join(unknown, ", ")),
			Fix: "Run the newer version, or restore a backup made with this one."})
	default:
		add(Finding{Check: "migrations", OK: true, Text: fmt.Sprintf("All %d migrations applied.", len(done))})
	}
}

func checkIndexes(ctx context.Context, d Deps, add func(Finding)) {
	colls, err := d.Store.DB.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		add(Finding{Check: "indexes", Text: fmt.Sprintf("Cannot list collections (%v).", err)})
		return
	}
	var noID []string
	for _, c := range colls {
		specs, err := d.Store.C(c).Indexes().ListSpecifications(ctx)
		if err != nil {
			add(Finding{Check: "indexes", Text: fmt.Sprintf("Cannot list the indexes of %s (%v).", c, err)})
			return
		}
		if !slices.ContainsFunc(specs, func(s *mongo.IndexSpecification) bool { return s.Name == "_id_" }) {
			noID = append(noID, c)
		}
	}
	if len(noID) > 0 {
		slices.Sort(noID)
		add(Finding{Check: "indexes", Text: fmt.Sprintf("%d collection(s) have no _id index: %s. Ids are not unique there, so claims are not safe.",
			len(noID), strings.Join(noID, ", ")),
			Fix: "Restore them from a backup made before they were damaged; do not serve with this store."})
	}
	missing, err := d.Store.MissingIDIndexes(ctx)
	if err != nil {
		add(Finding{Check: "indexes", Text: fmt.Sprintf("Cannot read the embedded store's SQLite indexes (%v).", err)})
		return
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		if d.Repair {
			if err := d.Store.EnsureIDIndexes(ctx); err == nil {
				add(Finding{Check: "indexes", Repaired: true, Text: fmt.Sprintf("Added the fast _id lookup index to %d collection(s): %s.", len(missing), strings.Join(missing, ", "))})
				return
			}
		}
		add(Finding{Check: "indexes", Text: fmt.Sprintf("%d collection(s) lack the fast _id lookup index, so every read there scans the table: %s.",
			len(missing), strings.Join(missing, ", ")), Fix: "Run `teixit doctor -repair` (or restart `teixit serve`, which adds them at start-up)."})
		return
	}
	if len(noID) == 0 {
		add(Finding{Check: "indexes", OK: true, Text: fmt.Sprintf("Every one of %d collections has its _id index.", len(colls))})
	}
}

// checkClaims finds revision claims whose write never came (a writer crashed between claim and write) and
// claims for revisions a document has already passed (their pruning failed). The first block nothing for
// long (store.StaleRevision) but pile up; the second are garbage. -repair deletes both (the first only when
// older than AbandonedAfter).
func checkClaims(ctx context.Context, d Deps, add func(Finding)) {
	now := d.Now()
	var abandoned, passed, repaired int
	colls, _ := d.Store.DB.ListCollectionNames(ctx, bson.M{})
	err := d.Store.RevisionClaims(ctx, func(c store.RevisionClaim) error {
		if !slices.Contains(colls, c.Kind) || now.Sub(c.At) < store.StaleRevision {
			return nil // not an Update claim (practices keep their own), or maybe a writer at work right now
		}
		var doc struct {
			Rev int `bson:"rev"`
		}
		err := d.Store.C(c.Kind).FindOne(ctx, bson.M{"_id": c.Doc}).Decode(&doc)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return err
		}
		switch {
		case err == nil && doc.Rev >= c.Rev: // written, then not pruned
			passed++
			if d.Repair && doc.Rev > c.Rev {
				if d.Store.ReleaseClaim(ctx, c.ID) == nil {
					repaired++
				}
			}
		default: // never written
			abandoned++
			if d.Repair && now.Sub(c.At) > AbandonedAfter {
				if d.Store.ReleaseClaim(ctx, c.ID) == nil {
					repaired++
				}
			}
		}
		return nil
	})
	switch {
	case err != nil:
		add(Finding{Check: "claims", Text: fmt.Sprintf("Cannot read the revision claims (%v).", err)})
	case abandoned+passed == 0:
		add(Finding{Check: "claims", OK: true, Text: "No claim left behind by an interrupted write."})
	case d.Repair && repaired > 0:
		add(Finding{Check: "claims", Repaired: true, Text: fmt.Sprintf("Deleted %d claim(s) left behind (%d by writes that never finished, %d already passed).",
			repaired, abandoned, passed)})
	default:
		add(Finding{Check: "claims", Text: fmt.Sprintf("%d claim(s) by writes that never finished (a node stopped mid-write) and %d already passed.", abandoned, passed),
			Fix: "Run `teixit doctor -repair` (it deletes those older than an hour; edits of those documents work meanwhile)."})
	}
}

func checkOutbox(ctx context.Context, d Deps, add func(Finding)) {
	head, err := readmodel.NewOutbox(d.Store, "doctor").Head(ctx)
	if err != nil {
		add(Finding{Check: "search", Text: fmt.Sprintf("Cannot read the search outbox (%v).", err)})
		return
	}
	cps, err := readmodel.Checkpoints(ctx, d.Store)
	if err != nil {
		add(Finding{Check: "search", Text: fmt.Sprintf("Cannot read the nodes' search checkpoints (%v).", err)})
		return
	}
	if len(cps) == 0 {
		add(Finding{Check: "search", OK: true, Text: fmt.Sprintf("No node has indexed yet (%d changes waiting).", head)})
		return
	}
	now := d.Now()
	for _, c := range cps {
		lag := int64(head) - int64(c.Seq)
		seen := now.Sub(c.At).Round(time.Second)
		switch {
		case lag > OutboxLagWarn && seen > 10*time.Minute:
			add(Finding{Check: "search", Text: fmt.Sprintf("Node %s is %d changes behind and last reported %s ago.", c.Node, lag, seen),
				Fix: "If that node is gone for good, nothing to do (it stops holding back pruning after an hour); if it runs, read its log and `/readyz`."})
		case lag > OutboxLagWarn:
			add(Finding{Check: "search", Text: fmt.Sprintf("Node %s's search index is %d changes behind the store.", c.Node, lag),
				Fix: "Wait a little and check again; if it does not shrink, restart that node or run `teixit reindex` there."})
		default:
			add(Finding{Check: "search", OK: true, Text: fmt.Sprintf("Node %s's search index is %d change(s) behind the store (reported %s ago).", c.Node, max(lag, 0), seen)})
		}
	}
}

// checkLeftovers finds memberships of organisations that do not exist, which versions before the create
// order was fixed could leave after a crash (and which then made that person's account deletion fail).
func checkLeftovers(ctx context.Context, d Deps, add func(Finding)) {
	type membership struct {
		ID     string `bson:"_id"`
		OrgID  string `bson:"orgId"`
		UserID string `bson:"userId"`
	}
	ms, err := store.Find[membership](ctx, d.Store, "memberships", bson.M{})
	if err != nil {
		add(Finding{Check: "leftovers", Text: fmt.Sprintf("Cannot read memberships (%v).", err)})
		return
	}
	orphans, fixed := 0, 0
	exists := map[string]bool{}
	for _, m := range ms {
		ok, seen := exists[m.OrgID]
		if !seen {
			n, err := d.Store.C("organisations").CountDocuments(ctx, bson.M{"_id": m.OrgID})
			if err != nil {
				add(Finding{Check: "leftovers", Text: fmt.Sprintf("Cannot read organisations (%v).", err)})
				return
			}
			ok = n > 0
			exists[m.OrgID] = ok
		}
		if ok {
			continue
		}
		orphans++
		if d.Repair && d.RemoveOrg != nil {
			// The person's list first: it must never name a membership that is gone.
			if d.RemoveOrg(ctx, m.UserID, m.OrgID) == nil && d.Store.Release(ctx, "memberships", m.ID) == nil {
				fixed++
			}
		}
	}
	switch {
	case orphans == 0:
		add(Finding{Check: "leftovers", OK: true, Text: "No membership of an organisation that does not exist."})
	case fixed == orphans:
		add(Finding{Check: "leftovers", Repaired: true, Text: fmt.Sprintf("Removed %d membership(s) of organisations that never existed (an interrupted create).", fixed)})
	default:
		add(Finding{Check: "leftovers", Text: fmt.Sprintf("%d membership(s) of organisations that do not exist (left by an interrupted create in an older version).", orphans-fixed),
			Fix: "Run `teixit doctor -repair` to remove them."})
	}
}

func checkCounts(ctx context.Context, d Deps, add func(Finding)) {
	for _, c := range d.Counts {
		wrong, fixed, err := c.Run(ctx, d.Repair)
		switch {
		case err != nil:
			add(Finding{Check: "counts", Text: fmt.Sprintf("Cannot check the %s (%v).", c.Name, err), Fix: "Check that the store answers, then run the doctor again."})
		case wrong == 0:
			add(Finding{Check: "counts", OK: true, Text: fmt.Sprintf("The %s match their records.", c.Name)})
		case fixed >= wrong:
			add(Finding{Check: "counts", Repaired: true, Text: fmt.Sprintf("Set %d count(s) of %s to their records (a process stopped between a record and its count).", fixed, c.Name)})
		default:
			add(Finding{Check: "counts", Text: fmt.Sprintf("%d count(s) of %s do not match their records (a process stopped between a record and its count).", wrong-fixed, c.Name),
				Fix: "Run `teixit doctor -repair` to set them to their records."})
		}
	}
}

func checkBlobs(ctx context.Context, d Deps, add func(Finding)) {
	if d.Blobs == nil {
		return
	}
	where := "the folder " + d.Config.DataDir + "/media"
	if d.Config.S3.Endpoint != "" {
		where = "the bucket " + d.Config.S3.Bucket + " at " + d.Config.S3.Endpoint
	}
	probe := []byte("teixit doctor probe " + d.Now().UTC().Format(time.RFC3339Nano))
	info, err := d.Blobs.Put(ctx, bytes.NewReader(probe), int64(len(probe)))
	if err != nil {
		add(Finding{Check: "files", Text: fmt.Sprintf("The file store (%s) refuses writes: %v.", where, err),
			Fix: "Check the folder's owner and free space, or the bucket, its credentials and TEIXIT_S3_* settings."})
		return
	}
	defer d.Blobs.Delete(info.Hash)
	f, err := d.Blobs.Open(info.Hash)
	if err == nil {
		var got []byte
		got, err = io.ReadAll(f)
		f.Close()
		if err == nil && !bytes.Equal(got, probe) {
			err = errors.New("the bytes read back differ from those written")
		}
	}
	if err != nil {
		add(Finding{Check: "files", Text: fmt.Sprintf("The file store (%s) takes files but does not give them back: %v.", where, err),
			Fix: "Check the bucket or folder: uploads and recordings would be lost."})
		return
	}
	add(Finding{Check: "files", OK: true, Text: fmt.Sprintf("The file store (%s) writes, reads and deletes.", where)})
}

func checkSettings(d Deps, add func(Finding)) {
	c := d.Config
	n := 0
	bad := func(text, fix string) { n++; add(Finding{Check: "settings", Text: text, Fix: fix}) }
	shared := c.MongoURI != ""
	if shared && c.Secret == "" {
		bad("Several nodes can share this store, but TEIXIT_SECRET is not set: each node makes up its own, so private links and TURN credentials from one node fail on the others.",
			"Set the same TEIXIT_SECRET (32+ random characters) on every node.")
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		bad("TEIXIT_SECRET is shorter than 32 characters: private links could be forged.", "Use 32 or more random characters (e.g. `openssl rand -hex 32`).")
	}
	if shared && c.S3.Endpoint == "" {
		bad("Several nodes can share this store, but files are kept in this node's folder: a photo uploaded through one node is missing on the others.",
			"Set TEIXIT_S3_ENDPOINT and TEIXIT_S3_BUCKET (an S3-compatible bucket every node reaches).")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || u.Host == "":
			bad(fmt.Sprintf("TEIXIT_BASE_URL %q is not a full address.", c.BaseURL), "Write it as https://your.domain (no path).")
		case u.Scheme == "http" && !loopback(u.Hostname()):
			bad("TEIXIT_BASE_URL is http:// on a public name: passwords and sessions would cross the network unencrypted.",
				"Serve Teixit behind HTTPS and set TEIXIT_BASE_URL to the https:// address.")
		}
	}
	if n == 0 {
		add(Finding{Check: "settings", OK: true, Text: "Settings agree with each other."})
	}
}

func loopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

// redact hides a password in a store address.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
