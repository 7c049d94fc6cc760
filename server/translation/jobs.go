package translation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
)

// The queue. A job "<kind>:<id>:<lang>" exists once (enqueuing is a claim by insert of that id, so two nodes
// asking at once queue it once). Running attempt n of a job is a second claim, "<job>:<n>" in
// translation_leases: exactly one node runs it, and only that node writes the machine translation and moves
// the job on (attempt n+1 after a backoff, or done: deleted). A node that died holding a lease leaves it;
// after LeaseTTL any node moves the job on to attempt n+1 (a new claim id, never a conditional delete).
// The engine is called only here, never while a request waits.

// enqueue queues the translation of a record into lang. asked: a reader waits, so a failed job starts over.
func (s *Service) enqueue(ctx context.Context, kind, id, lang string, asked bool) error {
	k := key(kind, id, lang)
	now := s.now().UTC()
	ok, err := s.d.Store.Claim(ctx, colJobs, k, jobDoc{Kind: kind, Record: id, Lang: lang, State: jobQueued,
		Asked: asked, NotBefore: now, CreatedAt: now})
	if err != nil {
		return fmt.Errorf("translation: enqueue: %w", err)
	}
	if !ok && asked {
		var j jobDoc
		if err := s.st.get(ctx, colJobs, k, &j); err == nil && (j.State == jobFailed || !j.Asked) {
			set := bson.M{"asked": true}
			if j.State == jobFailed { // retry from a fresh attempt number: leases of old attempts are never reused
				set = bson.M{"asked": true, "state": jobQueued, "notBefore": now, "attempts": j.Attempts + 1}
			}
			if err := s.st.setJob(ctx, k, set); err != nil {
				return err
			}
		}
	}
	s.Wake()
	return nil
}

// Wake makes this node's runner look for due jobs now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run works the queue and follows content changes until ctx ends. It does nothing without an engine except
// keeping translations' index entries in step with their originals.
func (s *Service) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() { defer close(done); s.followChanges(ctx) }()
	defer func() { <-done }()
	if !s.Enabled() {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(s.d.Poll)
	defer t.Stop()
	for {
		for s.work(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// work runs a batch of due jobs, asked ones first; it reports whether a full batch ran (more may be due).
func (s *Service) work(ctx context.Context) bool {
	const batch = 10
	jobs, err := s.st.due(ctx, s.now().UTC(), batch)
	if err != nil {
		if ctx.Err() == nil {
			s.d.Logger.Warn("translation: reading the queue", "err", err)
		}
		return false
	}
	ran := false
	for i, j := range jobs {
		if ctx.Err() != nil {
			return false
		}
		if !j.Asked && i > 0 && s.askedWaiting() {
			return true // a reader asked meanwhile: serve them before going on ahead of time
		}
		ran = s.runJob(ctx, j) || ran
	}
	return ran && ctx.Err() == nil // jobs other nodes hold are left to them until the next tick
}

// askedWaiting reports (and consumes) a wake-up: someone enqueued, maybe a reader who waits.
func (s *Service) askedWaiting() bool {
	select {
	case <-s.wake:
		return true
	default:
		return false
	}
}

func backoff(attempt int) time.Duration {
	d := 5 * time.Second << min(attempt, 6)
	return min(d, 5*time.Minute)
}

// runJob claims the job's current attempt and, holding it, translates and stores the result; false when
// another node holds the attempt.
func (s *Service) runJob(ctx context.Context, j jobDoc) bool {
	lease := fmt.Sprintf("%s:%d", j.ID, j.Attempts)
	now := s.now().UTC()
	ok, err := s.d.Store.Claim(ctx, colLeases, lease, leaseDoc{Node: s.d.Node, At: now})
	if err != nil || !ok {
		if err == nil {
			var l leaseDoc
			if s.st.get(ctx, colLeases, lease, &l) == nil && now.Sub(l.At) > s.d.LeaseTTL {
				_ = s.st.setJob(ctx, j.ID, bson.M{"attempts": j.Attempts + 1}) // its holder died: next attempt
			}
		}
		return false
	}
	defer func() { _ = s.d.Store.Release(context.WithoutCancel(ctx), colLeases, lease) }()
	jctx, cancel := context.WithTimeout(ctx, s.d.JobTimeout)
	defer cancel()
	err = s.translate(jctx, j)
	switch {
	case err == nil:
		_ = s.d.Store.Release(ctx, colJobs, j.ID)
	case errors.Is(err, ErrEngine) || errors.Is(err, context.DeadlineExceeded):
		set := bson.M{"attempts": j.Attempts + 1, "lastError": err.Error(), "notBefore": now.Add(backoff(j.Attempts))}
		if j.Attempts+1 >= s.d.MaxAttempts {
			set["state"] = jobFailed
		}
		s.d.Logger.Info("translation: engine failed; will retry", "job", j.ID, "attempt", j.Attempts+1, "err", err)
		_ = s.st.setJob(ctx, j.ID, set)
	default: // no route, unknown language, record gone: retrying cannot help
		if errors.Is(err, errNoRecord) || apperr.IsKind(err, apperr.NotFound) {
			_ = s.d.Store.Release(ctx, colJobs, j.ID)
			return true
		}
		_ = s.st.setJob(ctx, j.ID, bson.M{"state": jobFailed, "lastError": err.Error(), "attempts": j.Attempts + 1})
	}
	return true
}

// translate makes the machine translation of the job's record, unless an up-to-date one exists.
func (s *Service) translate(ctx context.Context, j jobDoc) error {
	src, k, err := s.source(ctx, j.Kind, j.Record)
	if err != nil {
		return err
	}
	if src.Language == "" || src.Language == j.Lang {
		return nil
	}
	kk := key(j.Kind, j.Record, j.Lang)
	m, r, err := s.st.pair(ctx, kk)
	if err != nil {
		return err
	}
	if (m != nil && m.SourceVersion == src.Version) || (r != nil && r.SourceVersion == src.Version) {
		return nil
	}
	route, err := s.d.Engine.RouteFor(ctx, src.Language, j.Lang)
	if err != nil {
		return err
	}
	out, err := s.d.Engine.Translate(ctx, route, src.Fields(k))
	if err != nil {
		return err
	}
	d := &trDoc{ID: kk + ":m", Kind: j.Kind, Record: j.Record, Lang: j.Lang, SourceLang: src.Language,
		SourceVersion: src.Version, Engine: route.Engine(), Fields: out, At: s.now().UTC()}
	return s.d.ReadModel.Changed(ctx, IndexKind, kk, func() error { return s.st.put(ctx, d) })
}

// followChanges reacts to every change of a translatable record (its loader ran): the record's existing
// translations are re-announced to the index (their visibility and filters follow the original's), and a
// published record's missing or stale machine translations are queued.
func (s *Service) followChanges(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-s.changes:
			if err := s.onChange(ctx, c); err != nil && ctx.Err() == nil {
				s.d.Logger.Warn("translation: following a change", "kind", c.kind, "id", c.id, "err", err)
			}
		}
	}
}

func (s *Service) onChange(ctx context.Context, c change) error {
	var src *Source
	if c.doc != nil {
		src = s.sourceOf(s.kinds[c.kind], c.id, *c.doc)
	}
	for _, lang := range Languages {
		kk := key(c.kind, c.id, lang)
		m, r, err := s.st.pair(ctx, kk)
		if err != nil {
			return err
		}
		if m != nil || r != nil {
			if err := s.d.ReadModel.Announce(ctx, IndexKind, kk); err != nil {
				return err
			}
		}
		// Ahead of time: published records only, and never over a person's correction (a stale one stays
		// shown, marked stale, until a reader asks for a fresh machine translation).
		if src == nil || r != nil || !s.Enabled() || !src.Published() || src.Language == "" || lang == src.Language {
			continue
		}
		if (m != nil && m.SourceVersion == src.Version) || (r != nil && r.SourceVersion == src.Version) {
			continue
		}
		if err := s.enqueue(ctx, c.kind, c.id, lang, false); err != nil {
			return err
		}
	}
	return nil
}

// Load is the read-model loader of translations: the original's indexed form with the translation's text
// and language; absent when the original is gone or has no translation into that language.
func (s *Service) Load(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := map[string]search.Document{}
	for _, kk := range ids {
		kind, id, lang, ok := splitKey(kk)
		if !ok {
			continue
		}
		m, r, err := s.st.pair(ctx, kk)
		if err != nil {
			return nil, err
		}
		if m == nil && r == nil {
			continue
		}
		src, k, err := s.source(ctx, kind, id)
		if errors.Is(err, errNoRecord) || apperr.IsKind(err, apperr.Invalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		t := s.text(k, pick(m, r, src.Version), src)
		d := src.Doc
		d.Title, d.Body, d.Language, d.Parent, d.Geo = t.Title, t.Body.Markdown, lang, kind+":"+id, nil
		d.SearchKind = kind // searched, filtered and counted as its original
		d.Keywords = map[string]string{}
		for name, v := range src.Doc.Keywords {
			d.Keywords[name] = v
		}
		d.Keywords["variant"], d.Keywords["translation_of"] = "translation", kind
		d.Keywords["machine"] = map[bool]string{true: "yes", false: "no"}[t.Machine]
		out[kk] = d
	}
	return out, nil
}

// All streams every translation's index id (rebuilds).
func (s *Service) All(ctx context.Context, yield func(string) error) error {
	seen := map[string]bool{}
	return s.d.Store.EachID(ctx, colTranslations, nil, func(id string) error {
		kk := id[:max(len(id)-2, 0)]
		if seen[kk] {
			return nil
		}
		seen[kk] = true
		return yield(kk)
	})
}

// Link is the page of the translated record (a hit on a translation opens the original's page).
func (s *Service) Link(kk string) string {
	kind, id, _, ok := splitKey(kk)
	if k, found := s.kinds[kind]; ok && found && k.Link != nil {
		return k.Link(id)
	}
	return ""
}
