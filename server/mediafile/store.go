package mediafile

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Collections. An asset is read by `_id`; the hash index serves only a blob's deletion (a cold path).
// media_blob_holds keeps the claims that keep an upload and a deletion of the same bytes apart
// (blobguard.go): an upload's hold `<hash>:<random>`, a deletion's `del:<hash>`.
const (
	colAssets    = "media_assets"
	colBlobHolds = "media_blob_holds"
)

// Migrations returns this package's collections.
func Migrations() []store.Migration {
	return []store.Migration{{Name: "0005_media_assets", Up: func(ctx context.Context, s *store.Store) error {
		if err := s.CreateCollections(ctx, colAssets); err != nil {
			return err
		}
		// Deciding whether a blob is still referenced is a cold path (deletion).
		return s.CreateIndexes(ctx, store.Index{Collection: colAssets, Name: "media_hash", Keys: []string{"hash"}})
	}}, {Name: "0041_media_blob_holds", Up: func(ctx context.Context, s *store.Store) error {
		return s.CreateCollections(ctx, colBlobHolds)
	}}}
}

// Store reads and writes assets and blob claims. Both changes of an asset (visibility, link version) go
// through store.Update, so they never undo each other across nodes; holds and deletion claims are claims by
// insert (server/store/README.md).
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// asset returns the asset with the id; errNotFound (404) when there is none or id cannot be an id.
func (st *Store) asset(ctx context.Context, id string) (*assetDoc, error) {
	return store.GetByID[assetDoc](ctx, st.Store, colAssets, id, errNotFound)
}

// insertAsset adds an asset: store.ErrDuplicate when its id exists (an import done meanwhile).
func (st *Store) insertAsset(ctx context.Context, d *assetDoc) error {
	return st.Insert(ctx, colAssets, d)
}

// setVisibility replaces who may read the asset; store.ErrNotFound when there is none.
func (st *Store) setVisibility(ctx context.Context, id string, visibility []string) error {
	return st.updateAsset(ctx, id, "mediafile: set visibility", bson.M{"$set": bson.M{"visibility": visibility}})
}

// nextLinkVersion moves the asset's link version on, so every signed link given out so far stops working;
// store.ErrNotFound when there is none.
func (st *Store) nextLinkVersion(ctx context.Context, id string) error {
	return st.updateAsset(ctx, id, "mediafile: revoke", bson.M{"$inc": bson.M{"linkVersion": 1}})
}

// updateAsset changes an asset through store.Update (a revision claim first), as both of its changes do: a
// revocation and a visibility change at the same moment on two nodes must not undo each other.
// store.ErrNotFound when there is no such asset.
func (st *Store) updateAsset(ctx context.Context, id, op string, upd bson.M) error {
	_, err := st.Update(ctx, colAssets, id, func(cur bson.Raw) (bson.M, error) {
		if cur == nil {
			return nil, store.ErrNotFound
		}
		return upd, nil
	})
	return store.Wrap(op, err)
}

// deleteAsset deletes the asset with the id; one already gone is not an error.
func (st *Store) deleteAsset(ctx context.Context, id string) error {
	if err := st.Delete(ctx, colAssets, id); !store.IsNotFound(err) {
		return err
	}
	return nil
}

// assetsOf counts the assets whose bytes are the blob hash (indexed).
func (st *Store) assetsOf(ctx context.Context, hash string) (int64, error) {
	n, err := st.C(colAssets).CountDocuments(ctx, bson.M{"hash": hash})
	return n, store.Wrap("mediafile: delete", err)
}

// holdBlob inserts an upload's hold on the blob hash and returns its id (to release it).
func (st *Store) holdBlob(ctx context.Context, hash string, at time.Time) (string, error) {
	id := hash + ":" + store.NewID()
	return id, st.Insert(ctx, colBlobHolds, blobClaim{ID: id, Hash: hash, At: at})
}

// releaseHold lets an upload's hold go; failing is harmless (a hold goes stale, staleClaim).
func (st *Store) releaseHold(ctx context.Context, id string) {
	_ = st.Release(ctx, colBlobHolds, id)
}

// liveHolds counts the claims on the blob hash other than the deletion claim that are newer than since.
func (st *Store) liveHolds(ctx context.Context, hash string, since time.Time) (int64, error) {
	n, err := st.C(colBlobHolds).CountDocuments(ctx, bson.M{"hash": hash, "_id": bson.M{"$ne": deletionClaimID(hash)},
		"at": bson.M{"$gt": since}})
	return n, store.Wrap("mediafile: delete", err)
}

func deletionClaimID(hash string) string { return "del:" + hash }

// claimDeletion claims the deletion of the blob hash: true when this call holds it, false (no error) when
// another deletion does.
func (st *Store) claimDeletion(ctx context.Context, hash string, at time.Time) (bool, error) {
	claim := deletionClaimID(hash)
	return st.Claim(ctx, colBlobHolds, claim, blobClaim{ID: claim, Hash: hash, At: at})
}

// deletionClaim returns the claim of a deletion of the blob hash; store.ErrNotFound when none runs.
func (st *Store) deletionClaim(ctx context.Context, hash string) (*blobClaim, error) {
	var d blobClaim
	if err := st.Get(ctx, colBlobHolds, deletionClaimID(hash), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// releaseDeletion lets the deletion claim of the blob hash go; one already gone is not an error.
func (st *Store) releaseDeletion(ctx context.Context, hash string) error {
	return st.Release(ctx, colBlobHolds, deletionClaimID(hash))
}
