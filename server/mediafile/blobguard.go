package mediafile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/teixit/teixit/media/blob"
	"github.com/teixit/teixit/server/store"
)

// Blobs are shared by content: two assets with the same bytes share one blob. Deleting the last asset of a
// blob while the same bytes are uploaded (on this node or another) could delete the blob under the new
// asset: the deletion counts no asset, the upload writes the blob (already there) and inserts its asset,
// then the deletion removes the blob. Two kinds of claim by insert keep them apart, in media_blob_holds:
//   - an upload, once its blob is written, holds it (`<hash>:<random>`) until its asset is inserted; it then
//     waits while a deletion of that blob runs and checks that the blob is still there, writing it again when
//     it still has the bytes;
//   - a deletion claims `del:<hash>` first, deletes the blob only when no asset and no hold names it, and
//     lets its claim go.
//
// A hold written after a deletion counted comes after the deletion's claim, so the upload sees the claim and
// waits for the deletion to end before checking its blob. Claims of a process that died go stale (staleClaim).
const colBlobHolds = "media_blob_holds"

// staleClaim is how old a hold or a deletion claim must be to be taken for one whose process died.
const staleClaim = time.Minute

type blobClaim struct {
	ID   string    `bson:"_id"`
	Hash string    `bson:"hash"`
	At   time.Time `bson:"at"`
}

func blobHoldsMigration() store.Migration {
	return store.Migration{Name: "0041_media_blob_holds", Up: func(ctx context.Context, s *store.Store) error {
		return s.CreateCollections(ctx, colBlobHolds)
	}}
}

// hold marks the blob as being given a new asset; the returned function lets it go. rewrite writes the
// bytes again when a deletion removed the blob meanwhile (nil: the caller cannot, and gets an error to retry).
func (s *Service) hold(ctx context.Context, hash string, rewrite func() error) (func(), error) {
	id := hash + ":" + store.NewID()
	if _, err := s.s.C(colBlobHolds).InsertOne(ctx, blobClaim{ID: id, Hash: hash, At: s.now().UTC()}); err != nil {
		return nil, store.Wrap("mediafile: hold blob", err)
	}
	release := func() { _, _ = s.s.C(colBlobHolds).DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": id}) }
	if err := s.waitDeletion(ctx, hash); err != nil {
		release()
		return nil, err
	}
	f, err := s.blobs.Open(hash)
	if err == nil {
		_ = f.Close()
		return release, nil
	}
	if !errors.Is(err, blob.ErrNotFound) || rewrite == nil {
		release()
		return nil, fmt.Errorf("mediafile: the file's bytes went while it was stored (try again): %w", err)
	}
	if err := rewrite(); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// waitDeletion returns once no live deletion of the blob is running.
func (s *Service) waitDeletion(ctx context.Context, hash string) error {
	for {
		var d blobClaim
		err := s.s.C(colBlobHolds).FindOne(ctx, bson.M{"_id": "del:" + hash}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && s.now().Sub(d.At) > staleClaim) {
			return nil
		}
		if err != nil {
			return store.Wrap("mediafile: deletion claim", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// deleteBlob removes the blob when no asset and no upload in progress names it (see the top of this file).
func (s *Service) deleteBlob(ctx context.Context, hash string) error {
	claim := "del:" + hash
	won, err := s.s.Claim(ctx, colBlobHolds, claim, blobClaim{ID: claim, Hash: hash, At: s.now().UTC()})
	if err != nil {
		return err
	}
	if !won { // another deletion runs: it decides; a claim left by a process that died is taken over
		var d blobClaim
		if err := s.s.C(colBlobHolds).FindOne(ctx, bson.M{"_id": claim}).Decode(&d); err != nil || s.now().Sub(d.At) <= staleClaim {
			return nil
		}
		if _, err := s.s.C(colBlobHolds).DeleteOne(ctx, bson.M{"_id": claim}); err != nil {
			return store.Wrap("mediafile: stale deletion claim", err)
		}
		return s.deleteBlob(ctx, hash)
	}
	defer func() { _, _ = s.s.C(colBlobHolds).DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": claim}) }()
	n, err := s.s.C(colAssets).CountDocuments(ctx, bson.M{"hash": hash})
	if err != nil {
		return store.Wrap("mediafile: delete", err)
	}
	holds, err := s.s.C(colBlobHolds).CountDocuments(ctx, bson.M{"hash": hash, "_id": bson.M{"$ne": claim},
		"at": bson.M{"$gt": s.now().UTC().Add(-staleClaim)}})
	if err != nil {
		return store.Wrap("mediafile: delete", err)
	}
	if s.afterCount != nil {
		s.afterCount()
	}
	if n > 0 || holds > 0 {
		return nil
	}
	return s.blobs.Delete(hash)
}
