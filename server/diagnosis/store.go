package diagnosis

import (
	"context"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
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

// Store reads and writes this package's collections.
type Store struct{ s *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s: s} }

// get decodes the document with the id from the collection into dst; store.ErrNotFound when absent.
func (st *Store) get(ctx context.Context, col, id string, dst any) error {
	return st.s.Get(ctx, col, id, dst)
}

// insert adds a document; store.ErrDuplicate when its id exists.
func (st *Store) insert(ctx context.Context, col string, doc any) error {
	_, err := st.s.C(col).InsertOne(ctx, doc)
	return store.Wrap(col+": insert", err)
}

// update applies an update document to one id; store.ErrNotFound when there is no such document. It goes
// through store.Update (a revision claim first), so concurrent changes of one document — supports, reports,
// citations, an edit, a moderation — never overwrite each other, across connections and nodes.
func (st *Store) update(ctx context.Context, col, id string, upd bson.M) error {
	_, err := st.s.Update(ctx, col, id, func(cur bson.Raw) (bson.M, error) {
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
	next, err := st.s.ClaimRevision(ctx, col, id, rev, func(ctx context.Context) (int, error) {
		var d struct {
			Rev int `bson:"rev"`
		}
		err := st.s.C(col).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
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
	res, err := st.s.C(col).UpdateOne(ctx, filter, upd)
	if err == nil && res.MatchedCount == 0 {
		err = store.ErrNotFound
	}
	return store.Wrap(col+": update", err)
}

// remove deletes one id; store.ErrNotFound when absent.
func (st *Store) remove(ctx context.Context, col, id string) error {
	res, err := st.s.C(col).DeleteOne(ctx, bson.M{"_id": id})
	if err == nil && res.DeletedCount == 0 {
		err = store.ErrNotFound
	}
	return store.Wrap(col+": delete", err)
}

// incStats moves a diagnosis's counters, creating its stats document on first use (store.Update: no
// increment is lost when many people support or vote at once through several nodes).
func (st *Store) incStats(ctx context.Context, diagID string, inc bson.M) error {
	_, err := st.s.Update(ctx, colStats, diagID, func(bson.Raw) (bson.M, error) { return bson.M{"$inc": inc}, nil })
	return store.Wrap("diagnosis: stats", err)
}

// stats returns a diagnosis's counters (zero when none were recorded yet).
func (st *Store) stats(ctx context.Context, diagID string) (*statsDoc, error) {
	var s statsDoc
	err := st.get(ctx, colStats, diagID, &s)
	if notFound(err) {
		return &statsDoc{ID: diagID, Votes: map[string]int{}}, nil
	}
	if s.Votes == nil {
		s.Votes = map[string]int{}
	}
	return &s, err
}

// ids streams the ids of a collection, optionally filtered (cold paths: rebuilds, data rights).
func (st *Store) ids(ctx context.Context, col string, filter bson.M, yield func(string) error) error {
	return st.s.EachID(ctx, col, filter, yield)
}

// collect returns the ids ids would stream.
func (st *Store) collect(ctx context.Context, col string, filter bson.M) ([]string, error) {
	var out []string
	err := st.ids(ctx, col, filter, func(id string) error { out = append(out, id); return nil })
	return out, err
}

func (st *Store) count(ctx context.Context, col string) (int, error) {
	n, err := st.s.C(col).CountDocuments(ctx, bson.M{})
	return int(n), store.Wrap(col+": count", err)
}

// getMany reads documents by id, one `_id` lookup each (the embedded store only pushes exact `_id` filters
// down to SQLite, so an `$in` would scan the collection). Missing ids are left nil. The reads are sequential:
// on this 2-core machine 8 concurrent readers were slower (README.md, benchmark).
func getMany[T any](ctx context.Context, st *Store, col string, ids []string) ([]*T, error) {
	out := make([]*T, len(ids))
	for i, id := range ids {
		var d T
		err := st.get(ctx, col, id, &d)
		switch {
		case err == nil:
			out[i] = &d
		case !notFound(err):
			return nil, err
		}
	}
	return out, nil
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
	docs, err := getMany[T](ctx, s.st, col, docIDs(res.Items))
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

// docIDs turns read-model document ids ("kind:id") into record ids.
func docIDs(items []search.Document) []string {
	out := make([]string, len(items))
	for i, it := range items {
		_, out[i], _ = strings.Cut(it.ID, ":")
	}
	return out
}
