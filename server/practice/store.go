package practice

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

const (
	colPractices = "practices"
	colVersions  = "practice_versions"
	colTransfers = "transfers"
)

// Migrations returns this package's collections and indexes.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0021_practice_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colPractices, colVersions, colTransfers); err != nil {
				return err
			}
			// A practice's transfers are re-read when one of them changes (to recompute its counts): a write path.
			return s.CreateIndexes(ctx,
				store.Index{Collection: colTransfers, Name: "transfers_practice", Keys: []string{"practiceId"}})
		},
	}}
}

// Store reads and writes practices, their versions and transfers.
type Store struct{ s *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s: s} }

func (st *Store) insert(ctx context.Context, d *practiceDoc) error {
	_, err := st.s.C(colPractices).InsertOne(ctx, d)
	return store.Wrap("practice: insert", err)
}

// get returns a practice by id, or ErrNotFound.
func (st *Store) get(ctx context.Context, id string) (*practiceDoc, error) {
	var d practiceDoc
	if err := st.s.Get(ctx, colPractices, id, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// claimRevision claims revision rev+1 of practice id (store.ClaimRevision) and returns the revision to write.
func (st *Store) claimRevision(ctx context.Context, id string, rev int) (int, error) {
	return st.s.ClaimRevision(ctx, "practice", id, rev, func(ctx context.Context) (int, error) {
		d, err := st.get(ctx, id)
		if err != nil {
			return 0, err
		}
		return d.Rev, nil
	})
}

// save writes an edited practice if nobody changed it since it was read at rev (d.Rev is the new rev):
// ErrNotFound when it changed meanwhile. Stats are not touched (transfers own them).
func (st *Store) save(ctx context.Context, d *practiceDoc, rev int) error {
	set := bson.M{"rev": d.Rev, "territory": d.Territory, "ancestors": d.Ancestors, "themes": d.Themes,
		"text": d.Text, "translations": d.Translations, "indicators": d.Indicators, "contact": d.Contact, "attachments": d.Attachments,
		"status": d.Status, "version": d.Version, "versions": d.Versions, "updatedAt": d.UpdatedAt,
		"publishedAt": d.PublishedAt}
	return store.Wrap("practice: save", store.Matched(st.s.C(colPractices).UpdateOne(ctx, bson.M{"_id": d.ID, "rev": rev}, bson.M{"$set": set})))
}

func (st *Store) setStats(ctx context.Context, id string, s statsDoc) error {
	_, err := st.s.C(colPractices).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"stats": s}})
	return store.Wrap("practice: stats", err)
}

func (st *Store) putVersion(ctx context.Context, v *versionDoc) error {
	_, err := st.s.C(colVersions).ReplaceOne(ctx, bson.M{"_id": v.ID}, v, options.Replace().SetUpsert(true))
	return store.Wrap("practice: version", err)
}

// version returns version n of a practice, or ErrNotFound.
func (st *Store) version(ctx context.Context, id string, n int) (*versionDoc, error) {
	var v versionDoc
	if err := st.s.Get(ctx, colVersions, versionID(id, n), &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// byRef returns the practice with an id that came with a request: errNotFound (a 404) when there is none
// or id cannot be one (store.GetByID).
func (st *Store) byRef(ctx context.Context, id string) (*practiceDoc, error) {
	return store.GetByID[practiceDoc](ctx, st.s, colPractices, id, errNotFound)
}

// eachPractice streams every practice (rebuilds).
func (st *Store) eachPractice(ctx context.Context, yield func(*practiceDoc) error) error {
	return store.Each(ctx, st.s, colPractices, yield)
}

// insertTransfer stores a new transfer; ErrDuplicate when its id is taken.
func (st *Store) insertTransfer(ctx context.Context, t *transferDoc) error {
	_, err := st.s.C(colTransfers).InsertOne(ctx, t)
	return store.Wrap("practice: insert transfer", err)
}

// transfer returns a transfer by id, or ErrNotFound.
func (st *Store) transfer(ctx context.Context, id string) (*transferDoc, error) {
	var t transferDoc
	if err := st.s.Get(ctx, colTransfers, id, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// transferByRef returns the transfer with an id that came with a request: errTransferNotFound (a 404) when
// there is none or id cannot be one (store.GetByID).
func (st *Store) transferByRef(ctx context.Context, id string) (*transferDoc, error) {
	return store.GetByID[transferDoc](ctx, st.s, colTransfers, id, errTransferNotFound)
}

// claimTransferRevision claims revision rev+1 of transfer id (store.ClaimRevision).
func (st *Store) claimTransferRevision(ctx context.Context, id string, rev int) (int, error) {
	return st.s.ClaimRevision(ctx, "transfer", id, rev, func(ctx context.Context) (int, error) {
		t, err := st.transfer(ctx, id)
		if err != nil {
			return 0, err
		}
		return t.Rev, nil
	})
}

// saveTransfer replaces a transfer if nobody changed it since it was read at rev (t.Rev is the new rev):
// ErrNotFound when it changed meanwhile.
func (st *Store) saveTransfer(ctx context.Context, t *transferDoc, rev int) error {
	return store.Wrap("practice: save transfer", store.Matched(st.s.C(colTransfers).ReplaceOne(ctx, bson.M{"_id": t.ID, "rev": rev}, t)))
}

// transfersOf returns every transfer of a practice (re-read when one changes, to recompute its counts).
func (st *Store) transfersOf(ctx context.Context, practiceID string) ([]transferDoc, error) {
	return store.Find[transferDoc](ctx, st.s, colTransfers, bson.M{"practiceId": practiceID})
}

// ids streams every id of a collection (rebuilds).
func (st *Store) ids(ctx context.Context, col string, yield func(string) error) error {
	return st.s.EachID(ctx, col, nil, yield)
}

func (st *Store) count(ctx context.Context, col string) (int, error) { return st.s.Estimate(ctx, col) }

// writtenBy returns the practices the person created, with only their title, status and creation date
// (a data export: not indexed, a cold path).
func (st *Store) writtenBy(ctx context.Context, userID string) ([]practiceDoc, error) {
	return store.Find[practiceDoc](ctx, st.s, colPractices, bson.M{"createdBy": userID},
		options.Find().SetProjection(bson.M{"text.title": 1, "status": 1, "createdAt": 1}))
}

// declaredBy returns the transfers the person declared, with only their practice, status and creation
// date (a data export: not indexed, a cold path).
func (st *Store) declaredBy(ctx context.Context, userID string) ([]transferDoc, error) {
	return store.Find[transferDoc](ctx, st.s, colTransfers, bson.M{"createdBy": userID},
		options.Find().SetProjection(bson.M{"practiceId": 1, "status": 1, "createdAt": 1}))
}
