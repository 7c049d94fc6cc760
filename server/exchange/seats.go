package exchange

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/store"
)

// Places are claims (server/store/README.md): a day of capacity c has the seats "<day>:seat:1".."<day>:seat:c",
// and a person holds at most one through the claim "<day>:holder:<user>" naming it. Inserting a unique `_id` is
// the only operation atomic across connections and nodes, so two people can never get one seat and one person
// never gets two, whatever the store. A registration (exchange_registrations "<day>:<user>") is the wish to
// attend and its place in the queue; it is "registered" when its holder claim and that seat both name the
// person, else waiting. The counts shown are derived from these claims by the seating pass, never moved with
// $inc. (A day with no capacity limit uses seats up to maxSeats.)
//
// Crash safety: each step is one insert or one delete, ordered so that an interruption leaves at worst a
// claim nobody completes — a seat whose holder claim is missing, or claims whose registration is gone. The
// seating pass releases those once older than staleClaim (a live request finishes its steps in milliseconds).

const (
	maxSeats   = 10000
	staleClaim = time.Minute
)

type seatDoc struct {
	ID     string    `bson:"_id"`
	DayID  string    `bson:"dayId"`
	Kind   string    `bson:"kind"` // "seat" or "holder"
	UserID string    `bson:"userId"`
	Seat   int       `bson:"seat"`
	At     time.Time `bson:"at"`
}

func seatID(dayID string, k int) string    { return fmt.Sprintf("%s:seat:%d", dayID, k) }
func holderID(dayID, userID string) string { return dayID + ":holder:" + userID }
func (s *Service) stale(at time.Time) bool { return s.now().Sub(at) > staleClaim }

// seatCapacity is how many seats the day has (maxSeats when it has no limit).
func seatCapacity(d *dayDoc) int {
	if d.Capacity <= 0 {
		return maxSeats
	}
	return d.Capacity
}

// waitingOrder: first registered first, ties by id.
func waitingOrder(a, b registrationDoc) bool {
	return a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID
}

type holderDoc = seatDoc

// seating is one day's registrations and claims as read by one scan (a write path: registering, leaving,
// changing the capacity; views read the derived counts on the day).
type seating struct {
	regs    []registrationDoc  // in waiting-list order
	seats   map[int]seatDoc    // by seat number
	holders map[string]seatDoc // by user
	seated  map[string]int     // users whose holder claim and seat agree (and who are registered)
	regOf   map[string]*registrationDoc
}

func (s *Service) readSeating(ctx context.Context, dayID string) (*seating, error) {
	st := &seating{seats: map[int]seatDoc{}, holders: map[string]seatDoc{}, seated: map[string]int{}, regOf: map[string]*registrationDoc{}}
	regs, err := s.st.dayRegistrations(ctx, dayID)
	if err != nil {
		return nil, err
	}
	st.regs = regs
	sort.Slice(st.regs, func(i, j int) bool { return waitingOrder(st.regs[i], st.regs[j]) })
	for i := range st.regs {
		st.regOf[st.regs[i].UserID] = &st.regs[i]
	}
	claims, err := s.st.dayClaims(ctx, dayID)
	if err != nil {
		return nil, err
	}
	for _, c := range claims {
		if c.Kind == "holder" {
			st.holders[c.UserID] = c
		} else {
			st.seats[c.Seat] = c
		}
	}
	for u, h := range st.holders {
		if seat, ok := st.seats[h.Seat]; ok && seat.UserID == u && st.regOf[u] != nil {
			st.seated[u] = h.Seat
		}
	}
	return st, nil
}

// releaseStale releases claims that no registration completes and that are older than staleClaim.
func (s *Service) releaseStale(ctx context.Context, st *seating) error {
	for k, seat := range st.seats {
		if n, ok := st.seated[seat.UserID]; (!ok || n != k) && s.stale(seat.At) {
			if err := s.st.releaseClaim(ctx, seat.ID); err != nil {
				return err
			}
			delete(st.seats, k)
		}
	}
	for u, h := range st.holders {
		if _, ok := st.seated[u]; !ok && s.stale(h.At) {
			if err := s.st.releaseClaim(ctx, h.ID); err != nil {
				return err
			}
			delete(st.holders, u)
		}
	}
	return nil
}

// claimSeat claims the lowest free seat up to capacity for userID; ErrNoneFree when the day is full.
func (s *Service) claimSeat(ctx context.Context, dayID, userID string, capacity int, st *seating) (int, error) {
	from := 1
	for ; from <= capacity; from++ {
		if _, taken := st.seats[from]; !taken {
			break
		}
	}
	n, err := s.st.claimFirstSeat(ctx, dayID, userID, from, capacity, s.now)
	if err != nil {
		return 0, err
	}
	st.seats[n] = seatDoc{ID: seatID(dayID, n), DayID: dayID, Kind: "seat", UserID: userID, Seat: n, At: s.now().UTC()}
	return n, nil
}

// gate runs one day's seating passes one at a time in this process and lets a caller skip its own pass
// when one that began after its change has finished meanwhile (forty people registering at once on one node
// make two or three passes, not forty contending ones). Passes on other nodes still run concurrently: the
// claims keep them correct; the gate only saves work.
type gate struct {
	mu      sync.Mutex
	begun   atomic.Uint64 // passes begun (the next one covers every change made before it begins)
	done    uint64        // the last pass finished
	callers map[string]int
	cmu     sync.Mutex
}

func (s *Service) gate(dayID string) *gate {
	g, _ := s.gates.LoadOrStore(dayID, &gate{callers: map[string]int{}})
	return g.(*gate)
}

// seatAfter makes sure a seating pass that began after the caller's change has run (running it if needed).
// People whose own request is waiting for the pass are not sent a notification: their answer says it.
func (s *Service) seatAfter(ctx context.Context, d *dayDoc, caller string) error {
	g := s.gate(d.ID)
	want := g.begun.Load() + 1
	g.cmu.Lock()
	g.callers[caller]++
	g.cmu.Unlock()
	defer func() {
		g.cmu.Lock()
		if g.callers[caller]--; g.callers[caller] <= 0 {
			delete(g.callers, caller)
		}
		g.cmu.Unlock()
	}()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done >= want {
		return nil
	}
	n := g.begun.Add(1)
	err := s.seat(ctx, d, func(u string) bool {
		g.cmu.Lock()
		defer g.cmu.Unlock()
		return g.callers[u] > 0
	})
	if err == nil {
		g.done = n
	}
	return err
}

// seat is the seating pass: it releases stale claims, moves people whose seat is above a lowered capacity
// into free seats below it, seats the waiting list in order while seats are free, tells the promoted (all
// but those answered, who get it in their response), and writes the derived counts on the day. Several
// passes may run at once on several nodes: claims keep them from double-booking, and each rewrites the
// counts until they match what it reads.
func (s *Service) seat(ctx context.Context, d *dayDoc, answered func(userID string) bool) error {
	st, err := s.readSeating(ctx, d.ID)
	if err != nil {
		return err
	}
	if err := s.releaseStale(ctx, st); err != nil {
		return err
	}
	capacity := seatCapacity(d)
	if err := s.remap(ctx, d, capacity, st); err != nil {
		return err
	}
	var promoted []string
	for _, r := range st.regs {
		if len(st.seated) >= capacity {
			break
		}
		if _, ok := st.seated[r.UserID]; ok {
			continue
		}
		if _, inFlight := st.holders[r.UserID]; inFlight {
			continue // another pass is seating them right now (or a crashed one did: released once stale)
		}
		// The holder claim first: only one pass seats a person, so no seat is ever taken for nothing.
		ok, err := s.st.claimHolder(ctx, d.ID, r.UserID, s.now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		k, err := s.claimSeat(ctx, d.ID, r.UserID, capacity, st)
		if errors.Is(err, store.ErrNoneFree) {
			if err := s.st.releaseClaim(ctx, holderID(d.ID, r.UserID)); err != nil {
				return err
			}
			break
		}
		if err != nil {
			return err
		}
		if err := s.st.setSeat(ctx, d.ID, r.UserID, k); err != nil {
			return err
		}
		st.seated[r.UserID] = k
		if answered == nil || !answered(r.UserID) {
			promoted = append(promoted, r.UserID)
		}
	}
	if len(promoted) > 0 && s.notify != nil {
		_ = s.notify.Deliver(ctx, promoted, notify.Event{Kind: "registration_promoted", Title: d.Title, Link: Link(d.ID)})
	}
	return s.writeCounts(ctx, d, st)
}

// remap moves people holding a seat above the day's capacity (lowered since) into free seats below it: claim
// the new seat, point the holder claim at it, release the old one. An interruption leaves one of the two
// seats naming someone whose holder points at the other — released by a later pass once stale.
func (s *Service) remap(ctx context.Context, d *dayDoc, capacity int, st *seating) error {
	if d.Capacity <= 0 {
		return nil
	}
	for u, k := range st.seated {
		if k <= capacity {
			continue
		}
		n, err := s.claimSeat(ctx, d.ID, u, capacity, st)
		if errors.Is(err, store.ErrNoneFree) {
			return nil // more people than places (capacity lowered during registrations): they keep theirs
		}
		if err != nil {
			return err
		}
		if err := s.st.setSeat(ctx, d.ID, u, n); err != nil {
			return err
		}
		if err := s.st.releaseClaim(ctx, seatID(d.ID, k)); err != nil {
			return err
		}
		delete(st.seats, k)
		st.seated[u] = n
	}
	return nil
}

// writeCounts stores the derived counts on the day, reading the claims again until what it wrote is what
// it reads, so that the last of several concurrent passes leaves the truth.
func (s *Service) writeCounts(ctx context.Context, d *dayDoc, st *seating) error {
	for range 4 {
		reg, wait := len(st.seated), len(st.regs)-len(st.seated)
		if reg == d.RegisteredCount && wait == d.WaitlistCount && d.Seated {
			again, err := s.readSeating(ctx, d.ID)
			if err != nil {
				return err
			}
			if len(again.seated) == reg && len(again.regs)-len(again.seated) == wait {
				return nil
			}
			st = again
			continue
		}
		if err := s.st.setCounts(ctx, d.ID, reg, wait); err != nil {
			return err
		}
		d.RegisteredCount, d.WaitlistCount, d.Seated = reg, wait, true
	}
	return nil
}

// status is the person's registration as the claims say: "" (none), Registered or Waitlisted. inFlight
// says a seating pass is giving them a seat right now (a holder claim without its seat yet).
func (s *Service) status(ctx context.Context, dayID, userID string) (st string, inFlight bool, err error) {
	_, err = s.st.registration(ctx, dayID, userID)
	if store.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, store.Wrap("exchange: registration", err)
	}
	h, err := s.st.seatHolder(ctx, dayID, userID)
	if store.IsNotFound(err) {
		return Waitlisted, false, nil
	}
	if err != nil {
		return "", false, store.Wrap("exchange: registration", err)
	}
	seat, err := s.st.seat(ctx, dayID, h.Seat)
	if store.IsNotFound(err) || err == nil && seat.UserID != userID {
		return Waitlisted, !s.stale(h.At), nil
	}
	if err != nil {
		return "", false, store.Wrap("exchange: registration", err)
	}
	return Registered, false, nil
}

// settledStatus is status once no pass is seating the person any more (bounded wait), so that what a
// registrant is told is what stays true.
func (s *Service) settledStatus(ctx context.Context, dayID, userID string) (string, error) {
	deadline := s.now().Add(5 * time.Second)
	for {
		st, inFlight, err := s.status(ctx, dayID, userID)
		if err != nil || !inFlight || s.now().After(deadline) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Reseat runs the seating pass on a day (teixit doctor; days registered before seats existed).
func (s *Service) Reseat(ctx context.Context, dayID string) error {
	d, err := s.load(ctx, dayID)
	if err != nil {
		return err
	}
	return s.seatAfter(ctx, d, "")
}
