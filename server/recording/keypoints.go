package recording

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

const maxKeyPoints = 1000

var errDayNotFound = apperr.NotFoundf("The exchange day")

// canNote: the day's rapporteur, its host and moderators (host admins and professionals).
func canNote(w who, d *dayDoc) bool {
	return w.manager() || (w.p != nil && d.Rapporteur != "" && d.Rapporteur == w.p.UserID)
}

// KeyPoints lists the day's key points (room participants: host members and registered people), in session
// time order; those noted during a redacted turn are left out.
func (s *Service) KeyPoints(ctx context.Context, p *auth.Principal, dayID string) ([]KeyPoint, error) {
	_, d, err := s.takingPart(ctx, p, dayID, "Key points are for the people taking part in this exchange day.")
	if err != nil {
		return nil, err
	}
	return visibleKeyPoints(d), nil
}

// takingPart loads the day for someone taking part in it (host members, registered people, the rapporteur);
// others get 403 with refusal, anonymous 401.
func (s *Service) takingPart(ctx context.Context, p *auth.Principal, dayID, refusal string) (who, *dayDoc, error) {
	if p == nil {
		return who{}, nil, apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errDayNotFound)
	if err != nil {
		return who{}, nil, err
	}
	d, err := s.load(ctx, w.day.ID)
	if err != nil {
		return who{}, nil, err
	}
	if !w.participant() && !canNote(w, d) {
		return who{}, nil, apperr.Forbid(refusal)
	}
	return w, d, nil
}

func visibleKeyPoints(d *dayDoc) []KeyPoint {
	out := []KeyPoint{}
	for _, k := range d.KeyPoints {
		if !d.hidden(k.At) {
			out = append(out, k.api())
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AtMs < out[j].AtMs })
	return out
}

// IsRapporteur reports whether userID is the day's named rapporteur (server/live asks it when someone joins
// the room, to give them the "rapporteur" role and the key-point box). Errors count as "no".
func (s *Service) IsRapporteur(ctx context.Context, dayID, userID string) bool {
	if userID == "" || !store.ValidID(dayID) {
		return false
	}
	d, err := s.load(ctx, dayID)
	return err == nil && d.Rapporteur == userID
}

// SetRapporteur names the day's rapporteur (host admins and professionals); they must belong to the host
// organisation or be registered. An empty id clears it.
func (s *Service) SetRapporteur(ctx context.Context, p *auth.Principal, dayID string, in RapporteurInput) error {
	if p == nil {
		return apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errDayNotFound)
	if err != nil {
		return err
	}
	if !w.manager() {
		return apperr.Forbid("Only the host organisation's administrators and professionals choose the rapporteur.")
	}
	if in.UserID != "" {
		r, err := s.whoFor(ctx, &auth.Principal{UserID: in.UserID}, dayID, errDayNotFound)
		if err != nil {
			return err
		}
		if !store.ValidID(in.UserID) || !r.participant() {
			return apperr.Validation(apperr.Fields{"userId": apperr.Because("not_taking_part")})
		}
	}
	name := ""
	if in.UserID != "" {
		names, err := s.names(ctx, []string{in.UserID})
		if err != nil {
			return err
		}
		name = names[in.UserID]
	}
	_, err = s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
		d.Rapporteur, d.RapporteurName = in.UserID, name
		return true, nil
	})
	return err
}

// AddKeyPoint notes a key point for a guide question, stamped with the session time: the live session's
// clock when one runs, else the recording's start, else the day's scheduled start. The room is told at once.
func (s *Service) AddKeyPoint(ctx context.Context, p *auth.Principal, dayID string, in KeyPointInput) (*KeyPoint, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errDayNotFound)
	if err != nil {
		return nil, err
	}
	d, err := s.load(ctx, w.day.ID)
	if err != nil {
		return nil, err
	}
	if !canNote(w, d) {
		return nil, apperr.Forbid("Only the rapporteur, the host and the moderators note key points.")
	}
	f := apperr.Fields{}
	text := strings.TrimSpace(in.Text)
	f.Length("text", text, 1, 2000)
	if in.Question == nil || *in.Question < 0 || *in.Question >= len(w.day.Agenda) {
		f["question"] = apperr.Range(0, len(w.day.Agenda)-1)
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	started := w.day.StartsAt
	if st, ok := s.clock(w.day.ID); ok {
		started = st
	} else if m, err := s.readManifest(w.day.ID); err == nil {
		started = m.Started
	} else if d, err := s.load(ctx, w.day.ID); err == nil && !d.Started.IsZero() {
		started = d.Started // recorded on another node
	}
	kp := keyPointDoc{ID: store.NewID(), Question: *in.Question, Text: text, AtMs: max(0, now.Sub(started).Milliseconds()), At: now,
		Author: p.UserID, AuthorName: p.Name, CreatedAt: now}
	err = s.rm.Changed(ctx, KeyPointKind, w.day.ID+":"+kp.ID, func() error {
		_, err := s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
			if len(d.KeyPoints) >= maxKeyPoints {
				return false, apperr.New(apperr.Conflict, "too_many_key_points", fmt.Sprintf("A day holds at most %d key points.", maxKeyPoints))
			}
			d.KeyPoints = append(d.KeyPoints, kp)
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := kp.api()
	if s.ann != nil {
		s.ann.AnnounceKeyPoint(w.day.ID, out)
	}
	return &out, nil
}

func (s *Service) clock(dayID string) (started time.Time, ok bool) {
	if s.ann == nil {
		return time.Time{}, false
	}
	return s.ann.SessionClock(dayID)
}

// DeleteKeyPoint removes a key point (its author, the rapporteur, host and moderators); the room is told.
func (s *Service) DeleteKeyPoint(ctx context.Context, p *auth.Principal, dayID, id string) error {
	if p == nil {
		return apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errDayNotFound)
	if err != nil {
		return err
	}
	errKP := apperr.NotFoundf("The key point")
	if !store.ValidID(id) {
		return errKP
	}
	err = s.rm.Changed(ctx, KeyPointKind, w.day.ID+":"+id, func() error {
		_, err := s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
			for i, k := range d.KeyPoints {
				if k.ID != id {
					continue
				}
				if !canNote(w, d) && k.Author != p.UserID {
					return false, apperr.Forbid("Only the rapporteur, the host and the moderators remove key points.")
				}
				d.KeyPoints = append(d.KeyPoints[:i], d.KeyPoints[i+1:]...)
				return true, nil
			}
			return false, errKP
		})
		return err
	})
	if err != nil {
		return err
	}
	if s.ann != nil {
		s.ann.RetractKeyPoint(w.day.ID, id)
	}
	return nil
}
