package notify

import (
	"context"
	"time"

	"github.com/teixit/teixit/server/store"
)

// Follow kinds of the diagnosis domain: following a diagnosis tells of its phases, its action plan and
// what happens to one's contributions.
const KindDiagnosis = "diagnosis"

// AutoFollow makes userID follow a target (a contributor follows the diagnosis) unless they once
// unfollowed it: automatic, but opt-out sticks.
func (s *Service) AutoFollow(ctx context.Context, userID, kind, target string) error {
	if userID == "" {
		return nil
	}
	id := followID(userID, kind, target)
	if out, err := s.st.optedOut(ctx, id); out || err != nil {
		return err // they opted out, or the store failed
	}
	return s.st.addFollow(ctx, followDoc{ID: id, UserID: userID, Kind: kind, Target: target, At: s.now().UTC()})
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
	if err := s.st.insertJob(ctx, j); err != nil {
		return err
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// RunJobs runs the announcements not yet done whose claim this node wins; it returns how many it ran.
func (s *Service) RunJobs(ctx context.Context) (int, error) {
	jobs, err := s.st.pendingJobs(ctx)
	if err != nil {
		return 0, err
	}
	ran := 0
	for _, j := range jobs {
		won, err := s.st.claimJob(ctx, j, s.now().UTC())
		if err != nil {
			return ran, err
		}
		if !won {
			if c, err := s.st.jobClaim(ctx, j); err == nil && s.now().Sub(c.At) > jobLease {
				s.st.nextAttempt(ctx, j)
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
		if err := s.st.jobDone(ctx, j.ID); err != nil {
			return ran, err
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
