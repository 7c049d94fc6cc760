package live

import (
	"context"
	"math"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Collections. Every document is a claim by insert (server/store/README.md), read by `_id`: a day's end
// (`<day>`, ended.go), each epoch of a day's room ownership (`<day>:owner:<epoch>`, owner.go) and each
// recording segment number (`<day>:seg:<n>`). They are created on first insert.
const (
	colEnded    = "live_ended"
	colOwners   = "live_owners"
	colSegments = "live_segments"
)

// Store reads and writes the claims that keep one room per day across nodes. The one write that is not
// an insert is an owner rewriting its own claim (renewOwner, releaseOwner): nobody else writes it.
type Store struct{ *store.Store }

// ended reports whether the day's end was recorded.
func (st *Store) ended(ctx context.Context, day string) (bool, error) {
	var d endedDoc
	err := st.Get(ctx, colEnded, day, &d)
	if store.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// claimEnded records the day's end; recording it again is not an error (the first stays).
func (st *Store) claimEnded(ctx context.Context, day string, at time.Time) error {
	_, err := st.Claim(ctx, colEnded, day, endedDoc{At: at})
	return err
}

// ownerEpoch returns epoch n of the day's ownership; store.ErrNotFound when nobody claimed it.
func (st *Store) ownerEpoch(ctx context.Context, day string, n uint64) (ownerDoc, error) {
	var d ownerDoc
	err := st.Get(ctx, colOwners, ownerID(day, n), &d)
	return d, err
}

// claimOwner claims d's epoch of its day: true when this call holds it, false (no error) when another
// node's insert won.
func (st *Store) claimOwner(ctx context.Context, d ownerDoc) (bool, error) {
	return st.Claim(ctx, colOwners, d.ID, d)
}

// renewOwner rewrites the renewal time of this node's claim id; store.ErrNotFound when the claim is gone.
func (st *Store) renewOwner(ctx context.Context, id string, at time.Time) error {
	return store.Wrap("live: renew", store.Matched(st.C(colOwners).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"renewed": at}})))
}

// releaseOwner marks this node's claim id released, so the next node to need the day claims the next
// epoch at once. Failing is harmless: the lease runs out.
func (st *Store) releaseOwner(ctx context.Context, id string) {
	_, _ = st.C(colOwners).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"released": true}})
}

// claimSegment claims the first recording segment number of the day from `from` on that nobody claimed,
// for this node, and returns it.
func (st *Store) claimSegment(ctx context.Context, day, node string, from int) (int, error) {
	n, err := st.ClaimFirst(ctx, colSegments, uint64(max(from, 1)), math.MaxInt32,
		func(n uint64) string { return day + ":seg:" + strconv.FormatUint(n, 10) },
		func(uint64) any { return bson.M{"day": day, "node": node, "at": time.Now().UTC()} })
	return int(n), err
}
