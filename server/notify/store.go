package notify

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

// Collections. Follows have deterministic ids ("user:kind:target"), an opt-out the id of the follow it
// refuses, an inbox the person's id; jobs and their claims ("<job>:<attempt>") are read by the job pass.
const (
	colFollows = "follows"
	colInboxes = "inboxes"
	colOptOuts = "follow_optouts"
	colPrefs   = "notify_prefs"
	colDigest  = "notify_digest"
	colJobs    = "notify_jobs"
	colClaims  = "notify_claims"
)

// Migrations returns this package's collections and indexes.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0020_notify_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colFollows, colInboxes); err != nil {
				return err
			}
			// Followers of one target are looked up when something happens to it (a write path, not a page).
			return s.CreateIndexes(ctx,
				store.Index{Collection: colFollows, Name: "follows_target", Keys: []string{"kind", "target"}},
				store.Index{Collection: colFollows, Name: "follows_user", Keys: []string{"userId"}},
			)
		},
	}, {
		Name: "0201_notify_email",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colPrefs, colDigest, colJobs, colClaims, colOptOuts); err != nil {
				return err
			}
			// The daily digest pass reads yesterday's entries (a cold path, once a day); the job pass reads
			// the few jobs not yet done.
			return s.CreateIndexes(ctx,
				store.Index{Collection: colDigest, Name: "digest_day", Keys: []string{"day"}},
				store.Index{Collection: colJobs, Name: "jobs_done", Keys: []string{"done"}},
			)
		},
	}}
}

// Store reads and writes follows, inboxes, email choices, digest entries and announcement jobs. Every
// writer of an inbox goes through store.Update (pushItem, rewriteInbox), so deliveries, marks and trims on
// several nodes never drop a notification; a job is run by the node whose claim insert wins (claimJob).
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// addFollow records the follow unless it exists (following twice is one document, the first kept).
func (st *Store) addFollow(ctx context.Context, d followDoc) error {
	_, err := st.C(colFollows).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$setOnInsert": d}, options.Update().SetUpsert(true))
	return store.Wrap("notify: follow", err)
}

// deleteFollow deletes the follow with the id: store.ErrNotFound when there was none.
func (st *Store) deleteFollow(ctx context.Context, id string) error {
	return st.Delete(ctx, colFollows, id)
}

// follows returns up to MaxFollows+1 of the person's follows, in no order.
func (st *Store) follows(ctx context.Context, userID string) ([]followDoc, error) {
	return store.Find[followDoc](ctx, st.Store, colFollows, bson.M{"userId": userID}, options.Find().SetLimit(MaxFollows+1))
}

// followers returns the ids of the people following any of the targets of a kind (indexed; a person
// following two of them comes twice).
func (st *Store) followers(ctx context.Context, kind string, targets []string) ([]string, error) {
	docs, err := store.Find[followDoc](ctx, st.Store, colFollows, bson.M{"kind": kind, "target": bson.M{"$in": targets}},
		options.Find().SetProjection(bson.M{"userId": 1}))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.UserID)
	}
	return out, nil
}

// deleteFollowsOf deletes every follow of the person (account deletion).
func (st *Store) deleteFollowsOf(ctx context.Context, userID string) error {
	_, err := st.C(colFollows).DeleteMany(ctx, bson.M{"userId": userID})
	return store.Wrap("notify: delete follows", err)
}

// claimOptOut remembers that the person unfollowed the follow with the id (a claim by insert: a second
// opt-out of the same follow is no error).
func (st *Store) claimOptOut(ctx context.Context, id, userID string) error {
	_, err := st.Claim(ctx, colOptOuts, id, bson.M{"userId": userID})
	return err
}

// optedOut reports whether the person once unfollowed the follow with the id.
func (st *Store) optedOut(ctx context.Context, id string) (bool, error) {
	err := store.Wrap("notify: opt-out", st.C(colOptOuts).FindOne(ctx, bson.M{"_id": id}).Err())
	if err == nil {
		return true, nil
	}
	if store.IsNotFound(err) {
		return false, nil
	}
	return false, err
}

// forgetOptOut drops the opt-out of the follow with the id (the person follows it again by hand); none is
// not an error.
func (st *Store) forgetOptOut(ctx context.Context, id string) error {
	return st.Release(ctx, colOptOuts, id)
}

// inbox returns the person's inbox, an empty one when they have none yet.
func (st *Store) inbox(ctx context.Context, userID string) (*inboxDoc, error) {
	var in inboxDoc
	err := st.Get(ctx, colInboxes, userID, &in)
	if store.IsNotFound(err) {
		return &inboxDoc{ID: userID}, nil
	}
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// pushItem appends it to the person's inbox, creating the inbox on first use. Through store.Update (a
// revision claim first): deliveries, marks and trims of one inbox at the same moment on several nodes
// never drop a notification. Only `rev` is read, not the whole inbox.
func (st *Store) pushItem(ctx context.Context, userID string, it itemDoc) error {
	_, err := st.UpdateReading(ctx, colInboxes, userID, nil, func(bson.Raw) (bson.M, error) {
		return bson.M{"$push": bson.M{"items": it}, "$inc": bson.M{"count": 1}}, nil
	})
	return store.Wrap("notify: deliver", err)
}

// rewriteInbox applies f to the person's inbox and keeps its newest max items, through store.Update (f may
// run more than once, on a fresh read each time, so it must only transform what it is given; it runs on nil
// and nothing is written when there is no inbox). store.ErrConflict (wrapped) when other writers kept it busy.
func (st *Store) rewriteInbox(ctx context.Context, userID string, max int, f func([]itemDoc) []itemDoc) error {
	_, err := st.Update(ctx, colInboxes, userID, func(cur bson.Raw) (bson.M, error) {
		if cur == nil {
			f(nil)
			return nil, nil
		}
		var in inboxDoc
		if err := bson.Unmarshal(cur, &in); err != nil {
			return nil, err
		}
		items := f(in.Items)
		sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
		if len(items) > max {
			items = items[:max]
		}
		return bson.M{"$set": bson.M{"items": items, "count": len(items)}}, nil
	})
	return store.Wrap("notify: update inbox", err)
}

// removeInbox deletes the person's inbox and its last revision claims; none is not an error.
func (st *Store) removeInbox(ctx context.Context, userID string) error {
	err := st.Remove(ctx, colInboxes, userID)
	if store.IsNotFound(err) {
		err = nil
	}
	return store.Wrap("notify: delete inbox", err)
}

// setEmailChoice stores the person's email choice, creating their settings on first use.
func (st *Store) setEmailChoice(ctx context.Context, userID, choice string) error {
	_, err := st.C(colPrefs).UpdateOne(ctx, bson.M{"_id": userID}, bson.M{"$set": bson.M{"email": choice}},
		options.Update().SetUpsert(true))
	return store.Wrap("notify: settings", err)
}

// emailChoices returns the settings of those of the people who ever chose (a thousand ids a query).
func (st *Store) emailChoices(ctx context.Context, ids []string) ([]prefDoc, error) {
	var out []prefDoc
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		docs, err := store.Find[prefDoc](ctx, st.Store, colPrefs, bson.M{"_id": bson.M{"$in": chunk}})
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
	}
	return out, nil
}

// keepForDigest inserts digest entries; those already kept (the same person and notice) are skipped.
func (st *Store) keepForDigest(ctx context.Context, entries []digestDoc) error {
	docs := make([]any, len(entries))
	for i := range entries {
		docs[i] = entries[i]
	}
	if _, err := st.C(colDigest).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil && !store.IsDuplicate(err) {
		return store.Wrap("notify: digest", err)
	}
	return nil
}

// digestsBefore returns up to 20000 digest entries of days before day (indexed, once a day).
func (st *Store) digestsBefore(ctx context.Context, day string) ([]digestDoc, error) {
	return store.Find[digestDoc](ctx, st.Store, colDigest, bson.M{"day": bson.M{"$lt": day}}, options.Find().SetLimit(20000))
}

// forgetDigests deletes the digest entries with the ids (sent, or of a deleted account).
func (st *Store) forgetDigests(ctx context.Context, ids []string) error {
	_, err := st.C(colDigest).DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}})
	return store.Wrap("notify: digest done", err)
}

// deleteEmailData removes a deleted person's settings and pending digest entries.
func (st *Store) deleteEmailData(ctx context.Context, userID string) error {
	if _, err := st.C(colPrefs).DeleteOne(ctx, bson.M{"_id": userID}); err != nil {
		return store.Wrap("notify: delete prefs", err)
	}
	_, err := st.C(colDigest).DeleteMany(ctx, bson.M{"userId": userID})
	if store.IsNotFound(err) {
		return nil
	}
	return store.Wrap("notify: delete digest", err)
}

// insertJob stores an announcement to fan out: store.ErrDuplicate when its id exists.
func (st *Store) insertJob(ctx context.Context, j jobDoc) error {
	return st.Insert(ctx, colJobs, j)
}

// pendingJobs returns up to 100 announcements not yet done (indexed).
func (st *Store) pendingJobs(ctx context.Context) ([]jobDoc, error) {
	return store.Find[jobDoc](ctx, st.Store, colJobs, bson.M{"done": false}, options.Find().SetLimit(100))
}

// jobClaimID names the claim of one attempt at a job: a new attempt is a new claim (a stale one is never
// deleted, server/store/README.md).
func jobClaimID(j jobDoc) string { return fmt.Sprintf("%s:%d", j.ID, j.Attempt) }

// claimJob claims the job's current attempt for this node: true when this call won it.
func (st *Store) claimJob(ctx context.Context, j jobDoc, at time.Time) (bool, error) {
	return st.Claim(ctx, colClaims, jobClaimID(j), claimDoc{At: at})
}

// jobClaim returns the claim of the job's current attempt; store.ErrNotFound when there is none.
func (st *Store) jobClaim(ctx context.Context, j jobDoc) (*claimDoc, error) {
	var c claimDoc
	if err := st.Get(ctx, colClaims, jobClaimID(j), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// nextAttempt moves the job to its next attempt (a new claim id) if it is still at the one it was read at.
// Failing is harmless: the next pass tries again.
func (st *Store) nextAttempt(ctx context.Context, j jobDoc) {
	_, _ = st.C(colJobs).UpdateOne(ctx, bson.M{"_id": j.ID, "attempt": j.Attempt}, bson.M{"$set": bson.M{"attempt": j.Attempt + 1}})
}

// jobDone marks the job done.
func (st *Store) jobDone(ctx context.Context, id string) error {
	_, err := st.C(colJobs).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"done": true}})
	return store.Wrap("notify: job done", err)
}
