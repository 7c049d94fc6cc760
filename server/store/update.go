package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Change builds the update document (`$set`, `$inc`, `$push`, `$addToSet`, `$pull`, ...) to apply to a
// document as it is now: cur is nil when the document does not exist (the update then creates it, as an
// upsert would; return an error such as ErrNotFound to refuse). A nil update means "nothing to change".
// Update may call it several times (once per attempt), so it must not have side effects.
type Change func(cur bson.Raw) (bson.M, error)

// maxUpdateAttempts bounds Update's retries; each retry waits a little longer (jittered, up to ~256 ms: many
// contenders retrying at once would only slow the one that holds the claim).
const maxUpdateAttempts = 200

// Update changes one document of coll so that no concurrent change is lost, on any store: it reads the
// document's revision n (its `rev` field, 0 when absent or when the document does not exist), claims
// revision n+1 (ClaimRevision, kind = coll) and only then applies change's update with `rev` set to n+1.
// When another writer holds n+1 it reads again and retries. It returns the revision written.
//
// This is what makes `$inc`, `$push`, `$addToSet`/`$pull` and upserts safe across connections and nodes,
// which FerretDB v1 applies as a read then a whole-document write: but only if EVERY writer of the
// document goes through Update (a plain UpdateOne beside it can still overwrite, or be overwritten by, an
// Update). The claim of the revision before the one written is released afterwards, so the revisions
// collection keeps about one claim per document (a writer that still tries an old revision then gets it,
// but its write matches nothing: the document is past it, and the writer retries from a fresh read).
// A writer that crashed between claim and write blocks the document for StaleRevision.
func (s *Store) Update(ctx context.Context, coll, id string, change Change) (int, error) {
	return s.update(ctx, coll, id, nil, change)
}

// UpdateReading is Update for a change that needs only some fields of the document (none: only whether
// it exists): it reads just those (and `rev`), e.g. to append to a large document without reading it whole.
func (s *Store) UpdateReading(ctx context.Context, coll, id string, fields []string, change Change) (int, error) {
	proj := bson.M{"rev": 1}
	for _, f := range fields {
		proj[f] = 1
	}
	return s.update(ctx, coll, id, proj, change)
}

func (s *Store) update(ctx context.Context, coll, id string, proj bson.M, change Change) (int, error) {
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return 0, fmt.Errorf("store: update %s/%s: %w", coll, id, err)
			}
		}
		find := options.FindOne()
		if proj != nil {
			find.SetProjection(proj)
		}
		raw, err := s.C(coll).FindOne(ctx, bson.M{"_id": id}, find).Raw()
		if errors.Is(err, mongo.ErrNoDocuments) {
			raw, err = nil, nil
		}
		if err != nil {
			return 0, Wrap("store: update "+coll+"/"+id, err)
		}
		cur, hasRev := revisionOf(raw)
		upd, err := change(raw)
		if err != nil || upd == nil {
			return cur, err
		}
		// From the claim on, the caller's cancellation no longer applies: a claim left without its write
		// would block the document for StaleRevision. On any failure after the claim it is released, which
		// is safe whether or not the write landed (if it did, the document is past next already).
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimedWriteTimeout)
		next, err := s.ClaimRevision(wctx, coll, id, cur, func(ctx context.Context) (int, error) {
			r, err := s.C(coll).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"rev": 1})).Raw()
			if errors.Is(err, mongo.ErrNoDocuments) {
				return 0, nil
			}
			n, _ := revisionOf(r)
			return n, Wrap("store: update "+coll+"/"+id, err)
		})
		if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) { // not found: the claim was just pruned
			cancel()
			continue
		}
		if err != nil {
			cancel()
			return 0, err
		}
		done, err := s.writeClaimed(wctx, coll, id, raw, hasRev, cur, next, upd)
		cancel()
		if err != nil {
			return 0, err
		}
		if done {
			return next, nil
		}
	}
	return 0, fmt.Errorf("store: update %s/%s: %d attempts: %w", coll, id, maxUpdateAttempts, ErrConflict)
}

// Exclusive changes one existing document like Update, for a change whose rule reads or writes OTHER
// documents (an organisation's last administrator lives in its memberships): do runs while this writer holds
// the document's next revision, after checking that the document is still at the revision read, so no other
// Update or Exclusive of the same document writes — and no other Exclusive runs its do — until this one has
// written. do may write elsewhere; its returned update (nil: only the revision moves) is applied with the new
// `rev`. An error from do releases the claim and is returned as is. ErrNotFound when the document is absent.
// do runs under a context the caller's cancellation no longer reaches (claimedWriteTimeout), and at most
// once per call.
func (s *Store) Exclusive(ctx context.Context, coll, id string, do func(ctx context.Context, cur bson.Raw) (bson.M, error)) (int, error) {
	revOf := func(ctx context.Context) (int, error) {
		r, err := s.C(coll).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"rev": 1})).Raw()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, ErrNotFound
		}
		n, _ := revisionOf(r)
		return n, Wrap("store: exclusive "+coll+"/"+id, err)
	}
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return 0, fmt.Errorf("store: exclusive %s/%s: %w", coll, id, err)
			}
		}
		raw, err := s.C(coll).FindOne(ctx, bson.M{"_id": id}).Raw()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, ErrNotFound
		}
		if err != nil {
			return 0, Wrap("store: exclusive "+coll+"/"+id, err)
		}
		cur, hasRev := revisionOf(raw)
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimedWriteTimeout)
		next, err := s.ClaimRevision(wctx, coll, id, cur, revOf)
		if errors.Is(err, ErrConflict) {
			cancel()
			continue
		}
		if err != nil {
			cancel()
			return 0, err
		}
		// A claim of a revision the document is already past (pruned, so free again) must not let do run.
		if now, err := revOf(wctx); err != nil || now != cur {
			_ = s.Release(wctx, colRevisions, revisionClaimID(coll, id, next))
			cancel()
			if err != nil {
				return 0, err
			}
			continue
		}
		upd, err := do(wctx, raw)
		if err != nil {
			_ = s.Release(wctx, colRevisions, revisionClaimID(coll, id, next))
			cancel()
			return 0, err
		}
		if upd == nil {
			upd = bson.M{}
		}
		done, err := s.writeClaimed(wctx, coll, id, raw, hasRev, cur, next, upd)
		cancel()
		if err != nil {
			return 0, err
		}
		if !done { // nobody else may write while the claim is held: the document was deleted meanwhile
			return 0, fmt.Errorf("store: exclusive %s/%s: %w", coll, id, ErrNotFound)
		}
		return next, nil
	}
	return 0, fmt.Errorf("store: exclusive %s/%s: %d attempts: %w", coll, id, maxUpdateAttempts, ErrConflict)
}

// claimedWriteTimeout bounds the write that follows a revision claim (it no longer follows the caller's
// context, see Update).
const claimedWriteTimeout = 15 * time.Second

// writeClaimed applies upd as revision next of a document read at revision cur, holding next's claim. It
// returns false (no error) when the document moved on meanwhile: the caller reads it again.
func (s *Store) writeClaimed(ctx context.Context, coll, id string, raw bson.Raw, hasRev bool, cur, next int, upd bson.M) (bool, error) {
	// Without a revision (absent, or written before revisions) the write must find it still without one:
	// claims of passed revisions are pruned, so a writer that read it long ago can hold a fresh claim of
	// revision 1 and must not overwrite the document others have moved on since.
	filter := bson.M{"_id": id, "rev": bson.M{"$exists": false}}
	if hasRev {
		filter["rev"] = cur
	}
	res, err := s.C(coll).UpdateOne(ctx, filter, withRevision(upd, next), options.Update().SetUpsert(raw == nil))
	switch {
	case IsDuplicate(err): // created meanwhile by a writer that skipped an abandoned claim: read again
		_ = s.Release(ctx, colRevisions, revisionClaimID(coll, id, next))
		return false, nil
	case err != nil:
		_ = s.Release(ctx, colRevisions, revisionClaimID(coll, id, next))
		return false, Wrap("store: update "+coll+"/"+id, err)
	case res.MatchedCount == 0 && res.UpsertedCount == 0:
		// The document is already past cur (our claim of next was a pruned one, taken again), or gone.
		_ = s.Release(ctx, colRevisions, revisionClaimID(coll, id, next))
		return false, nil
	}
	if cur > 0 {
		_ = s.Release(ctx, colRevisions, revisionClaimID(coll, id, cur))
	}
	return true, nil
}

// Remove deletes a document that Update writes, with its last revision claim (a document created again
// later starts from revision 1, which must be free).
func (s *Store) Remove(ctx context.Context, coll, id string) error {
	raw, err := s.C(coll).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"rev": 1})).Raw()
	if err != nil {
		return Wrap("store: remove "+coll+"/"+id, err)
	}
	if _, err := s.C(coll).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return Wrap("store: remove "+coll+"/"+id, err)
	}
	// Claims below n-1 were pruned by the writes that followed them; n-1 stays when its prune failed.
	if n, _ := revisionOf(raw); n > 0 {
		_ = s.Release(ctx, colRevisions, revisionClaimID(coll, id, n))
		_ = s.Release(ctx, colRevisions, revisionClaimID(coll, id, n-1))
	}
	return nil
}

// revisionOf returns a document's `rev` (0 when absent) and whether it has one.
func revisionOf(raw bson.Raw) (int, bool) {
	if raw == nil {
		return 0, false
	}
	v, err := raw.LookupErr("rev")
	if err != nil {
		return 0, false
	}
	switch v.Type {
	case bson.TypeInt32:
		return int(v.Int32()), true
	case bson.TypeInt64:
		return int(v.Int64()), true
	case bson.TypeDouble:
		return int(v.Double()), true
	}
	return 0, false
}

// withRevision returns upd with `$set.rev = rev` added (a copy: upd may be reused by the next attempt).
func withRevision(upd bson.M, rev int) bson.M {
	out := make(bson.M, len(upd)+1)
	for k, v := range upd {
		out[k] = v
	}
	set := bson.M{}
	switch s := upd["$set"].(type) {
	case bson.M:
		for k, v := range s {
			set[k] = v
		}
	case nil:
	default:
		raw, err := bson.Marshal(s)
		if err == nil {
			_ = bson.Unmarshal(raw, &set)
		}
	}
	set["rev"] = rev
	out["$set"] = set
	return out
}

func revisionClaimID(kind, id string, rev int) string {
	return fmt.Sprintf("%s:%s:rev:%d", kind, id, rev)
}

// pause waits a jittered, growing moment before retry attempt n.
func pause(ctx context.Context, n int) error {
	d := time.Duration(rand.Int64N(int64(1)<<min(n, 8))+1) * time.Millisecond
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
