package diagnosis

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// Collections. Every hot read is an `_id` lookup; the secondary indexes below serve only cold paths (a
// person's data export and deletion, an index rebuild, a recount).
const (
	colDiagnoses     = "diagnoses"
	colContributions = "diagnosis_contributions"
	colSupports      = "diagnosis_supports"
	colReports       = "diagnosis_reports"
	colFindings      = "diagnosis_findings"
	colBallots       = "diagnosis_ballots"
	colStats         = "diagnosis_stats"
	colActions       = "diagnosis_actions"
)

// Migrations returns this package's collections and indexes (numbers 0010–0019 are this package's).
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0010_diagnosis_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colDiagnoses, colContributions, colSupports, colReports, colFindings,
				colBallots, colStats, colActions); err != nil {
				return err
			}
			return s.CreateIndexes(ctx,
				store.Index{Collection: colContributions, Name: "contributions_author", Keys: []string{"authorId"}},
				store.Index{Collection: colContributions, Name: "contributions_facilitator", Keys: []string{"assisted.facilitatorId"}},
				store.Index{Collection: colSupports, Name: "supports_user", Keys: []string{"userId"}},
				store.Index{Collection: colReports, Name: "reports_user", Keys: []string{"userId"}},
				store.Index{Collection: colBallots, Name: "ballots_diagnosis", Keys: []string{"diagnosisId"}},
				store.Index{Collection: colBallots, Name: "ballots_voter", Keys: []string{"voterId"}},
				store.Index{Collection: colFindings, Name: "findings_author", Keys: []string{"authorId"}},
			)
		},
	}}
}

// Store reads and writes this package's collections. It reads by id, inserts and deletes through the shared
// store's own methods (Get, Insert, Delete); its own methods are the writes with this package's rules.
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// update applies an update document to one id; store.ErrNotFound when there is no such document. It goes
// through store.Update (a revision claim first), so concurrent changes of one document — supports, reports,
// citations, an edit, a moderation — never overwrite each other, across connections and nodes.
func (st *Store) update(ctx context.Context, col, id string, upd bson.M) error {
	_, err := st.Store.Update(ctx, col, id, func(cur bson.Raw) (bson.M, error) {
		if cur == nil {
			return nil, store.ErrNotFound
		}
		return upd, nil
	})
	return store.Wrap(col+": update", err)
}

// updateIf applies upd when the document still has the revision rev; store.ErrNotFound when it changed
// or vanished (the caller reloads and retries). It first claims revision rev+1 (store.ClaimRevision): the
// `rev` filter alone lets two writers on two connections both succeed on FerretDB. upd's $set.rev is set to
// the claimed revision.
func (st *Store) updateIf(ctx context.Context, col, id string, rev int, upd bson.M) error {
	next, err := st.ClaimRevision(ctx, col, id, rev, func(ctx context.Context) (int, error) {
		var d struct {
			Rev int `bson:"rev"`
		}
		err := st.C(col).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
		return d.Rev, store.Wrap(col+": revision", err)
	})
	if errors.Is(err, store.ErrConflict) {
		return store.Wrap(col+": update", mongo.ErrNoDocuments)
	}
	if err != nil {
		return err
	}
	if set, ok := upd["$set"].(bson.M); ok {
		set["rev"] = next
	}
	filter := bson.M{"_id": id, "rev": rev}
	if rev == 0 { // written before it had revisions
		filter = bson.M{"_id": id, "$or": bson.A{bson.M{"rev": 0}, bson.M{"rev": bson.M{"$exists": false}}}}
	}
	return store.Wrap(col+": update", store.Matched(st.C(col).UpdateOne(ctx, filter, upd)))
}

// incStats moves a diagnosis's counters, creating its stats document on first use (store.Update: no
// increment is lost when many people support or vote at once through several nodes).
func (st *Store) incStats(ctx context.Context, diagID string, inc bson.M) error {
	_, err := st.Store.Update(ctx, colStats, diagID, func(bson.Raw) (bson.M, error) { return bson.M{"$inc": inc}, nil })
	return store.Wrap("diagnosis: stats", err)
}

// setStats sets counters of a diagnosis (a recount's repair), creating its stats document when absent,
// through store.Update like every other writer of it. Its errors are store.Update's, unwrapped.
func (st *Store) setStats(ctx context.Context, diagID string, set bson.M) error {
	_, err := st.Store.Update(ctx, colStats, diagID, func(bson.Raw) (bson.M, error) { return bson.M{"$set": set}, nil })
	return err
}

// stats returns a diagnosis's counters (zero when none were recorded yet).
func (st *Store) stats(ctx context.Context, diagID string) (*statsDoc, error) {
	var s statsDoc
	err := st.Get(ctx, colStats, diagID, &s)
	if store.IsNotFound(err) {
		return &statsDoc{ID: diagID, Votes: map[string]int{}}, nil
	}
	if s.Votes == nil {
		s.Votes = map[string]int{}
	}
	return &s, err
}

// ids streams the ids of a collection, optionally filtered (cold paths: rebuilds, data rights).
func (st *Store) ids(ctx context.Context, col string, filter bson.M, yield func(string) error) error {
	return st.EachID(ctx, col, filter, yield)
}

// collect returns the ids ids would stream.
func (st *Store) collect(ctx context.Context, col string, filter bson.M) ([]string, error) {
	var out []string
	err := st.ids(ctx, col, filter, func(id string) error { out = append(out, id); return nil })
	return out, err
}

// reportsOf returns up to limit of a contribution's reports, oldest first.
func (st *Store) reportsOf(ctx context.Context, contributionID string, limit int64) ([]reportDoc, error) {
	return store.Find[reportDoc](ctx, st.Store, colReports, bson.M{"contributionId": contributionID},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}).SetLimit(limit))
}

// forgetUser deletes the person's ballot records and removes their id from every document that still
// names them: ballots they entered for someone else, findings, actions and diagnoses (account deletion).
func (st *Store) forgetUser(ctx context.Context, userID string) error {
	if _, err := st.C(colBallots).DeleteMany(ctx, bson.M{"voterId": userID}); err != nil {
		return store.Wrap("ballots: forget user", err)
	}
	for _, u := range []struct{ col, field string }{{colBallots, "facilitatorId"}, {colFindings, "authorId"},
		{colActions, "createdBy"}, {colDiagnoses, "createdBy"}} {
		if _, err := st.C(u.col).UpdateMany(ctx, bson.M{u.field: userID}, bson.M{"$unset": bson.M{u.field: ""}}); err != nil {
			return store.Wrap(u.col+": forget user", err)
		}
	}
	return nil
}

// contributionsBy returns the contributions the person wrote (data export: a cold path on its own index).
func (st *Store) contributionsBy(ctx context.Context, userID string) ([]contribDoc, error) {
	return store.Find[contribDoc](ctx, st.Store, colContributions, bson.M{"authorId": userID})
}

// contributionsEnteredBy returns the contributions the person entered on someone's behalf (data export).
func (st *Store) contributionsEnteredBy(ctx context.Context, userID string) ([]contribDoc, error) {
	return store.Find[contribDoc](ctx, st.Store, colContributions, bson.M{"assisted.facilitatorId": userID})
}

// supportsBy returns the person's support records (data export).
func (st *Store) supportsBy(ctx context.Context, userID string) ([]supportDoc, error) {
	return store.Find[supportDoc](ctx, st.Store, colSupports, bson.M{"userId": userID})
}

// reportsBy returns the person's report records (data export).
func (st *Store) reportsBy(ctx context.Context, userID string) ([]reportDoc, error) {
	return store.Find[reportDoc](ctx, st.Store, colReports, bson.M{"userId": userID})
}

// ballotsOf returns the ballots the person cast or entered for someone else (data export).
func (st *Store) ballotsOf(ctx context.Context, userID string) ([]ballotDoc, error) {
	return store.Find[ballotDoc](ctx, st.Store, colBallots, bson.M{"$or": bson.A{bson.M{"voterId": userID}, bson.M{"facilitatorId": userID}}})
}

// findingsBy returns the findings the person wrote (data export).
func (st *Store) findingsBy(ctx context.Context, userID string) ([]findingDoc, error) {
	return store.Find[findingDoc](ctx, st.Store, colFindings, bson.M{"authorId": userID})
}

// personalRecord is what anonymising needs of a support or report record.
type personalRecord struct {
	ID             string    `bson:"_id"`
	ContributionID string    `bson:"contributionId"`
	CreatedAt      time.Time `bson:"createdAt"`
}

// recordsBy returns the person's records in col, a support or report collection (account deletion).
func (st *Store) recordsBy(ctx context.Context, col, userID string) ([]personalRecord, error) {
	return store.Find[personalRecord](ctx, st.Store, col, bson.M{"userId": userID})
}

// recordsPerContribution counts the records of col (supports or reports) by contribution, reading every
// record (the doctor's recount: a cold path).
func (st *Store) recordsPerContribution(ctx context.Context, col string) (map[string]int, error) {
	type record struct {
		ContributionID string `bson:"contributionId"`
	}
	recs, err := store.Find[record](ctx, st.Store, col, bson.M{})
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, r := range recs {
		n[r.ContributionID]++
	}
	return n, nil
}

// countedContribution is a contribution's counters, as the recount compares them with their records.
type countedContribution struct {
	ID          string `bson:"_id"`
	DiagnosisID string `bson:"diagnosisId"`
	Supports    int    `bson:"supports"`
	Reports     int    `bson:"reports"`
}

// contributionCounts returns every contribution's counters (the doctor's recount: a cold path).
func (st *Store) contributionCounts(ctx context.Context) ([]countedContribution, error) {
	return store.Find[countedContribution](ctx, st.Store, colContributions, bson.M{})
}

func (st *Store) count(ctx context.Context, col string) (int, error) {
	n, err := st.C(col).CountDocuments(ctx, bson.M{})
	return int(n), store.Wrap(col+": count", err)
}

// listed runs a read-model list and loads the page's records fresh from the store by id, skipping records
// deleted since they were indexed.
func listed[T, A any](ctx context.Context, s *Service, p *auth.Principal, req search.ListRequest, col string,
	api func(*T) A) ([]A, string, error) {
	req.IDsOnly = true
	res, err := s.rm.List(ctx, readerFor(p), req)
	if err != nil {
		return nil, "", err
	}
	docs, err := store.GetMany[T](ctx, s.st.Store, col, readmodel.RecordIDs(res.Items))
	if err != nil {
		return nil, "", err
	}
	out := make([]A, 0, len(docs))
	for _, d := range docs {
		if d != nil {
			out = append(out, api(d))
		}
	}
	return out, res.NextCursor, nil
}
