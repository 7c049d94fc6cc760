// Package audit keeps the log of sensitive actions: who did what, when, to what, on whose behalf and in
// which organisation. Entries are written once and never changed; organisation admins read their
// organisation's entries and platform admins read all of them; entries older than the retention are
// deleted by a background pass any node may run.
package audit

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

const colEntries = "audit_entries"

// Retention is how long entries are kept: a year and a month, so last year's review still finds them.
const Retention = 400 * 24 * time.Hour

// Migrations creates the collection and the indexes the two readers use.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0001_audit_entries",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colEntries); err != nil {
				return err
			}
			return s.CreateIndexes(ctx,
				store.Index{Collection: colEntries, Name: "audit_org_at", Keys: []string{"org", "-at"}},
				store.Index{Collection: colEntries, Name: "audit_at", Keys: []string{"-at"}})
		},
	}}
}

// AssistedPerson is the OnBehalfOf of an entry a facilitator made for someone who agreed to it and whose
// identity Teixit does not ask for (an assisted contribution or ballot).
const AssistedPerson = "assisted_person"

// Entry is one sensitive action. Action is a stable code ("account.password_changed"); Target names what
// it touched ("user:<id>", "token:<id>"); OnBehalfOf is set when a facilitator acted for someone.
type Entry struct {
	ID         string    `bson:"_id" json:"id"`
	At         time.Time `bson:"at" json:"at"`
	Actor      string    `bson:"actor" json:"actor"`
	OnBehalfOf string    `bson:"onBehalfOf,omitempty" json:"onBehalfOf,omitempty"`
	Org        string    `bson:"org,omitempty" json:"organisationId,omitempty"`
	Action     string    `bson:"action" json:"action"`
	Target     string    `bson:"target,omitempty" json:"target,omitempty"`
	Detail     string    `bson:"detail,omitempty" json:"detail,omitempty"`
}

// Log writes and reads audit entries.
type Log struct {
	st  *store.Store
	now func() time.Time
}

// New builds the log on the shared store.
func New(st *store.Store) *Log { return &Log{st: st, now: time.Now} }

// Record writes an entry (its id and time are set here). It finishes even if the request is cancelled: an
// action that happened must not lose its entry.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if l == nil {
		return nil
	}
	e.ID, e.At = store.NewID(), l.now().UTC()
	_, err := l.st.C(colEntries).InsertOne(context.WithoutCancel(ctx), e)
	return store.Wrap("audit: record", err)
}

// MaxList bounds one page of entries.
const MaxList = 200

// List returns the newest entries (of one organisation when org is not empty) older than before (zero:
// now), at most limit (1–MaxList).
func (l *Log) List(ctx context.Context, org string, before time.Time, limit int) ([]Entry, error) {
	if limit < 1 || limit > MaxList {
		limit = MaxList
	}
	if before.IsZero() {
		before = l.now().Add(time.Second)
	}
	f := bson.M{"at": bson.M{"$lt": before.UTC()}}
	if org != "" {
		f["org"] = org
	}
	return store.Find[Entry](ctx, l.st, colEntries, f, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(limit)))
}

// Prune deletes entries older than the retention.
func (l *Log) Prune(ctx context.Context) (int64, error) {
	res, err := l.st.C(colEntries).DeleteMany(ctx, bson.M{"at": bson.M{"$lt": l.now().Add(-Retention).UTC()}})
	if err != nil {
		return 0, store.Wrap("audit: prune", err)
	}
	return res.DeletedCount, nil
}
