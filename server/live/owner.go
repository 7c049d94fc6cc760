package live

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/server/store"
)

// Room ownership across nodes (see README.md, "Several nodes"): a day's room lives on one node, its owner,
// recorded in the store as a claim `<day>:owner:<epoch>` (store.Claim, the one atomic operation on every
// store). The owner renews its lease by rewriting its own claim (nobody else writes it); when the lease runs
// out (the owner died) or the owner released it (its room closed), the next node to need the room claims
// epoch+1. Only one insert of an id succeeds, so two nodes never both hold a day.

// ownerDoc is one epoch of a day's ownership.
type ownerDoc struct {
	ID       string    `bson:"_id"`
	Day      string    `bson:"day"`
	Epoch    uint64    `bson:"epoch"`
	Node     string    `bson:"node"`     // the owner process's instance id (new at every start)
	URL      string    `bson:"url"`      // its internal base URL (TEIXIT_INTERNAL_URL); empty: not reachable by others
	TURNHost string    `bson:"turnHost"` // host in turn: URLs for its relay; empty: the request's host
	TURNPort int       `bson:"turnPort"` // its TURN relay port; 0: none
	Renewed  time.Time `bson:"renewed"`
	Released bool      `bson:"released"`
}

func ownerID(day string, epoch uint64) string { return day + ":owner:" + strconv.FormatUint(epoch, 10) }

// owner is the answer to "who holds this day's room".
type owner struct {
	doc  ownerDoc
	mine bool
}

// ownership is this node's view and its leases.
type ownership struct {
	st    *Store
	self  ownerDoc // Node, URL, TURN fields of this process
	lease time.Duration
	now   func() time.Time

	mu    sync.Mutex
	hint  map[string]uint64   // day → highest epoch seen (a hint: the store is the truth)
	held  map[string]ownerDoc // days this node owns
	stop  chan struct{}
	doneW sync.WaitGroup
	// crashed (tests only) makes close leave the claims as a killed process would: held until the lease ends.
	crashed bool
	// lost (set before run) is told of a day this node gave up without releasing it: its lease could not be
	// renewed before other nodes would see it run out, or another node already holds a newer epoch.
	lost func(day string)
}

func newOwnership(st *Store, self ownerDoc, lease time.Duration) *ownership {
	return &ownership{st: st, self: self, lease: lease, now: time.Now, hint: map[string]uint64{},
		held: map[string]ownerDoc{}, stop: make(chan struct{})}
}

// errTaken means another node holds a valid lease on the day.
var errTaken = errors.New("live: the day's room is held by another node")

// latest reads the day's newest ownership epoch; ErrNotFound when the day never had an owner.
func (o *ownership) latest(ctx context.Context, day string) (ownerDoc, error) {
	o.mu.Lock()
	n := o.hint[day]
	o.mu.Unlock()
	if n == 0 {
		n = 1
	}
	var last ownerDoc
	found := false
	for ; ; n++ {
		d, err := o.st.ownerEpoch(ctx, day, n)
		if store.IsNotFound(err) {
			break
		}
		if err != nil {
			return ownerDoc{}, err
		}
		last, found = d, true
	}
	if !found {
		if n > 1 { // the hint pointed past the end (cannot happen: epochs are never deleted); start over
			o.mu.Lock()
			delete(o.hint, day)
			o.mu.Unlock()
			return o.latest(ctx, day)
		}
		return ownerDoc{}, store.ErrNotFound
	}
	o.mu.Lock()
	if last.Epoch > o.hint[day] {
		o.hint[day] = last.Epoch
	}
	o.mu.Unlock()
	return last, nil
}

// valid reports whether d still holds the day: not released and renewed within the lease.
func (o *ownership) valid(d ownerDoc) bool {
	return !d.Released && o.now().Before(d.Renewed.Add(o.lease))
}

// current returns the day's valid owner, or ok=false when nobody holds it now.
func (o *ownership) current(ctx context.Context, day string) (owner, bool, error) {
	o.mu.Lock()
	if d, ok := o.held[day]; ok {
		o.mu.Unlock()
		return owner{doc: d, mine: true}, true, nil
	}
	o.mu.Unlock()
	d, err := o.latest(ctx, day)
	if errors.Is(err, store.ErrNotFound) {
		return owner{}, false, nil
	}
	if err != nil {
		return owner{}, false, err
	}
	if !o.valid(d) {
		return owner{}, false, nil
	}
	return owner{doc: d, mine: d.Node == o.self.Node}, true, nil
}

// acquire returns the day's owner, claiming it for this node when nobody holds it. Two nodes racing claim
// the same next epoch; one insert wins and the other reads the winner.
func (o *ownership) acquire(ctx context.Context, day string) (owner, error) {
	for attempt := 0; attempt < 5; attempt++ {
		cur, ok, err := o.current(ctx, day)
		if err != nil || ok {
			return cur, err
		}
		next := uint64(1)
		if d, err := o.latest(ctx, day); err == nil {
			next = d.Epoch + 1
		} else if !errors.Is(err, store.ErrNotFound) {
			return owner{}, err
		}
		d := o.self
		d.ID, d.Day, d.Epoch, d.Renewed = ownerID(day, next), day, next, o.now()
		won, err := o.st.claimOwner(ctx, d)
		if err != nil {
			return owner{}, err
		}
		if won {
			o.mu.Lock()
			o.held[day] = d
			if next > o.hint[day] {
				o.hint[day] = next
			}
			o.mu.Unlock()
			return owner{doc: d, mine: true}, nil
		}
	}
	return owner{}, fmt.Errorf("live: claiming day %s: %w", day, errTaken)
}

// holds reports whether this node holds the day.
func (o *ownership) holds(day string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.held[day]
	return ok
}

// renew rewrites the renewal time of every held day whose keep(day) is true and releases the others. Only the
// holder writes its claim, so a plain update by _id loses nothing.
//
// A node that cannot renew gives the day up before the others may take it over: when a renewal fails and the
// next one (lease/3 later) would come after the lease ran out, or when a newer epoch exists (another node
// judged the lease over: a slow store, clocks apart), the day is dropped from held without writing to the
// store and lost(day) closes this node's sessions of it, so that two nodes never serve one day for long.
func (o *ownership) renew(ctx context.Context, keep func(day string) bool) {
	o.mu.Lock()
	days := make([]ownerDoc, 0, len(o.held))
	for _, d := range o.held {
		days = append(days, d)
	}
	o.mu.Unlock()
	for _, d := range days {
		if !keep(d.Day) {
			o.release(ctx, d.Day)
			continue
		}
		now := o.now()
		err := o.st.renewOwner(ctx, d.ID, now)
		superseded := store.IsNotFound(err)
		if err == nil { // renewed, but another node may have claimed a newer epoch already
			_, errNewer := o.st.ownerEpoch(ctx, d.Day, d.Epoch+1)
			superseded = errNewer == nil
		}
		if superseded || (err != nil && !o.now().Add(o.lease/3).Before(d.Renewed.Add(o.lease))) {
			o.giveUp(d)
			continue
		}
		if err != nil {
			continue // the next renewal may still come in time
		}
		o.mu.Lock()
		if h, ok := o.held[d.Day]; ok && h.ID == d.ID {
			h.Renewed = now
			o.held[d.Day] = h
		}
		o.mu.Unlock()
	}
}

// giveUp drops a day this node can no longer be sure to hold and tells lost.
func (o *ownership) giveUp(d ownerDoc) {
	o.mu.Lock()
	h, ok := o.held[d.Day]
	if ok && h.ID == d.ID {
		delete(o.held, d.Day)
	}
	o.mu.Unlock()
	if ok && h.ID == d.ID && o.lost != nil {
		o.lost(d.Day)
	}
}

// release gives the day up at once (its room closed, or this node is shutting down).
func (o *ownership) release(ctx context.Context, day string) {
	o.mu.Lock()
	d, ok := o.held[day]
	delete(o.held, day)
	o.mu.Unlock()
	if ok {
		o.st.releaseOwner(ctx, d.ID)
	}
}

// run renews the leases every lease/3 until close.
func (o *ownership) run(keep func(day string) bool) {
	o.doneW.Add(1)
	go func() {
		defer o.doneW.Done()
		t := time.NewTicker(o.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-o.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), o.lease/3)
				o.renew(ctx, keep)
				cancel()
			}
		}
	}()
}

// close stops renewing and releases every held day so that other nodes take them over at once.
func (o *ownership) close() {
	close(o.stop)
	o.doneW.Wait()
	if o.crashed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	o.renew(ctx, func(string) bool { return false })
}

// Recording segment numbers are claims `<day>:seg:<n>` (live_segments): the recorders of a day's successive
// owners each write their own folder, and a node that takes the day over must not reuse a number its
// predecessor started but never imported (it died with the segment open). Claiming before the segment's file
// exists makes every number one segment's, on every store.

// segmentClaimWait bounds a segment's number claim; packets queue meanwhile (recorder.queueLen, ~10 s).
const segmentClaimWait = 3 * time.Second

// segmentNumbers is the day's recorder.Numbering: the first number from `from` on that nobody claimed.
func (s *Service) segmentNumbers(day string) recorder.Numbering {
	st := s.owners.st
	return func(from int) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), segmentClaimWait)
		defer cancel()
		n, err := st.claimSegment(ctx, day, s.self.Node, from)
		if err != nil {
			s.log.Error("live: claiming a recording segment number; the segment keeps its own", "day", day, "number", from, "err", err)
			return from, err
		}
		return n, nil
	}
}
