// Package mail sends email through any SMTP server (TEIXIT_SMTP_*) with github.com/wneessen/go-mail, never
// in a request's path: Enqueue stores the message in the store's mail queue and returns; Run (one per node)
// sends what is due, retrying failures with growing delays. With several nodes on one store each attempt
// of a message is claimed by inserting a unique `_id` (store.Claim) before it is sent, so one node sends it;
// a node that dies between the claim and recording the outcome leaves a claim that goes stale after Lease,
// and the message is then tried again (at most one duplicate, only after a crash). With no SMTP host
// configured, Enqueue stores nothing: notices stay in-app.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

const (
	colQueue  = "mail_queue"
	colClaims = "mail_claims"

	statusQueued = "queued"
	statusSent   = "sent"
	statusFailed = "failed"

	// MaxAttempts is how often a message is tried before it is given up (marked failed, kept for the log).
	MaxAttempts = 8
	// batch is how many due messages one pass takes.
	batch = 200
	// keepSent is how long sent and failed messages (and their claims) are kept before pruning.
	keepSent = 7 * 24 * time.Hour
)

// Settings say which SMTP server to use. Host empty: no email.
type Settings struct {
	Host     string
	Port     int    // default 587
	Username string // empty: no SMTP AUTH
	Password string
	From     string // the sender address, e.g. "Teixit <noreply@example.org>"
	// TLS is "starttls" (default: STARTTLS required), "opportunistic" (STARTTLS when offered), "tls" (implicit
	// TLS, usually port 465) or "none" (plain; loopback relays and tests).
	TLS string
	// Timeout bounds one connection's dial and each command. Default 30s.
	Timeout time.Duration
}

// Migrations creates the queue and claim collections.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0200_mail_queue",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colQueue, colClaims); err != nil {
				return err
			}
			// The sender's scan: due messages (a small collection: sent ones are pruned after a week).
			return s.CreateIndexes(ctx, store.Index{Collection: colQueue, Name: "mail_due", Keys: []string{"status", "nextAt"}})
		},
	}}
}

// Message is one email to one person.
type Message struct {
	To      string
	Subject string
	Text    string // the plain-text body (always sent)
	HTML    string // an optional HTML alternative
	// Headers are extra headers such as List-Unsubscribe and List-Unsubscribe-Post (RFC 8058), sent as given.
	Headers map[string]string
	// Key, when set, makes enqueueing idempotent: a second Enqueue with the same key is a no-op (a digest
	// for one person and day, say).
	Key string
}

type queuedDoc struct {
	ID        string            `bson:"_id"`
	To        string            `bson:"to"`
	Subject   string            `bson:"subject"`
	Text      string            `bson:"text"`
	HTML      string            `bson:"html,omitempty"`
	Headers   map[string]string `bson:"headers,omitempty"`
	Status    string            `bson:"status"`
	Attempts  int               `bson:"attempts"`
	NextAt    time.Time         `bson:"nextAt"`
	CreatedAt time.Time         `bson:"createdAt"`
	SentAt    *time.Time        `bson:"sentAt,omitempty"`
	LastError string            `bson:"lastError,omitempty"`
}

type claimDoc struct {
	At time.Time `bson:"at"`
}

// Deps build a Service.
type Deps struct {
	Store    *store.Store
	Settings Settings
	Log      *slog.Logger
	// Now and Backoff default to time.Now and DefaultBackoff (tests shorten them).
	Now     func() time.Time
	Backoff func(attempt int) time.Duration
	// Lease is how long a claimed attempt may stay unrecorded before another node tries again. Default 10m.
	Lease time.Duration
}

// Service queues and sends email.
type Service struct {
	st      *store.Store
	set     Settings
	log     *slog.Logger
	now     func() time.Time
	backoff func(int) time.Duration
	lease   time.Duration
	wake    chan struct{}
	passMu  sync.Mutex // one pass at a time in this process (other nodes are kept apart by claims)
}

// New builds the service; Enabled reports whether it sends anything.
func New(d Deps) *Service {
	s := &Service{st: d.Store, set: d.Settings, log: d.Log, now: d.Now, backoff: d.Backoff, lease: d.Lease,
		wake: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.backoff == nil {
		s.backoff = DefaultBackoff
	}
	if s.lease <= 0 {
		s.lease = 10 * time.Minute
	}
	if s.set.Port == 0 {
		s.set.Port = 587
	}
	if s.set.Timeout <= 0 {
		s.set.Timeout = 30 * time.Second
	}
	return s
}

// Enqueuer is what other packages need to send email: whether sending is configured (Enabled) and queueing a
// message (Enqueue; nothing is sent when it is not enabled). *Service implements it.
type Enqueuer interface {
	Enabled() bool
	Enqueue(ctx context.Context, m Message) error
}

// Enabled is true when an SMTP server is configured.
func (s *Service) Enabled() bool { return s != nil && s.set.Host != "" }

// DefaultBackoff waits 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h between attempts.
func DefaultBackoff(attempt int) time.Duration {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour}
	if attempt < 1 {
		attempt = 1
	}
	if attempt > len(steps) {
		return steps[len(steps)-1]
	}
	return steps[attempt-1]
}

// ErrBadAddress is returned by Enqueue for a recipient that is not an email address.
var ErrBadAddress = errors.New("mail: not an email address")

// Enqueue stores m for sending and wakes this node's sender; it never talks to the SMTP server. With no
// SMTP server configured it does nothing. A message with a Key already queued (or sent) is not queued again.
func (s *Service) Enqueue(ctx context.Context, m Message) error {
	if !s.Enabled() {
		return nil
	}
	if !strings.Contains(m.To, "@") || strings.ContainsAny(m.To, "\r\n<>") {
		return fmt.Errorf("%w: %q", ErrBadAddress, m.To)
	}
	now := s.now().UTC()
	d := queuedDoc{ID: store.NewID(), To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Headers: m.Headers,
		Status: statusQueued, NextAt: now, CreatedAt: now}
	if m.Key != "" {
		d.ID = "k:" + m.Key
	}
	if _, err := s.st.C(colQueue).InsertOne(ctx, d); err != nil {
		if m.Key != "" && store.IsDuplicate(err) {
			return nil
		}
		return store.Wrap("mail: enqueue", err)
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// Run sends due messages every interval (and soon after a local Enqueue) until ctx ends, and prunes old
// ones about hourly. It does nothing when no SMTP server is configured.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	if !s.Enabled() {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	lastPrune := time.Time{}
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("mail: sending", "err", err)
		}
		if s.now().Sub(lastPrune) > time.Hour {
			if err := s.Prune(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("mail: pruning", "err", err)
			}
			lastPrune = s.now()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// Outcome counts what one pass did.
type Outcome struct {
	Sent, Failed, Skipped int
}

// SendDue makes one pass: it claims each due message's current attempt, sends the ones it won over one
// SMTP connection, and records each outcome (sent; or failed with the next try scheduled). A message whose
// attempt another node holds is skipped (or, when that claim is older than the lease, moved to its next
// attempt so that it is tried again).
func (s *Service) SendDue(ctx context.Context) (Outcome, error) {
	var out Outcome
	if !s.Enabled() {
		return out, nil
	}
	s.passMu.Lock()
	defer s.passMu.Unlock()
	due, err := store.Find[queuedDoc](ctx, s.st, colQueue, bson.M{"status": statusQueued, "nextAt": bson.M{"$lte": s.now().UTC()}},
		options.Find().SetSort(bson.D{{Key: "nextAt", Value: 1}}).SetLimit(batch))
	if err != nil {
		return out, err
	}
	if len(due) == 0 {
		return out, nil
	}
	var client *gomail.Client
	var dialErr error
	defer func() {
		if client != nil {
			_ = client.Close()
		}
	}()
	for _, d := range due {
		won, err := s.claim(ctx, d)
		if err != nil {
			return out, err
		}
		if !won {
			out.Skipped++
			continue
		}
		if client == nil && dialErr == nil {
			client, dialErr = s.dial(ctx)
		}
		sendErr := dialErr
		if sendErr == nil {
			sendErr = s.send(client, d)
			if sendErr != nil {
				// The connection may be unusable after a refusal: start a fresh one for the next message.
				_ = client.Close()
				client = nil
			}
		}
		if err := s.record(ctx, d, sendErr); err != nil {
			return out, err
		}
		if sendErr != nil {
			out.Failed++
			s.log.Warn("mail: not sent", "id", d.ID, "attempt", d.Attempts+1, "err", sendErr)
		} else {
			out.Sent++
		}
	}
	return out, nil
}

func claimID(d queuedDoc) string { return fmt.Sprintf("%s:%d", d.ID, d.Attempts) }

// claim takes attempt d.Attempts of d for this node. When another node holds it for longer than the lease,
// the message moves to its next attempt (claimable in a later pass).
func (s *Service) claim(ctx context.Context, d queuedDoc) (bool, error) {
	now := s.now().UTC()
	won, err := s.st.Claim(ctx, colClaims, claimID(d), claimDoc{At: now})
	if err != nil || won {
		return won, err
	}
	var c claimDoc
	if err := s.st.C(colClaims).FindOne(ctx, bson.M{"_id": claimID(d)}).Decode(&c); err != nil {
		return false, store.Wrap("mail: claim", err)
	}
	if now.Sub(c.At) > s.lease {
		_, err := s.st.C(colQueue).UpdateOne(ctx, bson.M{"_id": d.ID, "attempts": d.Attempts, "status": statusQueued},
			bson.M{"$set": bson.M{"attempts": d.Attempts + 1, "lastError": "a node stopped while sending"}})
		return false, store.Wrap("mail: stale claim", err)
	}
	return false, nil
}

func (s *Service) record(ctx context.Context, d queuedDoc, sendErr error) error {
	now := s.now().UTC()
	set := bson.M{"attempts": d.Attempts + 1}
	switch {
	case sendErr == nil:
		set["status"], set["sentAt"] = statusSent, now
	case d.Attempts+1 >= MaxAttempts:
		set["status"], set["lastError"] = statusFailed, sendErr.Error()
	default:
		set["nextAt"], set["lastError"] = now.Add(s.backoff(d.Attempts+1)), sendErr.Error()
	}
	_, err := s.st.C(colQueue).UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$set": set})
	return store.Wrap("mail: record", err)
}

func (s *Service) dial(ctx context.Context) (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.set.Port), gomail.WithTimeout(s.set.Timeout)}
	switch s.set.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS), gomail.WithPort(s.set.Port))
	case "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "tls":
		opts = append(opts, gomail.WithSSL(), gomail.WithPort(s.set.Port))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.set.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.set.Username),
			gomail.WithPassword(s.set.Password))
	}
	c, err := gomail.NewClient(s.set.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("mail: connect to %s:%d: %w", s.set.Host, s.set.Port, err)
	}
	return c, nil
}

func (s *Service) send(c *gomail.Client, d queuedDoc) error {
	m := gomail.NewMsg()
	if err := m.From(s.set.From); err != nil {
		return fmt.Errorf("mail: from %q: %w", s.set.From, err)
	}
	if err := m.To(d.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	m.Subject(d.Subject)
	m.SetDateWithValue(d.CreatedAt)
	// One Message-ID per queued message: a copy sent again after a crash is recognisably the same mail.
	m.SetMessageIDWithValue(d.ID + "@teixit")
	for k, v := range d.Headers {
		m.SetGenHeaderPreformatted(gomail.Header(k), v)
	}
	m.SetBodyString(gomail.TypeTextPlain, d.Text)
	if d.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, d.HTML)
	}
	return c.Send(m)
}

// Prune deletes sent and failed messages (and claims) older than a week: the queue stays small, so the
// sender's scan stays cheap.
func (s *Service) Prune(ctx context.Context) error {
	cutoff := s.now().UTC().Add(-keepSent)
	if _, err := s.st.C(colQueue).DeleteMany(ctx, bson.M{"status": bson.M{"$in": []string{statusSent, statusFailed}},
		"createdAt": bson.M{"$lt": cutoff}}); err != nil {
		return store.Wrap("mail: prune", err)
	}
	_, err := s.st.C(colClaims).DeleteMany(ctx, bson.M{"at": bson.M{"$lt": cutoff}})
	return store.Wrap("mail: prune claims", err)
}

// Pending counts queued messages (for tests, metrics and `teixit doctor`).
func (s *Service) Pending(ctx context.Context) (int64, error) {
	n, err := s.st.C(colQueue).CountDocuments(ctx, bson.M{"status": statusQueued})
	return n, store.Wrap("mail: pending", err)
}
