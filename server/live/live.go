// Package live connects the exchange days' live sessions to the SFU in media/: it admits people before the
// WebSocket upgrade (registered participants and host members, with a role), adapts the WebSocket to the
// SFU's transport, checks the Origin against cross-site hijacking, and hands out short-lived TURN
// credentials.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	fws "github.com/fasthttp/websocket"
	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/media/turnserver"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/store"
)

// Config places the media sockets.
type Config struct {
	UDPAddr    string // ICE UDP bind address ("" = all interfaces)
	UDPPort    int    // ICE UDP port (one socket for every peer); 0 picks a free one
	PublicIP   string // the address peers should use behind 1:1 NAT
	TURNPort   int    // embedded TURN relay UDP port; negative disables it; 0 picks a free one
	TURNHost   string // host name in turn: URLs; empty uses the request's host
	Secret     string // signs TURN credentials
	BaseURL    string // allowed Origin for WebSocket upgrades (empty: the request's own host)
	Logger     *slog.Logger
	RelayIP    string // address relayed candidates carry; defaults to PublicIP, else 127.0.0.1
	ListenTURN string // TURN bind IP
	// RecordingsDir holds one directory per exchange day (<data>/recordings/<dayId>/, media/recorder's
	// layout); empty disables recording.
	RecordingsDir string
	// Store keeps each day's room owner (a claim with a lease) and whether its session ended.
	Store *store.Store
	// InternalURL is where other nodes reach this one (TEIXIT_INTERNAL_URL), e.g. http://10.0.0.5:8080;
	// empty: other nodes cannot relay to it (a single node needs none).
	InternalURL string
	// OpensBefore is how long before a day's start its room opens (TEIXIT_LIVE_OPENS_BEFORE); 0 means 1 h.
	OpensBefore time.Duration
	// Lease is how long a day's ownership lasts without renewal (the owner renews every Lease/3); a dead
	// owner's days are taken over after it. 0 means 15 s.
	Lease time.Duration
	// The recordings' side (server/recording), nil to go without: who the day's named rapporteur is (they
	// join as "rapporteur"), where a node taking a day over continues its recording, and what runs on the
	// owner once the day's recorded segments are closed. Tests swap them with the Set* methods.
	Rapporteurs    Rapporteurs
	RecordingSeed  RecordingSeed
	SegmentsClosed func(day string)
}

// Days is what live sessions need from exchange days.
type Days interface {
	Admit(ctx context.Context, p *auth.Principal, dayID string) (*exchange.Admission, error)
	Get(ctx context.Context, p *auth.Principal, id string) (*exchange.Day, error)
}

// Service runs the SFU and the TURN relay of this process.
type Service struct {
	cfg    Config
	days   Days
	sfu    *sfu.SFU
	turn   *turnserver.Server
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	recMu sync.Mutex
	recs  map[string]*recorder.Recorder // by day ID, created at the day's first session or recording request

	raps   atomic.Pointer[rapporteursBox]
	seeder atomic.Pointer[RecordingSeed]
	reach  reach // the internal URL self-check (reach.go)
	shut   atomic.Pointer[func(day string)]

	upgrader  fiber.Handler
	closeOnce sync.Once
	self      ownerDoc // this process as an owner (instance id, internal URL, TURN)
	owners    *ownership
	relay     *relaySigner
	http      *http.Client
	pendMu    sync.Mutex
	pending   map[string]time.Time // day → when this node last accepted a join for it (keeps the lease)
	sessMu    sync.Mutex
	sessions  map[string]int                // day → sessions served here now
	dayRuns   map[string]context.CancelFunc // day → cancels its sessions here (the node gave the day up)
	dayCtxs   map[string]context.Context
	endedMu   sync.Mutex
	ended     map[string]bool // days known ended (final: never forgotten)
}

// Rapporteurs tells whether a user is an exchange day's named rapporteur (the note-taker, kept by
// server/recording). Such a registered participant joins the room with the role "rapporteur" instead of
// "listener", so the room gives them the key point box; the floor rules treat them as a listener.
type Rapporteurs interface {
	IsRapporteur(ctx context.Context, dayID, userID string) bool
}

type rapporteursBox struct{ r Rapporteurs }

// RecordingSeed gives a day's recording as the store holds it (server/recording: the segments imported by
// whichever node recorded them). A node opening a day's recorder with no folder of its own yet (it took the
// day over) starts from it, so segment numbers and the session clock continue across nodes.
type RecordingSeed func(ctx context.Context, dayID string) (recorder.Manifest, bool)

// SetRecordingSeed plugs in the stored recording (at start-up); nil turns it off.
func (s *Service) SetRecordingSeed(f RecordingSeed) {
	if f == nil {
		s.seeder.Store(nil)
		return
	}
	s.seeder.Store(&f)
}

// SetSegmentsClosed plugs in what runs on the day's owner once its recorded segments are closed (recording
// switched off, wherever the request arrived, or the room closed): server/recording imports them into the
// media store, from where every node serves them. nil turns it off.
func (s *Service) SetSegmentsClosed(f func(day string)) {
	if f == nil {
		s.shut.Store(nil)
		return
	}
	s.shut.Store(&f)
}

func (s *Service) segmentsClosed(day string) {
	if f := s.shut.Load(); f != nil {
		(*f)(day)
	}
}

// SetRapporteurs plugs in the rapporteur check (at start-up, once both services exist); nil turns it off.
func (s *Service) SetRapporteurs(r Rapporteurs) {
	if r == nil {
		s.raps.Store(nil)
		return
	}
	s.raps.Store(&rapporteursBox{r})
}

// New starts the SFU (and the TURN relay unless disabled) and the renewal of this node's room leases.
func New(cfg Config, days Days) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Store == nil {
		return nil, errors.New("live: a store is required")
	}
	if cfg.OpensBefore <= 0 {
		cfg.OpensBefore = time.Hour
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 15 * time.Second
	}
	var public []string
	if cfg.PublicIP != "" {
		public = []string{cfg.PublicIP}
	}
	s, err := sfu.NewSFU(sfu.Config{UDPAddr: cfg.UDPAddr, UDPPort: cfg.UDPPort, PublicIPs: public, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	svc := &Service{cfg: cfg, days: days, sfu: s, log: cfg.Logger, recs: map[string]*recorder.Recorder{},
		relay: newRelaySigner(cfg.Secret), http: &http.Client{Timeout: 10 * time.Second},
		pending: map[string]time.Time{}, sessions: map[string]int{}, ended: map[string]bool{},
		dayRuns: map[string]context.CancelFunc{}, dayCtxs: map[string]context.Context{}}
	svc.ctx, svc.cancel = context.WithCancel(context.Background())
	svc.SetRapporteurs(cfg.Rapporteurs)
	svc.SetRecordingSeed(cfg.RecordingSeed)
	svc.SetSegmentsClosed(cfg.SegmentsClosed)
	if cfg.TURNPort >= 0 {
		relay := cfg.RelayIP
		if relay == "" {
			relay = cfg.PublicIP
		}
		if relay == "" {
			relay = "127.0.0.1"
		}
		t, err := turnserver.New(turnserver.Config{ListenIP: cfg.ListenTURN, Port: cfg.TURNPort, RelayIP: relay,
			Secret: []byte(cfg.Secret), Logger: cfg.Logger})
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		svc.turn = t
	}
	svc.self = ownerDoc{Node: store.NewID(), URL: strings.TrimSuffix(cfg.InternalURL, "/"), TURNHost: cfg.TURNHost}
	if svc.turn != nil {
		svc.self.TURNPort = svc.turn.Addr().Port
	}
	svc.upgrader = websocket.New(svc.session, websocket.Config{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 4096})
	svc.owners = newOwnership(&Store{cfg.Store}, svc.self, cfg.Lease)
	svc.owners.lost = svc.dropDay
	svc.owners.run(svc.keep)
	svc.watchReach()
	return svc, nil
}

// keep tells the lease renewal whether this node still needs a day it holds: a room or a session here, a
// recorder open for it, or a join accepted within the last lease.
func (s *Service) keep(day string) bool {
	if s.sfu.HasRoom(day) {
		return true
	}
	s.sessMu.Lock()
	n := s.sessions[day]
	s.sessMu.Unlock()
	if n > 0 {
		return true
	}
	s.recMu.Lock()
	rec := s.recs[day]
	s.recMu.Unlock()
	if rec != nil {
		return true
	}
	s.pendMu.Lock()
	defer s.pendMu.Unlock()
	t, ok := s.pending[day]
	if ok && time.Since(t) > s.cfg.Lease {
		delete(s.pending, day)
		return false
	}
	return ok
}

// dropDay closes this node's sessions of a day it gave up (its lease could not be renewed: see
// ownership.renew). The sockets close without an "ended" message, so pages reconnect as after a crash and
// reach the day's next owner; the room here empties and closes after its grace, finishing its recorder.
func (s *Service) dropDay(day string) {
	s.sessMu.Lock()
	cancel := s.dayRuns[day]
	delete(s.dayRuns, day)
	delete(s.dayCtxs, day)
	s.sessMu.Unlock()
	s.pendMu.Lock()
	delete(s.pending, day)
	s.pendMu.Unlock()
	s.log.Warn("live: gave up a day's room: its lease could not be renewed", "day", day)
	if cancel != nil {
		cancel()
	}
}

func (s *Service) markPending(day string) {
	s.pendMu.Lock()
	s.pending[day] = time.Now()
	s.pendMu.Unlock()
}

// UDPPort is the ICE port in use.
func (s *Service) UDPPort() int { return s.sfu.UDPPort() }

// Close stops this node's live sessions for a shutdown or restart: the sockets close without an "ended"
// message — the day is not over — so pages reconnect, to another node that takes the day over or to this one
// when it is back; then the rooms, recorders and sockets stop and the days are released.
func (s *Service) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.close() })
	return err
}

func (s *Service) close() error {
	s.cancel()             // every session's context: its socket closes, without "ended"
	defer s.owners.close() // after the rooms: other nodes take this node's days over at once
	s.wg.Wait()            // the sessions have returned: closing the SFU now tells no one the day ended
	err := s.sfu.Close()
	if s.turn != nil {
		err = errors.Join(err, s.turn.Close())
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
	for _, r := range s.recs {
		err = errors.Join(err, r.Close())
	}
	return err
}

const admissionKey = "teixit.live.admission"

// admitted is a person let into a day's room, by this node or (relayed) by another.
type admitted struct {
	day                 string
	questions, capacity int
	video               bool
	user                sfu.ParticipantInfo
	upstream            *fws.Conn // set when the day's room is on another node: the relayed WebSocket
}

func participant(userID, name, role string) sfu.ParticipantInfo {
	return sfu.ParticipantInfo{UserID: userID, DisplayName: name, Role: room.Role(role)}
}

// upgrade switches to the WebSocket served by session.
func (s *Service) upgrade(c *fiber.Ctx, a *admitted) error {
	if !websocket.IsWebSocketUpgrade(c) {
		if a.upstream != nil {
			_ = a.upstream.Close()
		}
		return apperr.New(apperr.Invalid, "websocket_required", "Open this address as a WebSocket (the live session page does this).")
	}
	c.Locals(admissionKey, a)
	if err := s.upgrader(c); err != nil {
		if a.upstream != nil {
			_ = a.upstream.Close()
		}
		return err
	}
	return nil
}

// Join: GET /exchange-days/:id/live — admission first (a clear 401/403/404/409 before any upgrade), then the
// WebSocket carrying the signalling protocol (media/PROTOCOL.md). When another node holds the day's room,
// the WebSocket is relayed to it (the media then flows straight to that node's UDP port).
func (s *Service) Join() fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := auth.From(c)
		adm, err := s.days.Admit(c.UserContext(), p, c.Params("id"))
		if err != nil {
			return err
		}
		if !s.sameOrigin(c) {
			return apperr.Forbid("This live session can only be opened from Teixit's own pages.")
		}
		if !websocket.IsWebSocketUpgrade(c) {
			return apperr.New(apperr.Invalid, "websocket_required", "Open this address as a WebSocket (the live session page does this).")
		}
		if err := s.gate(c.UserContext(), adm.DayID, adm.StartsAt); err != nil {
			return err
		}
		role := room.Role(adm.Role)
		if b := s.raps.Load(); b != nil && role == room.Listener && b.r.IsRapporteur(c.UserContext(), adm.DayID, p.UserID) {
			role = room.Rapporteur
		}
		a := &admitted{day: adm.DayID, questions: adm.Questions, capacity: adm.Capacity, video: adm.Video,
			user: sfu.ParticipantInfo{UserID: p.UserID, DisplayName: p.Name, Role: role}}
		o, err := s.own(c.UserContext(), adm.DayID)
		if errors.Is(err, errTaken) {
			return errMoving
		}
		if err != nil {
			return err
		}
		if o.mine {
			s.markPending(adm.DayID) // again: the claim and the seeding may have taken a while
			return s.upgrade(c, a)
		}
		up, err := s.dialOwner(c.UserContext(), o, relayClaims{UserID: p.UserID, Name: p.Name, Role: string(role),
			Questions: adm.Questions, Capacity: adm.Capacity, Video: adm.Video})
		if err != nil {
			s.log.Warn("live: the day's owner cannot be reached", "day", adm.DayID, "owner", o.doc.URL, "err", err)
			return errMoving
		}
		a.upstream = up
		return s.upgrade(c, a)
	}
}

// sameOrigin refuses browser upgrades started by other sites (cross-site WebSocket hijacking). Clients that
// send no Origin (not browsers) are allowed: they need a valid cookie or token anyway.
func (s *Service) sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if s.cfg.BaseURL != "" {
		b, err := url.Parse(s.cfg.BaseURL)
		return err == nil && strings.EqualFold(b.Host, u.Host) && b.Scheme == u.Scheme
	}
	return strings.EqualFold(u.Host, string(c.Request().Host()))
}

func (s *Service) session(conn *websocket.Conn) {
	a, _ := conn.Locals(admissionKey).(*admitted)
	if a == nil {
		_ = conn.Close()
		return
	}
	s.wg.Add(1)
	defer s.wg.Done()
	conn.SetReadLimit(64 << 10)
	if a.upstream != nil {
		stop := context.AfterFunc(s.ctx, func() { _ = a.upstream.Close() })
		defer stop()
		pump(conn.Conn, a.upstream)
		return
	}
	day := a.day
	s.sessMu.Lock()
	s.sessions[day]++
	ctx := s.dayCtxs[day]
	if ctx == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(s.ctx)
		s.dayCtxs[day], s.dayRuns[day] = ctx, cancel
	}
	s.sessMu.Unlock()
	defer func() {
		s.sessMu.Lock()
		if s.sessions[day]--; s.sessions[day] <= 0 {
			delete(s.sessions, day)
			if s.dayCtxs[day] == ctx {
				s.dayRuns[day]()
				delete(s.dayCtxs, day)
				delete(s.dayRuns, day)
			}
		}
		s.sessMu.Unlock()
	}()
	wc := &wsConn{c: conn}
	rc := sfu.RoomConfig{Questions: a.questions, Capacity: a.capacity, Video: a.video,
		Open: func() (sfu.Hooks, bool) { return s.openRoom(day) }, Closed: func() { s.closeRoom(day) },
		Ended: func() { s.recordEnded(day) }}
	// The transport reads without a context: closing the socket is what stops a session of a day given up.
	stop := context.AfterFunc(ctx, func() { _ = wc.Close() })
	defer stop()
	if err := s.sfu.Serve(ctx, day, rc, a.user, wc); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Debug("live session ended with an error", "day", day, "err", err)
	}
	_ = wc.Close()
}

// wsConn adapts a WebSocket to the SFU's transport.
type wsConn struct {
	c    *websocket.Conn
	wmu  sync.Mutex
	once sync.Once
}

func (w *wsConn) ReadMessage(ctx context.Context) ([]byte, error) {
	for {
		t, b, err := w.c.ReadMessage()
		if err != nil {
			return nil, err
		}
		if t == websocket.TextMessage || t == websocket.BinaryMessage {
			return b, nil
		}
	}
}

func (w *wsConn) WriteMessage(ctx context.Context, b []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = w.c.SetWriteDeadline(deadline)
	return w.c.WriteMessage(websocket.TextMessage, b)
}

// Close unblocks a pending read and closes the socket. A hijacked fasthttp connection is only really closed
// when the upgrade handler returns, so the read is unblocked by a deadline in the past.
func (w *wsConn) Close() error {
	var err error
	w.once.Do(func() { err = closeWS(w.c.Conn) })
	return err
}

func closeWS(c *fws.Conn) error {
	_ = c.SetReadDeadline(time.Now())
	return c.Close()
}

// ICEServers: GET /exchange-days/:id/live/ice-servers — STUN/TURN with credentials valid for a few hours,
// only for people admitted to the session.
func (s *Service) ICEServers(c *fiber.Ctx) error {
	p := auth.From(c)
	adm, err := s.days.Admit(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.gate(c.UserContext(), adm.DayID, adm.StartsAt); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The relay of the node holding the room, if another node does (its media port is there).
	relayHost, relayPort := s.self.TURNHost, s.self.TURNPort
	if o, ok, err := s.owners.current(c.UserContext(), c.Params("id")); err == nil && ok && !o.mine {
		relayHost, relayPort = o.doc.TURNHost, o.doc.TURNPort
		if relayHost == "" {
			if u, err := url.Parse(o.doc.URL); err == nil {
				relayHost = u.Hostname()
			}
		}
	}
	if relayPort == 0 {
		return httpx.OK(c, fiber.Map{"iceServers": []any{}})
	}
	if relayHost == "" {
		relayHost = c.Hostname()
		if h, _, err := net.SplitHostPort(relayHost); err == nil {
			relayHost = h
		}
	}
	iss := turnserver.Issuer{Secret: []byte(s.cfg.Secret),
		URLs: []string{"turn:" + net.JoinHostPort(relayHost, strconv.Itoa(relayPort)) + "?transport=udp"}}
	return httpx.OK(c, fiber.Map{"iceServers": iss.ICEServers(p.UserID, 6*time.Hour)})
}

// recorderLocked returns the day's recorder, creating it (and recovering its directory after a crash) on
// first use; nil when recording is disabled. The caller holds recMu. A recorder lives from the day's first
// session (or recording request) until its room closes; the next session opens the directory again and
// appends to it (segment numbering continues, the session clock is the manifest's).
func (s *Service) recorderLocked(dayID string) (*recorder.Recorder, error) {
	if s.cfg.RecordingsDir == "" {
		return nil, nil
	}
	if r := s.recs[dayID]; r != nil {
		return r, nil
	}
	r, err := recorder.New(filepath.Join(s.cfg.RecordingsDir, filepath.Base(dayID)), time.Now())
	if err != nil {
		return nil, err
	}
	r.SetNumbering(s.segmentNumbers(dayID))
	s.recs[dayID] = r
	return r, nil
}

// own returns the day's owner, claiming it when nobody holds it (ownership.acquire). When this node holds it,
// a recorder folder it has none of yet is seeded with the stored recording (see RecordingSeed) — here, before
// any room opens, not under the SFU's lock.
func (s *Service) own(ctx context.Context, day string) (owner, error) {
	// A join is pending from before the claim: a lease renewal running between the claim and the session's
	// start (seeding reads the store) must not find the day unused and release it under the joining person.
	s.markPending(day)
	o, err := s.owners.acquire(ctx, day)
	if err != nil || !o.mine {
		return o, err
	}
	if err := s.seed(ctx, day); err != nil {
		s.log.Error("live: seeding the day's recording folder", "day", day, "err", err)
	}
	return o, nil
}

func (s *Service) seed(ctx context.Context, day string) error {
	f := s.seeder.Load()
	if f == nil || s.cfg.RecordingsDir == "" {
		return nil
	}
	dir := filepath.Join(s.cfg.RecordingsDir, filepath.Base(day))
	manifest := filepath.Join(dir, recorder.ManifestName)
	if _, err := os.Stat(manifest); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	m, ok := (*f)(ctx, day)
	if !ok {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
	if _, err := os.Stat(manifest); !errors.Is(err, os.ErrNotExist) || s.recs[day] != nil {
		return nil // a recorder started meanwhile
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return os.WriteFile(manifest, b, 0o640)
}

// openRoom gives a new room its recorder and whether the host already started recording (before anyone
// joined). Called by the SFU under its lock, ordered after closeRoom of the day's previous room.
func (s *Service) openRoom(dayID string) (sfu.Hooks, bool) {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	rec, err := s.recorderLocked(dayID)
	if err != nil {
		s.log.Error("recordings unavailable", "day", dayID, "err", err)
		return nil, false
	}
	if rec == nil {
		return nil, false // a nil *Recorder must not become a non-nil sfu.Hooks
	}
	return rec, rec.Recording()
}

// closeRoom finishes the day's recording when its room is gone (ended by the host or the API, or the last
// participant left): open segments are closed into complete files and the manifest gets their ends, without
// waiting for a server shutdown. Called by the SFU under its lock, so the next session's room (and its
// recorder, which reads the manifest) cannot open before the segments are finished.
func (s *Service) closeRoom(dayID string) {
	s.recMu.Lock()
	rec := s.recs[dayID]
	delete(s.recs, dayID)
	s.recMu.Unlock()
	if rec == nil {
		return
	}
	if err := rec.Close(); err != nil {
		s.log.Error("recording: closing the day's segments", "day", dayID, "err", err)
	}
	s.segmentsClosed(dayID)
}

// RecordingState is the answer to starting or stopping a recording.
type RecordingState struct {
	Recording bool `json:"recording"`
}

// StartRecording: POST /exchange-days/:id/recording/live — the host records the floor turns from now on.
// Everyone in the room is told ("recording" message); host and moderator tracks are recorded, anybody else's
// turn only once they agree (recording_consent).
func (s *Service) StartRecording(c *fiber.Ctx) error { return s.setRecording(c, true) }

// StopRecording: DELETE /exchange-days/:id/recording/live — ends the segments being written.
func (s *Service) StopRecording(c *fiber.Ctx) error { return s.setRecording(c, false) }

func (s *Service) setRecording(c *fiber.Ctx, on bool) error {
	adm, err := s.days.Admit(c.UserContext(), auth.From(c), c.Params("id"))
	if err != nil {
		return err
	}
	if room.Role(adm.Role) != room.Host {
		return apperr.Forbid("Only the host can start or stop the recording.")
	}
	if s.cfg.RecordingsDir == "" {
		return errRecordingDisabled
	}
	// The recording belongs to the node holding the room; without a room anywhere, this node takes the day
	// so that the room opens here with the recording on.
	o, err := s.own(c.UserContext(), adm.DayID)
	if errors.Is(err, errTaken) {
		return errMoving
	}
	if err != nil {
		return err
	}
	if !o.mine {
		if err := s.postOwner(c.UserContext(), o, relayClaims{Op: "recording", On: on}); err != nil {
			s.log.Warn("live: recording switch not relayed", "day", adm.DayID, "err", err)
			return errMoving
		}
		return c.JSON(RecordingState{Recording: on})
	}
	if err := s.recordLocally(adm.DayID, on); err != nil {
		return err
	}
	return c.JSON(RecordingState{Recording: on})
}

var errRecordingDisabled = apperr.New(apperr.Conflict, "recording_disabled", "Recording is not enabled on this server.")

// recordLocally switches the day's recorder on this node (which holds the day) and tells its room.
func (s *Service) recordLocally(day string, on bool) error {
	s.recMu.Lock()
	rec, err := s.recorderLocked(day)
	if err == nil && rec != nil {
		rec.SetRecording(on)
	}
	s.recMu.Unlock()
	if err != nil {
		return err
	}
	if rec == nil {
		return errRecordingDisabled
	}
	// Outside recMu: the SFU's lock comes first (openRoom and closeRoom run under it and take recMu).
	s.sfu.SetRecording(day, on)
	if !on {
		s.segmentsClosed(day)
	}
	return nil
}

// AnnounceKeyPoint shows a stored key point to everyone in the day's live room at once (a "key_point"
// message; late joiners get it in their welcome). Announcing the same ID again replaces it. Without an open
// room it does nothing: the key point is in the store for the summary.
// When another node holds the room, the key point is passed to it.
func (s *Service) AnnounceKeyPoint(dayID string, kp signal.KeyPoint) {
	if !s.sfu.AnnounceKeyPoint(dayID, kp) {
		s.toOwner(dayID, relayClaims{Op: "key_point", KeyPoint: &kp})
	}
}

// RetractKeyPoint withdraws a key point from the day's live room ("key_point_removed"); no-op without a room.
func (s *Service) RetractKeyPoint(dayID, id string) {
	if !s.sfu.RetractKeyPoint(dayID, id) {
		s.toOwner(dayID, relayClaims{Op: "key_point_removed", KeyID: id})
	}
}

// toOwner passes a room action to the node holding the day's room, if another node holds it. Best effort:
// the key point is in the store either way.
func (s *Service) toOwner(day string, rc relayClaims) {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	o, ok, err := s.owners.current(ctx, day)
	if err != nil || !ok || o.mine {
		return
	}
	if err := s.postOwner(ctx, o, rc); err != nil {
		s.log.Warn("live: room action not relayed", "day", day, "op", rc.Op, "err", err)
	}
}

// SessionClock is the time the day's recording manifest counts startMs from (the first session's start;
// later sessions of the day append to the same manifest and keep it), so key points stamped with
// now - started line up with the recorded turns. ok is false when the day has never had a session or
// recording request on this server (or recording is disabled).
func (s *Service) SessionClock(dayID string) (started time.Time, ok bool) {
	if s.cfg.RecordingsDir == "" {
		return time.Time{}, false
	}
	s.recMu.Lock()
	rec := s.recs[dayID]
	s.recMu.Unlock()
	if rec != nil {
		return rec.Started(), true
	}
	m, err := recorder.ReadManifest(filepath.Join(s.cfg.RecordingsDir, filepath.Base(dayID)))
	if err != nil {
		return time.Time{}, false
	}
	return m.Started, true
}
