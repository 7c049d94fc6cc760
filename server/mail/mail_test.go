package mail_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/mail/mailtest"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/testkit"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(t *testing.T, st *store.Store, srv *mailtest.Server, c *clock) *mail.Service {
	t.Helper()
	if err := st.Migrate(context.Background(), mail.Migrations()); err != nil {
		t.Fatal(err)
	}
	return mail.New(mail.Deps{Store: st, Log: testkit.Quiet(), Now: c.now,
		Settings: mail.Settings{Host: srv.Host, Port: srv.Port, From: "Teixit <noreply@teixit.test>", TLS: "none", Timeout: 5 * time.Second}})
}

func TestDeliversToARealSMTPServer(t *testing.T) {
	st := testkit.Store(t)
	srv := mailtest.Start(t)
	c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	s := newService(t, st, srv, c)
	ctx := context.Background()
	err := s.Enqueue(ctx, mail.Message{To: "núria@example.org", Subject: "La teva aportació s'ha publicat",
		Text:    "Hola Núria,\n\nla teva aportació «Més bancs a la plaça» ja és pública.\n",
		HTML:    "<p>Hola Núria,</p>",
		Headers: map[string]string{"List-Unsubscribe": "<https://teixit.test/u/abc>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("Enqueue must not send: sending is never in a request's path")
	}
	out, err := s.SendDue(ctx)
	if err != nil || out.Sent != 1 {
		t.Fatalf("SendDue = %+v, %v", out, err)
	}
	m := srv.Wait(t, 1, 5*time.Second)[0]
	if m.Subject != "La teva aportació s'ha publicat" || !strings.Contains(m.Text, "«Més bancs a la plaça»") || m.HTML != "<p>Hola Núria,</p>" {
		t.Errorf("message read back: subject %q text %q html %q", m.Subject, m.Text, m.HTML)
	}
	if m.To[0] != "núria@example.org" || !strings.Contains(m.Header.Get("From"), "noreply@teixit.test") {
		t.Errorf("envelope %v, From %q", m.To, m.Header.Get("From"))
	}
	if m.Header.Get("List-Unsubscribe") != "<https://teixit.test/u/abc>" || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("RFC 8058 headers: %v", m.Header)
	}
	if m.Header.Get("Message-Id") == "" {
		t.Error("no Message-ID")
	}
	// Nothing is due any more: a second pass sends nothing.
	if out, _ := s.SendDue(ctx); out.Sent != 0 {
		t.Errorf("sent again: %+v", out)
	}
	if n, _ := s.Pending(ctx); n != 0 {
		t.Errorf("pending = %d", n)
	}
}

func TestKeyedMessagesAreQueuedOnce(t *testing.T) {
	st := testkit.Store(t)
	srv := mailtest.Start(t)
	c := &clock{t: time.Now()}
	s := newService(t, st, srv, c)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := s.Enqueue(ctx, mail.Message{To: "a@example.org", Subject: "Digest", Text: "x", Key: "digest:u1:2026-12-04"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.Pending(ctx); n != 1 {
		t.Fatalf("pending = %d, want 1", n)
	}
}

// TestRefusedAndDownServersRetryLater: a refusing server and a server that is down leave the message queued
// with a later try; nothing is lost and it goes out once the server accepts.
func TestRefusedAndDownServersRetryLater(t *testing.T) {
	st := testkit.Store(t)
	srv := mailtest.Start(t)
	c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	s := newService(t, st, srv, c)
	ctx := context.Background()
	if err := s.Enqueue(ctx, mail.Message{To: "a@example.org", Subject: "Hola", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	srv.Refuse(true)
	if out, err := s.SendDue(ctx); err != nil || out.Failed != 1 {
		t.Fatalf("refused: %+v %v", out, err)
	}
	if out, _ := s.SendDue(ctx); out.Sent+out.Failed != 0 {
		t.Fatalf("retried at once instead of after the backoff: %+v", out)
	}
	srv.Refuse(false)
	c.add(2 * time.Minute)
	if out, err := s.SendDue(ctx); err != nil || out.Sent != 1 {
		t.Fatalf("after the backoff: %+v %v", out, err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Fatalf("%d messages arrived", got)
	}

	// A server that is down: the port of a closed listener.
	down := mail.New(mail.Deps{Store: st, Log: testkit.Quiet(), Now: c.now,
		Settings: mail.Settings{Host: "127.0.0.1", Port: closedPort(t), From: "noreply@teixit.test", TLS: "none", Timeout: 2 * time.Second}})
	if err := down.Enqueue(ctx, mail.Message{To: "b@example.org", Subject: "Down", Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if out, err := down.SendDue(ctx); err != nil || out.Failed != 1 {
		t.Fatalf("down: %+v %v", out, err)
	}
	if n, _ := down.Pending(ctx); n != 1 {
		t.Fatalf("the message must stay queued, pending = %d", n)
	}
	c.add(10 * time.Minute)
	if out, err := s.SendDue(ctx); err != nil || out.Sent != 1 {
		t.Fatalf("once a server is reachable: %+v %v", out, err)
	}
}

// TestTwoNodesSendEachMessageOnce: two services on two connections pools of one store (two nodes) run
// passes at the same time; every message arrives exactly once.
func TestTwoNodesSendEachMessageOnce(t *testing.T) {
	st := testkit.Store(t)
	srv := mailtest.Start(t)
	c := &clock{t: time.Now()}
	a := newService(t, st, srv, c)
	ctx := context.Background()
	other, err := st.Reopen(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close(context.Background()) })
	b := newService(t, other, srv, c)
	const n = 40
	for i := 0; i < n; i++ {
		if err := a.Enqueue(ctx, mail.Message{To: fmt.Sprintf("p%d@example.org", i), Subject: fmt.Sprint(i), Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, s := range []*mail.Service{a, b, a, b} {
		wg.Add(1)
		go func(s *mail.Service) {
			defer wg.Done()
			out, err := s.SendDue(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += out.Sent
			mu.Unlock()
		}(s)
	}
	wg.Wait()
	msgs := srv.Wait(t, n, 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	msgs = srv.Messages()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Subject]++
	}
	if len(msgs) != n || len(seen) != n || total != n {
		t.Fatalf("%d messages arrived (%d distinct), passes counted %d sent; want %d each once", len(msgs), len(seen), total, n)
	}
}

// TestStaleClaimIsRetried: a node that claimed an attempt and died leaves the message queued; after the
// lease another node sends it.
func TestStaleClaimIsRetried(t *testing.T) {
	st := testkit.Store(t)
	srv := mailtest.Start(t)
	c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	s := newService(t, st, srv, c)
	ctx := context.Background()
	if err := s.Enqueue(ctx, mail.Message{To: "a@example.org", Subject: "Hola", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	// The dead node's claim on attempt 0 of the only queued message.
	var doc struct {
		ID string `bson:"_id"`
	}
	if err := st.C("mail_queue").FindOne(ctx, map[string]any{}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Claim(ctx, "mail_claims", doc.ID+":0", map[string]any{"at": c.now()}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if out, _ := s.SendDue(ctx); out.Skipped != 1 || out.Sent != 0 {
		t.Fatalf("within the lease: %+v", out)
	}
	c.add(11 * time.Minute)
	_, _ = s.SendDue(ctx) // moves the message past the stale attempt
	if out, err := s.SendDue(ctx); err != nil || out.Sent != 1 {
		t.Fatalf("after the lease: %+v %v", out, err)
	}
}

func TestNoSMTPMeansNothingQueued(t *testing.T) {
	st := testkit.Store(t)
	if err := st.Migrate(context.Background(), mail.Migrations()); err != nil {
		t.Fatal(err)
	}
	s := mail.New(mail.Deps{Store: st})
	if s.Enabled() {
		t.Fatal("enabled without a host")
	}
	if err := s.Enqueue(context.Background(), mail.Message{To: "a@example.org", Subject: "x", Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Pending(context.Background()); n != 0 {
		t.Fatalf("pending = %d", n)
	}
}

func TestBadRecipientIsRefused(t *testing.T) {
	st := testkit.Store(t)
	srv := mailtest.Start(t)
	s := newService(t, st, srv, &clock{t: time.Now()})
	for _, to := range []string{"", "nobody", "a@b.org\r\nBcc: x@y.org", "<a@b.org>"} {
		if err := s.Enqueue(context.Background(), mail.Message{To: to, Subject: "x", Text: "y"}); err == nil {
			t.Errorf("%q accepted", to)
		}
	}
}

// closedPort is a loopback port nothing listens on (a listener opened and closed).
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}
