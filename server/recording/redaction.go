package recording

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

const maxRedactionTurns = 500

// Redactions lists removal requests: all of them for host admins, one's own for everyone else.
func (s *Service) Redactions(ctx context.Context, p *auth.Principal, dayID string) ([]Redaction, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errRecordingNotFound)
	if err != nil {
		return nil, err
	}
	d, err := s.load(ctx, w.day.ID)
	if err != nil {
		return nil, err
	}
	out := []Redaction{}
	for _, r := range d.Redactions {
		if w.host() || r.UserID == p.UserID {
			out = append(out, r.api())
		}
	}
	return out, nil
}

// RequestRedaction asks to remove turns from the recording. A speaker may name only their own turns (403
// otherwise); the host confirms. A host admin's request is confirmed at once.
func (s *Service) RequestRedaction(ctx context.Context, p *auth.Principal, dayID string, in RedactionInput) (*Redaction, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errRecordingNotFound)
	if err != nil {
		return nil, err
	}
	m, d, err := s.sync(ctx, w.day)
	if err != nil {
		return nil, err
	}
	turns := map[int]recTurn{}
	spoke := false
	for _, t := range playable(m, d) {
		turns[t.seg.Number] = t
		spoke = spoke || t.UserID == p.UserID
	}
	if !w.canHear() && !spoke { // as for the manifest: nothing tells an outsider a recording exists
		return nil, errRecordingNotFound
	}
	if len(in.Turns) == 0 || len(in.Turns) > maxRedactionTurns {
		return nil, apperr.Validation(apperr.Fields{"turns": apperr.ItemsBetween(1, maxRedactionTurns)})
	}
	nums := slices.Compact(slices.Sorted(slices.Values(in.Turns)))
	mine := len(turns) > 0
	for _, n := range nums {
		t, ok := turns[n]
		if !ok {
			if !w.canHear() && !w.host() {
				return nil, apperr.Forbid("You can only ask to remove your own turns.")
			}
			return nil, apperr.Validation(apperr.Fields{"turns": apperr.Because("no_such_turn", "turn", n)})
		}
		mine = mine && t.UserID == p.UserID
	}
	if !mine && !w.host() {
		return nil, apperr.Forbid("You can only ask to remove your own turns.")
	}
	r := redactionDoc{ID: store.NewID(), UserID: p.UserID, UserName: p.Name, Turns: nums, Status: RedactionPending, CreatedAt: s.now().UTC()}
	for _, n := range nums {
		t := turns[n]
		r.Details = append(r.Details, turnNote{Number: n, Speaker: t.DisplayName, Question: t.Question, StartMs: t.StartMS, EndMs: *t.EndMS})
	}
	if _, err := s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
		d.Redactions = append(d.Redactions, r)
		return true, nil
	}); err != nil {
		return nil, err
	}
	if w.host() {
		return s.confirm(ctx, w, r.ID)
	}
	out := r.api()
	return &out, nil
}

// ConfirmRedaction removes the request's turns for good (host admins): their media assets and segment files
// are deleted, they leave the manifest, the download and the summary's moments, and key points noted while
// they were spoken leave the key points and the search index.
func (s *Service) ConfirmRedaction(ctx context.Context, p *auth.Principal, dayID, rid string) (*Redaction, error) {
	w, err := s.requireHost(ctx, p, dayID, "confirm a removal")
	if err != nil {
		return nil, err
	}
	return s.confirm(ctx, w, rid)
}

func (s *Service) confirm(ctx context.Context, w who, rid string) (*Redaction, error) {
	errR := apperr.NotFoundf("The removal request")
	m, d, err := s.sync(ctx, w.day)
	if err != nil {
		return nil, err
	}
	var r *redactionDoc
	for i := range d.Redactions {
		if d.Redactions[i].ID == rid {
			r = &d.Redactions[i]
		}
	}
	if r == nil {
		return nil, errR
	}
	if r.Status == RedactionConfirmed {
		out := r.api()
		return &out, nil
	}
	drop := map[int]bool{}
	for _, n := range r.Turns {
		drop[n] = true
	}
	for a, v := range videoPairs(m) { // a turn's camera goes with it
		if drop[a] {
			drop[v.n] = true
		}
	}
	var spans []spanDoc
	for _, e := range m.Turns {
		if n, ok := recorder.SegmentNumber(e.File); ok && drop[n] && e.EndedAt != nil {
			spans = append(spans, spanDoc{From: e.StartedAt, To: *e.EndedAt})
		}
	}
	// Media first: a crash after this leaves the request pending, and confirming again finishes it.
	for _, sg := range d.Segments {
		if !drop[sg.Number] {
			continue
		}
		if err := s.media.Delete(ctx, sg.AssetID); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return nil, err
		}
		if err := os.Remove(filepath.Join(s.dir(w.day.ID), sg.File)); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("recording: remove segment: %w", err)
		}
	}
	probe := &dayDoc{Hidden: spans}
	refs := []string{SummaryKind + "|" + w.day.ID}
	for _, k := range d.KeyPoints {
		if probe.hidden(k.At) {
			refs = append(refs, KeyPointKind+"|"+w.day.ID+":"+k.ID)
		}
	}
	var out Redaction
	err = s.changedAll(ctx, refs, func() error {
		_, err := s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
			for i := range d.Segments {
				if drop[d.Segments[i].Number] {
					d.Segments[i].Redacted = true
				}
			}
			d.Hidden = append(d.Hidden, spans...)
			dropHiddenLines(d)
			for i := range d.Redactions {
				if d.Redactions[i].ID == rid {
					now := s.now().UTC()
					d.Redactions[i].Status, d.Redactions[i].ConfirmedAt, d.Redactions[i].ConfirmedBy = RedactionConfirmed, &now, w.p.UserID
					out = d.Redactions[i].api()
				}
			}
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// changedAll announces several read-model records ("kind|id") before one write: each change record is
// appended before the write, as the read model requires, by nesting the calls.
func (s *Service) changedAll(ctx context.Context, refs []string, write func() error) error {
	if len(refs) == 0 {
		return write()
	}
	kind, id, _ := strings.Cut(refs[0], "|")
	return s.rm.Changed(ctx, kind, id, func() error { return s.changedAll(ctx, refs[1:], write) })
}

// dropHiddenLines removes from a saved summary the lines drafted from key points that are now hidden (the
// exact "- text" line the draft wrote) and their moments. Wording the host wrote themselves is theirs to
// edit.
func dropHiddenLines(d *dayDoc) {
	if d.Summary == nil {
		return
	}
	hidden := map[string]string{}
	for _, k := range d.KeyPoints {
		if d.hidden(k.At) {
			hidden[k.ID] = "- " + strings.ReplaceAll(k.Text, "\n", " ")
		}
	}
	drop := func(secs []sectionDoc) bool {
		changed := false
		for i := range secs {
			sec := &secs[i]
			for id, line := range hidden {
				md := strings.TrimSuffix(strings.ReplaceAll(sec.Markdown, line+"\n", ""), line)
				kps := slices.DeleteFunc(slices.Clone(sec.KeyPoints), func(k string) bool { return k == id })
				if md != sec.Markdown || len(kps) != len(sec.KeyPoints) {
					sec.Markdown, sec.KeyPoints, changed = md, kps, true
				}
			}
		}
		return changed
	}
	if d.Summary.Status == SummaryPublished && d.Summary.Published == nil { // published before the frozen copy
		d.Summary.Published = slices.Clone(d.Summary.Sections)
	}
	drop(d.Summary.Sections)
	if d.Summary.Status == SummaryPublished {
		// Removed speech leaves the published text at once (privacy first); the host is asked to look at the
		// summary again and republish it, rather than finding it changed without a word.
		if drop(d.Summary.Published) {
			d.Summary.Review = ReviewRemoval
		}
	}
}
