package turnserver

import (
	"bytes"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/pion/turn/v2"
)

func startRelay(t *testing.T) *Server {
	t.Helper()
	s, err := New(Config{ListenIP: "127.0.0.1", RelayIP: "127.0.0.1", Secret: []byte("0123456789abcdef-test")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// allocate tries a TURN allocation with the given credentials and, when it
// succeeds, relays one datagram to a loopback peer and back.
func allocate(t *testing.T, s *Server, user, pass string) error {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := turn.NewClient(&turn.ClientConfig{TURNServerAddr: s.Addr().String(), Username: user, Password: pass,
		Realm: "teixit", Conn: conn, RTO: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	relay, err := c.Allocate()
	if err != nil {
		return err
	}
	defer relay.Close()
	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if _, err := relay.WriteTo([]byte("ping"), peer.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, from, err := peer.ReadFrom(buf)
	if err != nil || !bytes.Equal(buf[:n], []byte("ping")) {
		t.Fatalf("peer read %q %v", buf[:n], err)
	}
	if from.String() != relay.LocalAddr().String() {
		t.Fatalf("datagram came from %s, relay is %s", from, relay.LocalAddr())
	}
	return nil
}

func TestCredentials(t *testing.T) {
	s := startRelay(t)
	iss := s.Issuer("127.0.0.1")
	ok := iss.ICEServers("user-1", time.Minute)
	if len(ok) != 1 || ok[0].URLs[0] != "turn:127.0.0.1:"+itoa(s.Addr().Port)+"?transport=udp" {
		t.Fatalf("ice servers %+v", ok)
	}
	if err := allocate(t, s, ok[0].Username, ok[0].Credential); err != nil {
		t.Fatalf("valid credential refused: %v", err)
	}
	expired := iss.iceServers("user-1", time.Now().Add(-time.Second))
	if err := allocate(t, s, expired[0].Username, expired[0].Credential); err == nil {
		t.Fatal("expired credential accepted")
	}
	if err := allocate(t, s, ok[0].Username, "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	other := Issuer{Secret: []byte("another-secret-of-16b"), URLs: iss.URLs}.ICEServers("user-1", time.Minute)
	if err := allocate(t, s, other[0].Username, other[0].Credential); err == nil {
		t.Fatal("credential from another secret accepted")
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{RelayIP: "127.0.0.1", Secret: []byte("short")}); err == nil {
		t.Fatal("short secret accepted")
	}
	if _, err := New(Config{RelayIP: "nope", Secret: []byte("0123456789abcdef")}); err == nil {
		t.Fatal("bad relay IP accepted")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
