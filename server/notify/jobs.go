package notify

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

// Follow kinds of the diagnosis domain: following a diagnosis tells of its phases, its action plan and
// what happens to one's contributions.
const KindDiagnosis = "diagnosis"

const colOptOuts = "follow_optouts"

// AutoFollow makes userID follow a target (a contributor follows the diagnosis) unless they once
// unfollowed it: automatic, but opt-out sticks.
func (s *Service) AutoFollow(ctx context.Context, userID, kind, target string) error {
	if userID == "" {
		return nil
	}
	id := followID(userID, kind, target)
	err := s.s.C(colOptOuts).FindOne(ctx, bson.M{"_id": id}).Err()
	if err = store.Wrap("notify: opt-out", err); err == nil {
		return nil // they opted out
	} else if !isNotFound(err) {
		return err
	}
	d := followDoc{ID: id, UserID: userID, Kind: kind, Target: target, At: s.now().UTC()}
	_, err = s.s.C(colFollows).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$setOnInsert": d}, options.Update().SetUpsert(true))
	return store.Wrap("notify: auto-follow", err)
}

type jobDoc struct {
	ID         string    `bson:"_id"`
	FollowKind string    `bson:"followKind"`
	Target     string    `bson:"target"`
	Kind       string    `bson:"kind"`
	Title      string    `bson:"title"`
	Link       string    `bson:"link"`
	Actor      string    `bson:"actor"`
	Attempt    int       `bson:"attempt"`
	Done       bool      `bson:"done"`
	CreatedAt  time.Time `bson:"createdAt"`
}

type claimDoc struct {
	At time.Time `bson:"at"`
}

// jobLease is how long a claimed fan-out may run unrecorded before another node runs it again.
const jobLease = 10 * time.Minute

// Announce tells everyone who follows (followKind, target) about e, outside the request: it stores one
// job and returns; Run (on every node) claims the job by inserting its id, so one node fans it out.
func (s *Service) Announce(ctx context.Context, followKind, target string, e Event) error {
	j := jobDoc{ID: store.NewID(), FollowKind: followKind, Target: target, Kind: e.Kind, Title: e.Title, Link: e.Link,
		Actor: e.Actor, CreatedAt: s.now().UTC()}
	if _, err := s.s.C(colJobs).InsertOne(ctx, j); err != nil {
		return store.Wrap("notify: announce", err)
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// RunJobs runs the announcements not yet done whose claim this node wins; it returns how many it ran.
func (s *Service) RunJobs(ctx context.Context) (int, error) {
	cur, err := s.s.C(colJobs).Find(ctx, bson.M{"done": false}, options.Find().SetLimit(100))
	if err != nil {
		return 0, store.Wrap("notify: jobs", err)
	}
	var jobs []jobDoc
	if err := cur.All(ctx, &jobs); err != nil {
		return 0, store.Wrap("notify: jobs", err)
	}
	ran := 0
	for _, j := range jobs {
		claim := fmt.Sprintf("%s:%d", j.ID, j.Attempt)
		won, err := s.s.Claim(ctx, colClaims, claim, claimDoc{At: s.now().UTC()})
		if err != nil {
			return ran, err
		}
		if !won {
			var c claimDoc
			if err := s.s.C(colClaims).FindOne(ctx, bson.M{"_id": claim}).Decode(&c); err == nil && s.now().Sub(c.At) > jobLease {
				_, _ = s.s.C(colJobs).UpdateOne(ctx, bson.M{"_id": j.ID, "attempt": j.Attempt}, bson.M{"$set": bson.M{"attempt": j.Attempt + 1}})
			}
			continue
		}
		followers, err := s.Followers(ctx, j.FollowKind, j.Target)
		if err != nil {
			return ran, err
		}
		if err := s.Deliver(ctx, followers, Event{Kind: j.Kind, Title: j.Title, Link: j.Link, Actor: j.Actor}); err != nil {
			return ran, err
		}
		if _, err := s.s.C(colJobs).UpdateOne(ctx, bson.M{"_id": j.ID}, bson.M{"$set": bson.M{"done": true}}); err != nil {
			return ran, store.Wrap("notify: job done", err)
		}
		ran++
	}
	return ran, nil
}

// Run fans out announcements soon after they are made (and every interval), and queues the daily digests
// once the day has turned, until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.RunJobs(ctx); err != nil && ctx.Err() == nil {
			s.log().Warn("notify: announcements", "err", err)
		}
		if _, err := s.SendDigests(ctx); err != nil && ctx.Err() == nil {
			s.log().Warn("notify: digests", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}
