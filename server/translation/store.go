package translation

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

// Collections. A record's translation into one language is two documents with deterministic ids, each
// written by one kind of writer only, so no two writers ever update the same document: the machine's
// ("<kind>:<id>:<lang>:m", written by the job that holds the attempt's lease) and the correction
// ("…:r", written by an editor), which readers prefer. Jobs are claimed by inserting their id.
const (
	colTranslations = "translations"
	colJobs         = "translation_jobs"
	colLeases       = "translation_leases"
)

// trDoc is one stored translation.
type trDoc struct {
	ID            string    `bson:"_id"`
	Kind          string    `bson:"kind"`
	Record        string    `bson:"record"`
	Lang          string    `bson:"lang"`
	SourceLang    string    `bson:"sourceLang"`
	SourceVersion string    `bson:"sourceVersion"`
	Engine        string    `bson:"engine"` // "apertium:it>ca>en", or "person" for a correction
	Fields        []string  `bson:"fields"` // in Source.Fields order
	ReviewedBy    string    `bson:"reviewedBy,omitempty"`
	At            time.Time `bson:"at"`
}

// jobDoc is one queued translation of a record into a language ("<kind>:<id>:<lang>").
type jobDoc struct {
	ID        string    `bson:"_id"`
	Kind      string    `bson:"kind"`
	Record    string    `bson:"record"`
	Lang      string    `bson:"lang"`
	Attempts  int       `bson:"attempts"`
	NotBefore time.Time `bson:"notBefore"`
	State     string    `bson:"state"` // queued | failed
	Asked     bool      `bson:"asked"` // a reader waits for it: it goes before work done ahead of time
	LastError string    `bson:"lastError,omitempty"`
	CreatedAt time.Time `bson:"createdAt"`
}

type leaseDoc struct {
	ID   string    `bson:"_id"`
	Node string    `bson:"node"`
	At   time.Time `bson:"at"`
}

const (
	jobQueued = "queued"
	jobFailed = "failed"
)

func key(kind, id, lang string) string { return kind + ":" + id + ":" + lang }

// splitKey parses "<kind>:<id>:<lang>" (ids may hold colons; kinds and languages do not).
func splitKey(k string) (kind, id, lang string, ok bool) {
	kind, rest, ok1 := strings.Cut(k, ":")
	i := strings.LastIndex(rest, ":")
	if !ok1 || i <= 0 {
		return "", "", "", false
	}
	return kind, rest[:i], rest[i+1:], true
}

type stores struct{ s *store.Store }

// get reads one document by _id into out; store.ErrNotFound when absent.
func (st stores) get(ctx context.Context, coll, id string, out any) error {
	return st.s.Get(ctx, coll, id, out)
}

// pair reads the machine translation and the correction of one record into one language (nil when absent).
func (st stores) pair(ctx context.Context, k string) (machine, reviewed *trDoc, err error) {
	for _, suffix := range []string{":m", ":r"} {
		var d trDoc
		err := st.get(ctx, colTranslations, k+suffix, &d)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if suffix == ":m" {
			machine = &d
		} else {
			reviewed = &d
		}
	}
	return machine, reviewed, nil
}

// put replaces a translation document whole (creating it when absent).
func (st stores) put(ctx context.Context, d *trDoc) error {
	_, err := st.s.C(colTranslations).ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	return err
}

func (st stores) setJob(ctx context.Context, id string, set bson.M) error {
	_, err := st.s.C(colJobs).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
	return err
}

// due lists up to n queued jobs whose time has come, those a reader waits for first (a cold-path query on
// a queue that stays small once the engine keeps up).
func (st stores) due(ctx context.Context, now time.Time, n int64) ([]jobDoc, error) {
	var out []jobDoc
	for _, asked := range []bool{true, false} {
		batch, err := store.Find[jobDoc](ctx, st.s, colJobs, bson.M{"state": jobQueued, "asked": asked, "notBefore": bson.M{"$lte": now}},
			options.Find().SetLimit(n-int64(len(out))))
		if err != nil {
			return nil, err
		}
		if out = append(out, batch...); asked && len(out) > 0 {
			return out, nil // the runner comes back for the rest as soon as these are done
		}
	}
	return out, nil
}
