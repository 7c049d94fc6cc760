// Package turnserver embeds a pion/turn relay for participants behind
// restrictive networks, with short-lived REST-API-style credentials:
// username = "<expiry unix seconds>:<userID>", password =
// base64(HMAC-SHA1(secret, username)). Any node holding the secret can issue
// credentials (Issuer) without talking to the relay.
package turnserver

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/pion/turn/v2"
)

// ICEServer is one entry of the browser's RTCConfiguration.iceServers, as
// the API hands it out.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// Issuer mints credentials for the relays at URLs (e.g.
// "turn:turn.example.org:3478?transport=udp") sharing Secret.
type Issuer struct {
	Secret []byte
	URLs   []string
}

// ICEServers returns credentials for userID valid for ttl from now.
func (i Issuer) ICEServers(userID string, ttl time.Duration) []ICEServer {
	return i.iceServers(userID, time.Now().Add(ttl))
}

func (i Issuer) iceServers(userID string, expiry time.Time) []ICEServer {
	if len(i.URLs) == 0 {
		return nil
	}
	user := strconv.FormatInt(expiry.Unix(), 10) + ":" + userID
	return []ICEServer{{URLs: append([]string(nil), i.URLs...), Username: user, Credential: Password(i.Secret, user)}}
}

// Password is base64(HMAC-SHA1(secret, username)).
func Password(secret []byte, username string) string {
	m := hmac.New(sha1.New, secret)
	m.Write([]byte(username))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Config configures the relay.
type Config struct {
	ListenIP string // IP to bind; "" means all interfaces
	Port     int    // UDP port; 0 picks one (see Server.Addr)
	// RelayIP is the address relayed candidates carry: the public IP in
	// production, 127.0.0.1 in tests. Required.
	RelayIP      string
	RelayMinPort uint16 // optional range for relay sockets
	RelayMaxPort uint16
	Realm        string // default "teixit"
	Secret       []byte // shared with the Issuer; required
	Logger       *slog.Logger
}

// Server is a running relay.
type Server struct {
	srv  *turn.Server
	conn net.PacketConn
	cfg  Config
}

// New starts the relay on cfg's UDP port.
func New(cfg Config) (*Server, error) {
	if len(cfg.Secret) < 16 {
		return nil, errors.New("turnserver: secret must be at least 16 bytes")
	}
	relayIP := net.ParseIP(cfg.RelayIP)
	if relayIP == nil {
		return nil, fmt.Errorf("turnserver: bad RelayIP %q", cfg.RelayIP)
	}
	if cfg.Realm == "" {
		cfg.Realm = "teixit"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	listenIP := cfg.ListenIP
	if listenIP == "" {
		listenIP = "0.0.0.0"
	}
	conn, err := net.ListenPacket("udp4", net.JoinHostPort(listenIP, strconv.Itoa(cfg.Port)))
	if err != nil {
		return nil, fmt.Errorf("turnserver: listen: %w", err)
	}
	var gen turn.RelayAddressGenerator = &turn.RelayAddressGeneratorStatic{RelayAddress: relayIP, Address: listenIP}
	if cfg.RelayMinPort != 0 && cfg.RelayMaxPort >= cfg.RelayMinPort {
		gen = &turn.RelayAddressGeneratorPortRange{RelayAddress: relayIP, Address: listenIP, MinPort: cfg.RelayMinPort, MaxPort: cfg.RelayMaxPort}
	}
	s := &Server{conn: conn, cfg: cfg}
	s.srv, err = turn.NewServer(turn.ServerConfig{
		Realm:             cfg.Realm,
		AuthHandler:       s.auth,
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: conn, RelayAddressGenerator: gen}},
	})
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("turnserver: start: %w", err)
	}
	return s, nil
}

// auth accepts "expiry:userID" usernames that have not expired and whose
// password matches; it never logs the secret or passwords.
func (s *Server) auth(username, realm string, src net.Addr) ([]byte, bool) {
	exp, user, ok := strings.Cut(username, ":")
	if !ok || user == "" {
		return nil, false
	}
	t, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || time.Now().Unix() > t {
		s.cfg.Logger.Debug("turnserver: expired or malformed credential", "src", src.String())
		return nil, false
	}
	return turn.GenerateAuthKey(username, realm, Password(s.cfg.Secret, username)), true
}

// Addr is the relay's UDP address.
func (s *Server) Addr() *net.UDPAddr { return s.conn.LocalAddr().(*net.UDPAddr) }

// Issuer returns an Issuer for this relay reachable at host (a name or IP
// clients can reach, e.g. the public hostname).
func (s *Server) Issuer(host string) Issuer {
	u := fmt.Sprintf("turn:%s?transport=udp", net.JoinHostPort(host, strconv.Itoa(s.Addr().Port)))
	return Issuer{Secret: s.cfg.Secret, URLs: []string{u}}
}

// Close stops the relay and its allocations.
func (s *Server) Close() error { return s.srv.Close() }
