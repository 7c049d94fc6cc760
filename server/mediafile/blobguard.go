package mediafile

import (
	"context"
	"errors"
	"fmt"
	"time"

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
// The claims' reads and writes are in store.go.

// staleClaim is how old a hold or a deletion claim must be to be taken for one whose process died.
const staleClaim = time.Minute

type blobClaim struct {
	ID   string    `bson:"_id"`
	Hash string    `bson:"hash"`
	At   time.Time `bson:"at"`
}

// hold marks the blob as being given a new asset; the returned function lets it go. rewrite writes the
// bytes again when a deletion removed the blob meanwhile (nil: the caller cannot, and gets an error to retry).
func (s *Service) hold(ctx context.Context, hash string, rewrite func() error) (func(), error) {
	id, err := s.st.holdBlob(ctx, hash, s.now().UTC())
	if err != nil {
		return nil, err
	}
	release := func() { s.st.releaseHold(context.WithoutCancel(ctx), id) }
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
		d, err := s.st.deletionClaim(ctx, hash)
		if store.IsNotFound(err) || (err == nil && s.now().Sub(d.At) > staleClaim) {
			return nil
		}
		if err != nil {
			return err
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
	won, err := s.st.claimDeletion(ctx, hash, s.now().UTC())
	if err != nil {
		return err
	}
	if !won { // another deletion runs: it decides; a claim left by a process that died is taken over
		if d, err := s.st.deletionClaim(ctx, hash); err != nil || s.now().Sub(d.At) <= staleClaim {
			return nil
		}
		if err := s.st.releaseDeletion(ctx, hash); err != nil {
			return err
		}
		return s.deleteBlob(ctx, hash)
	}
	defer func() { _ = s.st.releaseDeletion(context.WithoutCancel(ctx), hash) }()
	n, err := s.st.assetsOf(ctx, hash)
	if err != nil {
		return err
	}
	holds, err := s.st.liveHolds(ctx, hash, s.now().UTC().Add(-staleClaim))
	if err != nil {
		return err
	}
	if s.afterCount != nil {
		s.afterCount()
	}
	if n > 0 || holds > 0 {
		return nil
	}
	return s.blobs.Delete(hash)
}
