package exchange

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Collections. A day, a registration ("<day>:<user>") and a claim ("<day>:seat:<k>", "<day>:holder:<user>")
// are read by `_id`; the secondary indexes serve the seating pass (a day's registrations and claims) and a
// person's export and deletion.
const (
	colDays          = "exchange_days"
	colRegistrations = "exchange_registrations"
	colSeats         = "exchange_seats" // seat and holder claims (seats.go)
)

// Migrations returns this package's collections and indexes (number range 0030–0039).
func Migrations() []store.Migration {
	return []store.Migration{{Name: "0030_exchange_collections", Up: func(ctx context.Context, s *store.Store) error {
		if err := s.CreateCollections(ctx, colDays, colRegistrations); err != nil {
			return err
		}
		// Promoting from the waiting list and a person's export are cold paths.
		return s.CreateIndexes(ctx,
			store.Index{Collection: colRegistrations, Name: "registrations_day", Keys: []string{"dayId", "status", "createdAt"}},
			store.Index{Collection: colRegistrations, Name: "registrations_user", Keys: []string{"userId"}})
	}}, {Name: "0031_exchange_seats", Up: func(ctx context.Context, s *store.Store) error {
		if err := s.CreateCollections(ctx, colSeats); err != nil {
			return err
		}
		return s.CreateIndexes(ctx, store.Index{Collection: colSeats, Name: "seats_day", Keys: []string{"dayId"}})
	}}}
}

// Store reads and writes days, registrations and seat claims. It reads a day by id and inserts one through
// the shared store's own methods (GetByID, Insert); its own methods are the reads and writes of
// registrations and claims, whose rules are in seats.go. Every place is a claim by insert
// (server/store/README.md): the only write atomic across connections and nodes.
type Store struct{ *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s} }

// setDay sets fields of a day. A day that is gone is not an error (days are never deleted).
func (st *Store) setDay(ctx context.Context, op, id string, set bson.M) error {
	_, err := st.C(colDays).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
	return store.Wrap(op, err)
}

// setDayFields writes what an edit may change on d, with its new updatedAt and sequence.
func (st *Store) setDayFields(ctx context.Context, d *dayDoc) error {
	return st.setDay(ctx, "exchange: update", d.ID, bson.M{"title": d.Title, "description": d.Description,
		"startsAt": d.StartsAt, "endsAt": d.EndsAt, "timeZone": d.TimeZone, "agenda": d.Agenda, "mode": d.Mode,
		"inviteCode": d.InviteCode, "capacity": d.Capacity, "summaryVisibility": d.SummaryVis,
		"recordingVisibility": d.RecordingVis, "video": d.Video, "updatedAt": d.UpdatedAt, "sequence": d.Sequence})
}

// setDayStatus writes d's status, with its new updatedAt and sequence (cancelling).
func (st *Store) setDayStatus(ctx context.Context, d *dayDoc) error {
	return st.setDay(ctx, "exchange: cancel", d.ID,
		bson.M{"status": d.Status, "updatedAt": d.UpdatedAt, "sequence": d.Sequence})
}

// setCounts writes the counts the seating pass derived from the claims, and marks the day seated.
func (st *Store) setCounts(ctx context.Context, dayID string, registered, waiting int) error {
	return st.setDay(ctx, "exchange: counts", dayID,
		bson.M{"registeredCount": registered, "waitlistCount": waiting, "seated": true})
}

// claimRegistration inserts reg under "<day>:<user>": true when this call registered the person, false (no
// error) when they already were (registering twice keeps the first place in the queue).
func (st *Store) claimRegistration(ctx context.Context, reg registrationDoc) (bool, error) {
	return st.Claim(ctx, colRegistrations, registrationID(reg.DayID, reg.UserID), reg)
}

// registration returns the person's registration for the day; store.ErrNotFound when they have none.
func (st *Store) registration(ctx context.Context, dayID, userID string) (*registrationDoc, error) {
	var r registrationDoc
	if err := st.Get(ctx, colRegistrations, registrationID(dayID, userID), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// deleteRegistration deletes the person's registration for the day; one already gone is not an error.
func (st *Store) deleteRegistration(ctx context.Context, dayID, userID string) error {
	return st.Release(ctx, colRegistrations, registrationID(dayID, userID))
}

// dayRegistrations returns the day's registrations, in no order (indexed: the seating pass).
func (st *Store) dayRegistrations(ctx context.Context, dayID string) ([]registrationDoc, error) {
	return store.Find[registrationDoc](ctx, st.Store, colRegistrations, bson.M{"dayId": dayID})
}

// personRegistrations returns a person's registrations on every day (indexed: export and deletion).
func (st *Store) personRegistrations(ctx context.Context, userID string) ([]registrationDoc, error) {
	return store.Find[registrationDoc](ctx, st.Store, colRegistrations, bson.M{"userId": userID})
}

// dayClaims returns the day's seat and holder claims (indexed: the seating pass).
func (st *Store) dayClaims(ctx context.Context, dayID string) ([]seatDoc, error) {
	return store.Find[seatDoc](ctx, st.Store, colSeats, bson.M{"dayId": dayID})
}

// seatHolder returns the person's holder claim on the day (naming the seat it holds);
// store.ErrNotFound when there is none.
func (st *Store) seatHolder(ctx context.Context, dayID, userID string) (*holderDoc, error) {
	var h holderDoc
	if err := st.Get(ctx, colSeats, holderID(dayID, userID), &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// seat returns the claim of seat k of the day; store.ErrNotFound when nobody holds it.
func (st *Store) seat(ctx context.Context, dayID string, k int) (*seatDoc, error) {
	var seat seatDoc
	if err := st.Get(ctx, colSeats, seatID(dayID, k), &seat); err != nil {
		return nil, err
	}
	return &seat, nil
}

// claimHolder claims "<day>:holder:<user>", the right to seat the person: true when this call holds it,
// false (no error) when another pass does. It names no seat yet (setSeat).
func (st *Store) claimHolder(ctx context.Context, dayID, userID string, at time.Time) (bool, error) {
	return st.Claim(ctx, colSeats, holderID(dayID, userID), holderDoc{DayID: dayID, Kind: "holder", UserID: userID, At: at})
}

// claimFirstSeat claims the lowest free seat in [from, capacity] of the day for the person, the claim
// stamped with now(); store.ErrNoneFree (wrapped) when every one is taken.
func (st *Store) claimFirstSeat(ctx context.Context, dayID, userID string, from, capacity int, now func() time.Time) (int, error) {
	n, err := st.ClaimFirst(ctx, colSeats, uint64(from), uint64(capacity),
		func(n uint64) string { return seatID(dayID, int(n)) },
		func(n uint64) any {
			return seatDoc{DayID: dayID, Kind: "seat", UserID: userID, Seat: int(n), At: now().UTC()}
		})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// setSeat points the person's holder claim at seat k (claimed for them). A holder claim that is gone is
// not an error: the seating pass releases the seat once stale.
func (st *Store) setSeat(ctx context.Context, dayID, userID string, k int) error {
	_, err := st.C(colSeats).UpdateOne(ctx, bson.M{"_id": holderID(dayID, userID)}, bson.M{"$set": bson.M{"seat": k}})
	return store.Wrap("exchange: hold seat", err)
}

// releaseClaim deletes a seat or holder claim by its id; one already gone is not an error.
func (st *Store) releaseClaim(ctx context.Context, id string) error {
	return st.Release(ctx, colSeats, id)
}

// releaseSeatOf releases seat k of the day if it still names the person (a seat someone else took since,
// or nobody holds, is left alone).
func (st *Store) releaseSeatOf(ctx context.Context, dayID string, k int, userID string) error {
	seat, err := st.seat(ctx, dayID, k)
	if store.IsNotFound(err) || err == nil && seat.UserID != userID {
		return nil
	}
	if err != nil {
		return store.Wrap("exchange: release seat", err)
	}
	return st.releaseClaim(ctx, seat.ID)
}
