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
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
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
		c.Locals(admissionKey, &admitted{adm: adm, user: sfu.ParticipantInfo{UserID: p.UserID, DisplayName: p.Name, Role: room.Role(adm.Role)}})
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
	rc := sfu.RoomConfig{Questions: a.adm.Questions, Capacity: a.adm.Capacity}
	if rec, err := s.recorderFor(a.adm.DayID); err != nil {
		s.log.Error("recordings unavailable", "day", a.adm.DayID, "err", err)
	} else if rec != nil {
		rc.Hooks = rec
	}
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

// recorderFor returns the day's recorder, creating it (and recovering its directory after a crash) on first
// use; nil when recording is disabled. The same recorder must be given to every Serve call of the day: the
// room keeps the hooks of the call that created it.
func (s *Service) recorderFor(dayID string) (*recorder.Recorder, error) {
	if s.cfg.RecordingsDir == "" {
		return nil, nil
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
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

// RecordingState is the answer to starting or stopping a recording.
type RecordingState struct {
	Recording bool `json:"recording"`
}

// StartRecording: POST /exchange-days/:id/recording/live — the host records the floor turns from now on.
// Only host and moderator tracks are recorded: the protocol has no consent message for other speakers yet.
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
	rec, err := s.recorderFor(adm.DayID)
	if err != nil {
		return err
	}
	if rec == nil {
		return apperr.New(apperr.Conflict, "recording_disabled", "Recording is not enabled on this server.")
	}
	rec.SetRecording(on)
	return c.JSON(RecordingState{Recording: rec.Recording()})
}
