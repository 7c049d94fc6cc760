package live

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
)

// A session the host ended is ended for good, on every node and after restarts: the end is a claim `_id =
// <day>` in live_ended (inserted once; nothing removes it), checked before every join.

type endedDoc struct {
	At time.Time `bson:"at"`
}

// ErrEnded is the refusal of a join to a day whose session was ended.
var ErrEnded = apperr.New(apperr.Conflict, "ended", "This exchange day's live session has ended. Its summary and recording are on its page.")

// Ended reports whether the day's live session was ended by its host (on any node, at any time).
func (s *Service) Ended(ctx context.Context, day string) (bool, error) {
	s.endedMu.Lock()
	known := s.ended[day]
	s.endedMu.Unlock()
	if known {
		return true, nil
	}
	ended, err := s.owners.st.ended(ctx, day)
	if !ended || err != nil {
		return false, err
	}
	s.endedMu.Lock()
	s.ended[day] = true // final: safe to remember
	s.endedMu.Unlock()
	return true, nil
}

func (s *Service) refuseEnded(ctx context.Context, day string) error {
	ended, err := s.Ended(ctx, day)
	if err != nil {
		return err
	}
	if ended {
		return ErrEnded
	}
	return nil
}

// recordEnded records the host's end in the store (before the room tells everyone it ended).
func (s *Service) recordEnded(day string) {
	s.endedMu.Lock()
	s.ended[day] = true
	s.endedMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.owners.st.claimEnded(ctx, day, time.Now().UTC()); err != nil {
		s.log.Error("live: the end of the session was not recorded", "day", day, "err", err)
	}
}

// opensAt is when the room of a day starting at start opens.
func (s *Service) opensAt(start time.Time) time.Time { return start.Add(-s.cfg.OpensBefore) }

// gate refuses a join to a day whose session was ended, or whose room is not open yet.
func (s *Service) gate(ctx context.Context, day string, start time.Time) error {
	if err := s.refuseEnded(ctx, day); err != nil {
		return err
	}
	if at := s.opensAt(start); time.Now().Before(at) {
		return apperr.New(apperr.Conflict, "not_open", "This exchange day's live session opens at "+
			at.UTC().Format(time.RFC3339)+".").With("opensAt", at.UTC().Format(time.RFC3339))
	}
	return nil
}

// Status is what a page shows before anyone joins: whether the live session is open, not open yet (and
// when it opens), or over.
type Status struct {
	// State is "open", "not_open", "ended" (by its host, or its time is over) or "cancelled".
	State   string    `json:"state"`
	OpensAt time.Time `json:"opensAt"`
}

// StatusOf: GET /exchange-days/:id/live/status — whether the live session can be joined now. Public like
// the day itself; it says nothing about who may join.
func (s *Service) StatusOf(c *fiber.Ctx) error {
	d, err := s.days.Get(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	st := Status{State: "open", OpensAt: s.opensAt(d.StartsAt).UTC()}
	ended, err := s.Ended(c.UserContext(), d.ID)
	switch {
	case err != nil:
		return err
	case d.Status == exchange.StatusCancelled:
		st.State = "cancelled"
	case ended || time.Now().After(d.EndsAt.Add(exchange.LiveGrace)):
		st.State = "ended"
	case time.Now().Before(st.OpensAt):
		st.State = "not_open"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(st)
}
