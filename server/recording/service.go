package recording

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/teixit/teixit/media/blob"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/store"
)

// Read-model kinds.
const (
	SummaryKind  = "exchange_summary"
	KeyPointKind = "key_point"
)

// Days is what recordings need from exchange days.
type Days interface {
	Get(ctx context.Context, p *auth.Principal, id string) (*exchange.Day, error)
	IsRegistered(ctx context.Context, dayID, userID string) (bool, error)
	RegisteredUsers(ctx context.Context, dayID string, limit int) ([]string, error)
}

// Orgs is what recordings need from organisations: roles and the retention setting.
type Orgs interface {
	Role(ctx context.Context, orgID, userID string) (string, error)
	Get(ctx context.Context, p *auth.Principal, id string) (*organisation.Organisation, error)
	Members(ctx context.Context, p *auth.Principal, orgID string) ([]organisation.Member, error)
}

// People gives display names of accounts (unknown ids are absent); server/app adapts server/account.
type People interface {
	Names(ctx context.Context, ids []string) (map[string]string, error)
}

// Media is the media store the segments are imported into.
type Media interface {
	Import(ctx context.Context, in mediafile.ImportInput, r io.Reader) (*mediafile.Asset, error)
	SetVisibility(ctx context.Context, id string, visibility []string) error
	Delete(ctx context.Context, id string) error
	SignedURL(ctx context.Context, id string, ttl time.Duration) (string, time.Time, error)
	RevokeLinks(ctx context.Context, id string) error
	// Open reads an imported segment's bytes (the download, on a node without the recorder's folder).
	Open(ctx context.Context, id string) (blob.File, error)
}

// ReadModel indexes summaries and key points.
type ReadModel interface {
	Changed(ctx context.Context, kind, id string, write func() error) error
}

// Announcer tells the live room about key points and gives the session clock (server/live implements it;
// server/app adapts it). Every method must be safe to call when no session is running.
type Announcer interface {
	AnnounceKeyPoint(dayID string, kp KeyPoint)
	RetractKeyPoint(dayID, id string)
	SessionClock(dayID string) (started time.Time, ok bool)
}

// Options configure the service.
type Options struct {
	// Dir is <data>/recordings: one media/recorder directory per day.
	Dir string
	// Secret signs private links (the server secret; links use their own prefix).
	Secret string
	// FFmpeg is the ffmpeg binary for downloads; "" looks it up on PATH, "off" always uses the chained-Ogg
	// fallback.
	FFmpeg string
	// Render turns Markdown into sanitised HTML (practice.RenderMarkdown).
	Render func(string) string
	Logger *slog.Logger
	// People gives account names (nil: the rapporteur's name as stored when chosen, and registered
	// candidates without a name are not offered).
	People People
	// Announcer is the live room (nil: nobody is told, and key points use the recording's clock).
	Announcer Announcer
}

// Service implements recordings, key points, summaries, redactions and retention.
type Service struct {
	st     *Store
	days   Days
	orgs   Orgs
	media  Media
	rm     ReadModel
	opts   Options
	ann    Announcer
	people People
	now    func() time.Time
	log    *slog.Logger
	ffmpeg string
	dl     chan struct{} // bounds concurrent ffmpeg runs
	kick   chan string   // days to import soon (Kick)
	dayMu  dayLocks      // serialises one day's imports and deletion in this process (other nodes are made harmless by asset ids)
}

// dayLocks is one mutex per exchange day, made on first use and dropped when nobody holds or waits for it,
// so that importing one day's segments never holds up reads of another day's recording.
type dayLocks struct {
	mu sync.Mutex
	m  map[string]*dayLock
}

type dayLock struct {
	sync.Mutex
	users int
}

// lock takes day id's mutex and returns its unlock.
func (l *dayLocks) lock(id string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*dayLock{}
	}
	d := l.m[id]
	if d == nil {
		d = &dayLock{}
		l.m[id] = d
	}
	d.users++
	l.mu.Unlock()
	d.Lock()
	return func() {
		d.Unlock()
		l.mu.Lock()
		if d.users--; d.users == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}

// NewService builds the service.
func NewService(st *Store, days Days, orgs Orgs, media Media, rm ReadModel, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Render == nil {
		o.Render = func(string) string { return "" }
	}
	svc := &Service{st: st, days: days, orgs: orgs, media: media, rm: rm, opts: o, now: time.Now, log: o.Logger,
		people: o.People, ann: o.Announcer,
		dl: make(chan struct{}, 2), kick: make(chan string, 16)}
	svc.SetFFmpeg(o.FFmpeg)
	return svc
}

// SetFFmpeg chooses the ffmpeg binary ("" looks on PATH; "off" forces the chained-Ogg fallback).
func (s *Service) SetFFmpeg(path string) {
	switch path {
	case "off":
		s.ffmpeg = ""
	case "":
		s.ffmpeg, _ = exec.LookPath("ffmpeg")
	default:
		s.ffmpeg = path
	}
}

// SetAnnouncer replaces the live room (tests listen to what is announced).
func (s *Service) SetAnnouncer(a Announcer) { s.ann = a }

// SetClock replaces time.Now (retention tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// errRecordingNotFound is every refusal to show a recording: unknown day, no recording, no access, bad or
// revoked link all read the same, so nobody learns whether a private recording exists.
var errRecordingNotFound = apperr.NotFoundf("The recording")

var errSummaryNotFound = apperr.NotFoundf("The summary")

func (s *Service) dir(dayID string) string { return filepath.Join(s.opts.Dir, dayID) }

// load returns the day's outputs document, an empty one when it has none yet (Store.day).
func (s *Service) load(ctx context.Context, dayID string) (*dayDoc, error) {
	return s.st.day(ctx, dayID)
}

var errRetry = errors.New("recording: concurrent update")

// mutate applies change to the day's document and stores it if nobody changed it meanwhile (retrying a few
// times). change returns false to store nothing.
func (s *Service) mutate(ctx context.Context, dayID string, change func(d *dayDoc) (bool, error)) (*dayDoc, error) {
	for attempt := 0; attempt < 8; attempt++ {
		d, err := s.load(ctx, dayID)
		if err != nil {
			return nil, err
		}
		ok, err := change(d)
		if err != nil || !ok {
			return d, err
		}
		v := d.Version
		d.Version++
		saved, err := s.st.saveDay(ctx, d, v)
		if err != nil {
			return nil, err
		}
		if saved {
			return d, nil
		}
	}
	return nil, fmt.Errorf("recording: %s: %w", dayID, errRetry)
}

// who describes the caller's relation to a day.
type who struct {
	day        *exchange.Day
	p          *auth.Principal
	role       string // role in the host organisation, "" if none
	registered bool
}

func (w who) signedIn() bool { return w.p != nil }

// host: the host organisation's admins and platform admins (the room's host).
func (w who) host() bool {
	return w.p != nil && (w.p.PlatformAdmin || w.role == organisation.RoleAdmin)
}

// manager: host or moderator (the organisation's professionals).
func (w who) manager() bool { return w.host() || w.role == organisation.RoleProfessional }

// member: any role in the host organisation (or platform admin).
func (w who) member() bool { return w.p != nil && (w.p.PlatformAdmin || w.role != "") }

// participant: members and registered participants of the day.
func (w who) participant() bool { return w.member() || w.registered }

// canHear says whether the recording may be played by this caller.
func (w who) canHear() bool {
	switch w.day.RecordingVisibility {
	case "public":
		return true
	case "members":
		return w.member()
	}
	return w.host()
}

// canReadSummary says whether a published summary may be read.
func (w who) canReadSummary() bool {
	return w.day.SummaryVisibility == "public" || w.member()
}

// whoFor loads the day and the caller's relation to it. Unknown days are the caller's notFound error.
func (s *Service) whoFor(ctx context.Context, p *auth.Principal, dayID string, notFound error) (who, error) {
	if !store.ValidID(dayID) {
		return who{}, notFound
	}
	d, err := s.days.Get(ctx, nil, dayID)
	if apperr.IsKind(err, apperr.NotFound) {
		return who{}, notFound
	}
	if err != nil {
		return who{}, err
	}
	w := who{day: d, p: p}
	if p == nil {
		return w, nil
	}
	if w.role, err = s.orgs.Role(ctx, d.HostOrgID, p.UserID); err != nil {
		return who{}, err
	}
	if w.role == "" && !p.PlatformAdmin {
		if w.registered, err = s.days.IsRegistered(ctx, d.ID, p.UserID); err != nil {
			return who{}, err
		}
	}
	return w, nil
}

// visibilityFor is the media-store visibility of the day's segments.
func visibilityFor(day *exchange.Day) []string {
	switch day.RecordingVisibility {
	case "public":
		return []string{"public"}
	case "members":
		return []string{"org:" + day.HostOrgID}
	}
	return []string{} // none: host admins get signed links
}
