package live

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/httpx"
)

// Nodes talk to a day's owner over its internal URL: the WebSocket of a person admitted elsewhere is relayed
// to GET /internal/live/{day}/ws, and the room actions that arrive elsewhere (key points, recording on/off)
// are POSTed to /internal/live/{day}. Every request carries a relay token: what the other node decided (who,
// as what, which action), the owner instance it is meant for, an expiry of a few seconds and a random nonce,
// signed with HMAC-SHA256 under a key derived from the shared secret. The owner refuses a bad signature, an
// expired token, a token for another instance (so a token cannot be replayed to another node, nor to the same
// node after a restart) and a nonce it has already seen (remembered until the token expires).

// RelayHeader carries the relay token of a relayed WebSocket.
const RelayHeader = "X-Teixit-Relay"

const relayTTL = 20 * time.Second

// relayClaims is what a relay token says.
type relayClaims struct {
	Day   string `json:"day"`
	Node  string `json:"node"` // the owner instance it is meant for
	Exp   int64  `json:"exp"`  // unix ms
	Nonce string `json:"nonce"`
	Op    string `json:"op"` // "join", "recording", "key_point", "key_point_removed"

	// join
	UserID    string `json:"userId,omitempty"`
	Name      string `json:"name,omitempty"`
	Role      string `json:"role,omitempty"`
	Questions int    `json:"questions,omitempty"`
	Capacity  int    `json:"capacity,omitempty"`
	Video     bool   `json:"video,omitempty"`
	// recording
	On bool `json:"on,omitempty"`
	// key points
	KeyPoint *signal.KeyPoint `json:"keyPoint,omitempty"`
	KeyID    string           `json:"keyId,omitempty"`
}

// relaySigner signs and checks relay tokens.
type relaySigner struct {
	key []byte
	now func() time.Time

	mu   sync.Mutex
	seen map[string]time.Time // nonce → expiry
}

func newRelaySigner(secret string) *relaySigner {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("teixit live relay v1"))
	return &relaySigner{key: m.Sum(nil), now: time.Now, seen: map[string]time.Time{}}
}

func (r *relaySigner) mac(payload string) string {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sign fills expiry and nonce and returns the token.
func (r *relaySigner) sign(c relayClaims) (string, error) {
	var n [16]byte
	if _, err := rand.Read(n[:]); err != nil {
		return "", err
	}
	c.Nonce = hex.EncodeToString(n[:])
	c.Exp = r.now().Add(relayTTL).UnixMilli()
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	p := base64.RawURLEncoding.EncodeToString(b)
	return p + "." + r.mac(p), nil
}

// errRelayRefused is the answer to a forged, expired, misdirected or replayed relay token.
var errRelayRefused = apperr.New(apperr.Forbidden, "relay_refused", "This request between Teixit servers was refused.")

// verify checks a token meant for node and day, and remembers its nonce.
func (r *relaySigner) verify(tok, node, day string) (relayClaims, error) {
	p, sig, ok := strings.Cut(tok, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(r.mac(p))) {
		return relayClaims{}, errRelayRefused
	}
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return relayClaims{}, errRelayRefused
	}
	var c relayClaims
	if err := json.Unmarshal(b, &c); err != nil {
		return relayClaims{}, errRelayRefused
	}
	now := r.now()
	exp := time.UnixMilli(c.Exp)
	if c.Node != node || c.Day != day || c.Nonce == "" || !now.Before(exp) || exp.After(now.Add(2*relayTTL)) {
		return relayClaims{}, errRelayRefused
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for n, e := range r.seen {
		if !now.Before(e) {
			delete(r.seen, n)
		}
	}
	if _, dup := r.seen[c.Nonce]; dup {
		return relayClaims{}, errRelayRefused
	}
	r.seen[c.Nonce] = exp
	return c, nil
}

// internalURL is the owner's internal endpoint for day, with scheme "ws" or "wss" when ws is set.
func internalURL(base, day string, ws bool) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("live: owner has no usable internal URL %q", base)
	}
	if ws {
		switch u.Scheme {
		case "https":
			u.Scheme = "wss"
		default:
			u.Scheme = "ws"
		}
	}
	p := strings.TrimSuffix(u.Path, "/") + "/internal/live/" + url.PathEscape(day)
	if ws {
		p += "/ws"
	}
	u.Path, u.RawPath = "", ""
	return strings.TrimSuffix(u.String(), "/") + p, nil
}

// dialOwner opens the relayed WebSocket to the owner of a day.
func (s *Service) dialOwner(ctx context.Context, o owner, c relayClaims) (*websocket.Conn, error) {
	c.Day, c.Node, c.Op = o.doc.Day, o.doc.Node, "join"
	tok, err := s.relay.sign(c)
	if err != nil {
		return nil, err
	}
	u, err := internalURL(o.doc.URL, o.doc.Day, true)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(RelayHeader, tok)
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 4096}
	conn, resp, err := d.DialContext(ctx, u, h)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("live: relay to %s: %w", o.doc.URL, err)
	}
	return conn, nil
}

// postOwner sends a room action to the day's owner.
func (s *Service) postOwner(ctx context.Context, o owner, c relayClaims) error {
	c.Day, c.Node = o.doc.Day, o.doc.Node
	tok, err := s.relay.sign(c)
	if err != nil {
		return err
	}
	u, err := internalURL(o.doc.URL, o.doc.Day, false)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"token": tok})
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("live: relay to %s: %w", o.doc.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("live: relay to %s: status %d", o.doc.URL, resp.StatusCode)
	}
	return nil
}

// errMoving is the answer when the day's owner cannot be reached or is changing: the page retries.
var errMoving = apperr.New(apperr.Conflict, "live_moving", "The live session is moving to another server. Try again in a few seconds.")

// RelayAction: POST /internal/live/:id — a room action relayed by another node (token in the body).
func (s *Service) RelayAction(c *fiber.Ctx) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := httpx.Decode(c, &in); err != nil { // the one strict decoding path; any fault is the same refusal
		return errRelayRefused
	}
	rc, err := s.relay.verify(in.Token, s.self.Node, c.Params("id"))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	switch rc.Op {
	case "key_point":
		if rc.KeyPoint != nil {
			s.sfu.AnnounceKeyPoint(rc.Day, *rc.KeyPoint)
		}
	case "key_point_removed":
		s.sfu.RetractKeyPoint(rc.Day, rc.KeyID)
	case "recording":
		o, err := s.own(ctx, rc.Day)
		if err != nil || !o.mine {
			return errMoving
		}
		if err := s.recordLocally(rc.Day, rc.On); err != nil {
			return err
		}
	default:
		return errRelayRefused
	}
	return c.JSON(fiber.Map{"ok": true})
}

// RelayJoin: GET /internal/live/:id/ws — a WebSocket admitted by another node. This node serves it when it
// holds the day (or takes the day when nobody does); it never relays further.
func (s *Service) RelayJoin() fiber.Handler {
	return func(c *fiber.Ctx) error {
		day := c.Params("id")
		rc, err := s.relay.verify(c.Get(RelayHeader), s.self.Node, day)
		if err != nil || rc.Op != "join" {
			return errRelayRefused
		}
		if err := s.refuseEnded(c.UserContext(), day); err != nil {
			return err
		}
		o, err := s.own(c.UserContext(), day)
		if err != nil || !o.mine {
			return errMoving
		}
		s.markPending(day)
		return s.upgrade(c, &admitted{day: day, questions: rc.Questions, capacity: rc.Capacity, video: rc.Video,
			user: participant(rc.UserID, rc.Name, rc.Role)})
	}
}

// pump copies messages both ways between the person's WebSocket and the owner's until either side closes,
// then passes the close on and closes both.
func pump(a, b *websocket.Conn) {
	done := make(chan struct{}, 2)
	copyOne := func(dst, src *websocket.Conn) {
		defer func() { done <- struct{}{} }()
		for {
			t, msg, err := src.ReadMessage()
			if err != nil {
				code, text := websocket.CloseNormalClosure, ""
				var ce *websocket.CloseError
				if errors.As(err, &ce) && ce.Code != websocket.CloseNoStatusReceived && ce.Code != websocket.CloseAbnormalClosure {
					code, text = ce.Code, ce.Text
				}
				_ = dst.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
				return
			}
			_ = dst.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := dst.WriteMessage(t, msg); err != nil {
				return
			}
		}
	}
	go copyOne(a, b)
	go copyOne(b, a)
	<-done
	_ = closeWS(a)
	_ = closeWS(b)
	<-done
}
