package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Claims are the one atomic operation every store Teixit runs on gives across connections: inserting a
// document whose `_id` is unique. FerretDB v1 applies `$inc`, findAndModify, `$addToSet`/`$push`/`$pull` and
// compare-and-set updates as a read followed by a write, so two connections (two nodes, or one node's pool)
// lose updates; an insert of an `_id` that exists fails with a duplicate key on SQLite, PostgreSQL and MongoDB
// alike. So whatever must happen once — a sequence number, a seat, a revision, a room's owner — is a claim:
// a document whose id names the thing claimed. See server/store/README.md for the patterns built on it.

// ErrNoneFree is returned (wrapped) by ClaimFirst when every slot in its range is taken.
var ErrNoneFree = errors.New("no free slot")

// Claim inserts doc into coll under _id id. It returns true when this call created the document and false,
// with no error, when a document with that id already exists (someone else holds the claim). doc may be nil
// (the claim is the id alone), a bson.M/bson.D or any struct the driver can encode; an `_id` field in doc is
// replaced by id. Other errors (store down, bad document) are returned wrapped.
func (s *Store) Claim(ctx context.Context, coll, id string, doc any) (bool, error) {
	d, err := withID(id, doc)
	if err != nil {
		return false, fmt.Errorf("store: claim %s/%s: %w", coll, id, err)
	}
	_, err = s.C(coll).InsertOne(ctx, d)
	switch {
	case err == nil:
		return true, nil
	case IsDuplicate(err):
		return false, nil
	default:
		return false, Wrap("store: claim "+coll+"/"+id, err)
	}
}

// ClaimFirst claims the first free slot n in [from, to], trying id(n) in increasing order, and returns n.
// doc(n) gives the document stored under the slot (nil: the id alone). When every slot is taken it returns
// ErrNoneFree. Slots are only ever taken in order by this walk, so with from at or below the lowest free slot
// the claimed slots stay gap-free — sequences and seats rely on it. Each taken slot costs one failed insert:
// start from a good hint (the highest slot known taken, plus one).
func (s *Store) ClaimFirst(ctx context.Context, coll string, from, to uint64, id func(n uint64) string,
	doc func(n uint64) any) (uint64, error) {
	for n := from; n <= to && n >= from; n++ { // n >= from stops a wrap-around at the top of uint64
		var d any
		if doc != nil {
			d = doc(n)
		}
		ok, err := s.Claim(ctx, coll, id(n), d)
		if err != nil {
			return 0, err
		}
		if ok {
			return n, nil
		}
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("store: claim in %s: %w", coll, err)
		}
	}
	return 0, fmt.Errorf("store: claim in %s [%d, %d]: %w", coll, from, to, ErrNoneFree)
}

// Release deletes the claim id from coll (a freed seat, an abandoned lease). Releasing a claim that does not
// exist is not an error. It deletes by `_id` unconditionally: FerretDB applies a filtered delete as a read
// then a delete by id, so "delete only if it is still mine" is not atomic — code that needs that must
// instead move on to a new claim id (see README.md, "stale claims").
func (s *Store) Release(ctx context.Context, coll, id string) error {
	_, err := s.C(coll).DeleteOne(ctx, bson.M{"_id": id})
	return Wrap("store: release "+coll+"/"+id, err)
}

// withID returns doc as a bson.D whose first field is _id = id.
func withID(id string, doc any) (bson.D, error) {
	out := bson.D{{Key: "_id", Value: id}}
	if doc == nil {
		return out, nil
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	for _, e := range d {
		if e.Key != "_id" {
			out = append(out, e)
		}
	}
	return out, nil
}

// ErrConflict is returned (wrapped) by ClaimRevision when the document changed since it was read, or another
// writer is changing it now.
var ErrConflict = errors.New("changed meanwhile")

// StaleRevision is how old a revision claim must be before ClaimRevision treats it as abandoned by a crashed
// writer (a live one writes within milliseconds of claiming).
const StaleRevision = time.Minute

const colRevisions = "revisions"

type revisionClaim struct {
	At time.Time `bson:"at"`
}

// ClaimRevision gives the caller the right to write the next revision of a document it read at revision cur:
// it claims "<kind>:<id>:rev:<cur+1>" in the revisions collection and returns cur+1. Only the holder writes
// that revision, so two concurrent edits can never both succeed (a `{_id, rev: cur}` filter alone cannot
// promise that on FerretDB, where the update is a read then a write). When the claim is already taken it
// returns ErrConflict — unless the claim is older than StaleRevision and current (the document's revision
// read again now) is still cur: then its writer crashed before writing, and the next number is claimed
// instead (the document's revision skips the abandoned one). Write the document with the returned revision.
func (s *Store) ClaimRevision(ctx context.Context, kind, id string, cur int, current func(context.Context) (int, error)) (int, error) {
	for next := cur + 1; next <= cur+8; next++ {
		claimID := revisionClaimID(kind, id, next)
		ok, err := s.Claim(ctx, colRevisions, claimID, revisionClaim{At: time.Now().UTC()})
		if err != nil || ok {
			return next, err
		}
		var c revisionClaim
		if err := s.C(colRevisions).FindOne(ctx, bson.M{"_id": claimID}).Decode(&c); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				// Released between our insert and this read: its holder wrote it and a later writer is past
				// it. The document moved on: a conflict, not a failure (it answered 500 under three nodes).
				return 0, fmt.Errorf("store: %s %s revision %d was written meanwhile: %w", kind, id, next, ErrConflict)
			}
			return 0, Wrap("store: read revision claim", err)
		}
		if time.Since(c.At) < StaleRevision {
			return 0, fmt.Errorf("store: %s %s revision %d: %w", kind, id, next, ErrConflict)
		}
		now, err := current(ctx)
		if err != nil {
			return 0, err
		}
		if now != cur {
			return 0, fmt.Errorf("store: %s %s is at revision %d, not %d: %w", kind, id, now, cur, ErrConflict)
		}
	}
	return 0, fmt.Errorf("store: %s %s: too many abandoned revisions: %w", kind, id, ErrConflict)
}

// ReleaseRevision drops the claim of revision rev of a document once the document is past it (a writer
// that wrote rev+1 releases rev). That is safe: a late writer that claims rev again cannot write, because
// its `{_id, rev: rev-1}` filter no longer matches. It keeps the revisions collection at about one claim
// per document.
func (s *Store) ReleaseRevision(ctx context.Context, kind, id string, rev int) error {
	if rev <= 0 {
		return nil
	}
	return s.Release(ctx, colRevisions, revisionClaimID(kind, id, rev))
}

// RevisionClaim is one claim in the revisions collection, as `teixit doctor` reads them.
type RevisionClaim struct {
	ID        string // the claim's _id
	Kind, Doc string // what it claims a revision of (kind is a collection for Update's claims)
	Rev       int
	At        time.Time
}

// RevisionClaims streams every revision claim (a cold path: doctor).
func (s *Store) RevisionClaims(ctx context.Context, yield func(RevisionClaim) error) error {
	cur, err := s.C(colRevisions).Find(ctx, bson.M{})
	if err != nil {
		return Wrap("store: revision claims", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d struct {
			ID string    `bson:"_id"`
			At time.Time `bson:"at"`
		}
		if err := cur.Decode(&d); err != nil {
			return Wrap("store: revision claims", err)
		}
		c := RevisionClaim{ID: d.ID, At: d.At}
		i := strings.LastIndex(d.ID, ":rev:")
		if i < 0 {
			continue
		}
		head, rev := d.ID[:i], d.ID[i+len(":rev:"):]
		c.Kind, c.Doc, _ = strings.Cut(head, ":")
		if c.Rev, err = strconv.Atoi(rev); err != nil {
			continue
		}
		if err := yield(c); err != nil {
			return err
		}
	}
	return Wrap("store: revision claims", cur.Err())
}

// ReleaseClaim deletes one revision claim by its id (doctor's repair of claims a crashed writer left).
func (s *Store) ReleaseClaim(ctx context.Context, id string) error {
	return s.Release(ctx, colRevisions, id)
}
