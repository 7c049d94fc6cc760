package recording

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/store"
)

// Sweep is what one maintenance pass did.
type Sweep struct {
	Synced  int      // recordings whose closed segments were imported (or checked)
	Deleted []string // days whose recordings retention deleted
}

// Maintain runs one pass at now: published summaries whose day changed its summary setting are re-indexed;
// in <data>/recordings, recordings older than their host organisation's
// retention (organisation.recordingRetentionDays > 0, counted from the recording's start) are deleted —
// media assets and blobs, segment files, manifest — and the others get their closed segments imported.
// Key points and the summary stay (their moments lose their links).
func (s *Service) Maintain(ctx context.Context, now time.Time) (Sweep, error) {
	var out Sweep
	errs := []error{s.reindexSummaries(ctx)}
	if s.opts.Dir == "" {
		return out, errors.Join(errs...)
	}
	entries, err := os.ReadDir(s.opts.Dir)
	if errors.Is(err, os.ErrNotExist) {
		entries, err = nil, nil // nothing recorded here: recordings made elsewhere still get retention below
	}
	if err != nil {
		return out, errors.Join(append(errs, err)...)
	}
	local := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() || !store.ValidID(e.Name()) {
			continue
		}
		local[e.Name()] = true
		day, err := s.days.Get(ctx, nil, e.Name())
		if apperr.IsKind(err, apperr.NotFound) {
			continue // not a day's folder: left alone
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m, err := s.readManifest(day.ID)
		if err != nil {
			continue
		}
		org, err := s.orgs.Get(ctx, nil, day.HostOrgID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n := org.RecordingRetentionDays; n > 0 && now.Sub(m.Started) > time.Duration(n)*24*time.Hour {
			if err := s.deleteRecording(ctx, day, now); err != nil {
				errs = append(errs, err)
				continue
			}
			out.Deleted = append(out.Deleted, day.ID)
			continue
		}
		if _, _, err := s.sync(ctx, day); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			errs = append(errs, err)
			continue
		}
		out.Synced++
	}
	// Recordings made on other nodes (or on a node that is gone): retention from the store's copy.
	var remote []string
	err = s.st.eachDay(ctx, func(d *dayDoc) error {
		if d.DeletedAt == nil && !local[d.ID] && len(d.Segments) > 0 && !d.Started.IsZero() {
			remote = append(remote, d.ID)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range remote {
		if err := s.retainStored(ctx, id, now, &out); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// retainStored applies retention to a recording this node has no folder of (kept in the store and the media
// store by the node that recorded it).
func (s *Service) retainStored(ctx context.Context, dayID string, now time.Time, out *Sweep) error {
	day, err := s.days.Get(ctx, nil, dayID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	d, err := s.load(ctx, dayID)
	if err != nil || d.DeletedAt != nil {
		return err
	}
	org, err := s.orgs.Get(ctx, nil, day.HostOrgID)
	if err != nil {
		return err
	}
	if n := org.RecordingRetentionDays; n > 0 && now.Sub(d.Started) > time.Duration(n)*24*time.Hour {
		if err := s.deleteRecording(ctx, day, now); err != nil {
			return err
		}
		out.Deleted = append(out.Deleted, day.ID)
	}
	return nil
}

// reindexSummaries re-announces published summaries whose day's summary setting changed since they were
// indexed (exchange days do not tell this package when their settings change; reads check the current
// setting, so only search can lag, until this pass).
func (s *Service) reindexSummaries(ctx context.Context) error {
	var stale []string
	err := s.st.eachDay(ctx, func(d *dayDoc) error {
		if d.Summary == nil || d.Summary.Status != SummaryPublished {
			return nil
		}
		day, err := s.days.Get(ctx, nil, d.ID)
		if apperr.IsKind(err, apperr.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if day.SummaryVisibility != d.Summary.IndexedVis {
			stale = append(stale, d.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range stale {
		day, err := s.days.Get(ctx, nil, id)
		if err != nil {
			return err
		}
		if err := s.rm.Changed(ctx, SummaryKind, id, func() error {
			_, err := s.mutate(ctx, id, func(d *dayDoc) (bool, error) {
				if d.Summary == nil {
					return false, nil
				}
				d.Summary.IndexedVis = day.SummaryVisibility
				return true, nil
			})
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// deleteRecording removes a day's recording: assets (and their blobs), then the folder, then marks the
// day's document (a crash part-way is finished by the next pass: the folder is still there).
func (s *Service) deleteRecording(ctx context.Context, day *exchange.Day, now time.Time) error {
	defer s.dayMu.lock(day.ID)()
	d, err := s.load(ctx, day.ID)
	if err != nil {
		return err
	}
	for _, sg := range d.Segments {
		if err := s.media.Delete(ctx, sg.AssetID); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	if err := os.RemoveAll(s.dir(day.ID)); err != nil {
		return err
	}
	return s.changedAll(ctx, []string{SummaryKind + "|" + day.ID}, func() error {
		_, err := s.mutate(ctx, day.ID, func(d *dayDoc) (bool, error) {
			t := now.UTC()
			d.DeletedAt, d.Segments = &t, nil
			d.LinkVersion++
			return true, nil
		})
		return err
	})
}

// Kick asks Run to import a day's segments shortly (the recording was just stopped: its segments close
// within FlushEvery). It never blocks; a kick while one is pending is dropped (the periodic pass catches up).
func (s *Service) Kick(dayID string) {
	select {
	case s.kick <- dayID:
	default:
	}
}

// Run calls Maintain every interval until ctx ends (the server's periodic job), and imports a kicked day's
// segments a few seconds after the kick.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-s.kick:
			select {
			case <-ctx.Done():
				return
			case <-time.After(3 * time.Second): // segments close and the manifest is rewritten meanwhile
			}
			if day, err := s.days.Get(ctx, nil, id); err == nil {
				if _, _, err := s.sync(ctx, day); err != nil && !apperr.IsKind(err, apperr.NotFound) {
					s.log.Error("recording: import after stop", "day", id, "err", err)
				}
			}
		case <-t.C:
			if res, err := s.Maintain(ctx, s.now()); err != nil {
				s.log.Error("recording maintenance", "err", err)
			} else if len(res.Deleted) > 0 {
				s.log.Info("recordings deleted by retention", "days", res.Deleted)
			}
		}
	}
}
