package live

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/store"
)

// A session the host ended is ended for good, on every node and after restarts: the end is a claim `_id =
// <day>` in live_ended (inserted once; nothing removes it), checked before every join.

const colEnded = "live_ended"

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
	var d endedDoc
	err := store.Wrap("live: ended", s.cfg.Store.C(colEnded).FindOne(ctx, bson.M{"_id": day}).Decode(&d))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
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
	if _, err := s.cfg.Store.Claim(ctx, colEnded, day, endedDoc{At: time.Now().UTC()}); err != nil {
		s.log.Error("live: the end of the session was not recorded", "day", day, "err", err)
	}
}
