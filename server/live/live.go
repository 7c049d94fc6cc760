// Package live connects the exchange days' live sessions to the SFU in media/: it admits people before the
// WebSocket upgrade (registered participants and host members, with a role), adapts the WebSocket to the
// SFU's transport, checks the Origin against cross-site hijacking, and hands out short-lived TURN
// credentials.
package live

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
}

// Days is what live sessions need from exchange days.
type Days interface {
	Admit(ctx context.Context, p *auth.Principal, dayID string) (*exchange.Admission, error)
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

	raps atomic.Pointer[rapporteursBox]
}

// Rapporteurs tells whether a user is an exchange day's named rapporteur (the note-taker, kept by
// server/recording). Such a registered participant joins the room with the role "rapporteur" instead of
// "listener", so the room gives them the key point box; the floor rules treat them as a listener.
type Rapporteurs interface {
	IsRapporteur(ctx context.Context, dayID, userID string) bool
}

type rapporteursBox struct{ r Rapporteurs }

// SetRapporteurs plugs in the rapporteur check (at start-up, once both services exist); nil turns it off.
func (s *Service) SetRapporteurs(r Rapporteurs) {
	if r == nil {
		s.raps.Store(nil)
		return
	}
	s.raps.Store(&rapporteursBox{r})
}

// New starts the SFU (and the TURN relay unless disabled).
func New(cfg Config, days Days) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	var public []string
	if cfg.PublicIP != "" {
		public = []string{cfg.PublicIP}
	}
	s, err := sfu.NewSFU(sfu.Config{UDPAddr: cfg.UDPAddr, UDPPort: cfg.UDPPort, PublicIPs: public, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	svc := &Service{cfg: cfg, days: days, sfu: s, log: cfg.Logger, recs: map[string]*recorder.Recorder{}}
	svc.ctx, svc.cancel = context.WithCancel(context.Background())
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
	return svc, nil
}

// UDPPort is the ICE port in use.
func (s *Service) UDPPort() int { return s.sfu.UDPPort() }

// Close ends every room, waits for the sessions to return and stops the sockets.
func (s *Service) Close() error {
	s.cancel()
	err := s.sfu.Close()
	s.wg.Wait()
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

type admitted struct {
	adm  *exchange.Admission
	user sfu.ParticipantInfo
}

// Join: GET /exchange-days/:id/live — admission first (a clear 401/403/404/409 before any upgrade), then the
// WebSocket carrying the signalling protocol (media/PROTOCOL.md).
func (s *Service) Join() fiber.Handler {
	upgrade := websocket.New(s.session, websocket.Config{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 4096})
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
		role := room.Role(adm.Role)
		if b := s.raps.Load(); b != nil && role == room.Listener && b.r.IsRapporteur(c.UserContext(), adm.DayID, p.UserID) {
			role = room.Rapporteur
		}
		c.Locals(admissionKey, &admitted{adm: adm, user: sfu.ParticipantInfo{UserID: p.UserID, DisplayName: p.Name, Role: role}})
		return upgrade(c)
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
	wc := &wsConn{c: conn}
	day := a.adm.DayID
	rc := sfu.RoomConfig{Questions: a.adm.Questions, Capacity: a.adm.Capacity, Video: a.adm.Video,
		Open: func() (sfu.Hooks, bool) { return s.openRoom(day) }, Closed: func() { s.closeRoom(day) }}
	if err := s.sfu.Serve(s.ctx, a.adm.DayID, rc, a.user, wc); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Debug("live session ended with an error", "day", a.adm.DayID, "err", err)
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

// Close unblocks a pending read by closing the socket.
func (w *wsConn) Close() error {
	var err error
	w.once.Do(func() { err = w.c.Conn.Close() })
	return err
}

// ICEServers: GET /exchange-days/:id/live/ice-servers — STUN/TURN with credentials valid for a few hours,
// only for people admitted to the session.
func (s *Service) ICEServers(c *fiber.Ctx) error {
	p := auth.From(c)
	if _, err := s.days.Admit(c.UserContext(), p, c.Params("id")); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.turn == nil {
		return httpx.OK(c, fiber.Map{"iceServers": []any{}})
	}
	host := s.cfg.TURNHost
	if host == "" {
		host = c.Hostname()
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	return httpx.OK(c, fiber.Map{"iceServers": s.turn.Issuer(host).ICEServers(p.UserID, 6*time.Hour)})
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
	s.recs[dayID] = r
	return r, nil
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
	s.recMu.Lock()
	rec, err := s.recorderLocked(adm.DayID)
	if err == nil && rec != nil {
		rec.SetRecording(on)
	}
	s.recMu.Unlock()
	if err != nil {
		return err
	}
	if rec == nil {
		return apperr.New(apperr.Conflict, "recording_disabled", "Recording is not enabled on this server.")
	}
	// Outside recMu: the SFU's lock comes first (openRoom and closeRoom run under it and take recMu).
	s.sfu.SetRecording(adm.DayID, on)
	return c.JSON(RecordingState{Recording: on})
}

// KeyPoint is a key point as the room shows it: the rapporteur's note for a guide question (0-based), stamped
// with AtMs since SessionClock, and the author's display name.
type KeyPoint struct {
	ID       string
	Question int
	Text     string
	AtMs     int64
	Author   string
}

// AnnounceKeyPoint shows a stored key point to everyone in the day's live room at once (a "key_point"
// message; late joiners get it in their welcome). Announcing the same ID again replaces it. Without an open
// room it does nothing: the key point is in the store for the summary.
func (s *Service) AnnounceKeyPoint(dayID string, kp KeyPoint) {
	s.sfu.AnnounceKeyPoint(dayID, signal.KeyPoint{ID: kp.ID, Question: kp.Question, Text: kp.Text, AtMs: kp.AtMs, Author: kp.Author})
}

// RetractKeyPoint withdraws a key point from the day's live room ("key_point_removed"); no-op without a room.
func (s *Service) RetractKeyPoint(dayID, id string) {
	s.sfu.RetractKeyPoint(dayID, id)
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
