package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/store"
)

// colLimits holds one document per attempt slot claimed in a rate-limit window (see Limits).
const colLimits = "rate_limits"

// Migrations create the rate-limit collection. Expired slots are deleted by Limits.Prune.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0001_auth_rate_limits",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colLimits); err != nil {
				return err
			}
			return s.CreateIndexes(ctx, store.Index{Collection: colLimits, Name: "rate_limits_exp", Keys: []string{"exp"}})
		},
	}}
}

// Limit is one rate limit: at most Max attempts per key in each fixed Window. Name keeps the keys of
// different limits apart in the store (e.g. "login-ip", "login-email").
type Limit struct {
	Name   string
	Max    int
	Window time.Duration
	// Message is the client-safe sentence of the 429 (its code is always "rate_limited").
	Message string
}

// Limits enforces rate limits shared by every node on the store and surviving restarts. An attempt is a
// claim: slot k of key K in window W is the document `<name>:<hash(K)>:<W>:<k>` for k in 1..Max, and the
// only operation every engine Teixit runs on makes atomic across connections is inserting a unique `_id`
// (server/store/README.md). So Max attempts are let through per window however many nodes, connections or
// concurrent requests there are. Keys are hashed: emails and addresses are not stored in clear.
//
// Undo releases an attempt's slot. That is how "only failures count" is built without letting a burst of
// concurrent guesses through: take a slot before checking the password, give it back when it was right.
type Limits struct {
	st  *store.Store
	now func() time.Time
	// hints remember, per key and window, the highest slot this process knows taken, so the k-th attempt
	// does not cost k failed inserts. A hint is only a starting point: slots released by another node are
	// not reused by this one, which can only make the limit stricter, never looser.
	hints *lru.Cache[string, uint64]
}

// NewLimits builds the rate limiter on the shared store.
func NewLimits(st *store.Store) *Limits {
	h, _ := lru.New[string, uint64](20000)
	return &Limits{st: st, now: time.Now, hints: h}
}

// Attempt is a slot taken by Take; Undo gives it back.
type Attempt struct {
	l    *Limits
	hint string
	id   string
	slot uint64
}

func keyHash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:12])
}

// Take records an attempt for key under lim. When the key has used up its window it returns a RateLimited
// apperr (code "rate_limited", RetryAfter until the window ends) and records nothing. Store failures are
// returned as they are.
func (l *Limits) Take(ctx context.Context, lim Limit, key string) (*Attempt, error) {
	if lim.Max < 1 || lim.Window <= 0 {
		return nil, fmt.Errorf("auth: limit %q: max %d and window %v must be positive", lim.Name, lim.Max, lim.Window)
	}
	now := l.now()
	start := now.Truncate(lim.Window)
	end := start.Add(lim.Window)
	prefix := lim.Name + ":" + keyHash(key) + ":" + strconv.FormatInt(start.Unix(), 10) + ":"
	from := uint64(1)
	if h, ok := l.hints.Get(prefix); ok {
		from = h + 1
	}
	limited := &apperr.Error{Kind: apperr.RateLimited, Code: "rate_limited", Message: lim.Message,
		RetryAfter: end.Sub(now)}
	if from > uint64(lim.Max) {
		return nil, limited
	}
	n, err := l.st.ClaimFirst(ctx, colLimits, from, uint64(lim.Max),
		func(n uint64) string { return prefix + strconv.FormatUint(n, 10) },
		func(uint64) any { return bson.M{"exp": end.UTC()} })
	if errors.Is(err, store.ErrNoneFree) {
		l.hints.Add(prefix, uint64(lim.Max))
		return nil, limited
	}
	if err != nil {
		return nil, fmt.Errorf("auth: rate limit %s: %w", lim.Name, err)
	}
	if h, ok := l.hints.Get(prefix); !ok || n > h {
		l.hints.Add(prefix, n)
	}
	return &Attempt{l: l, hint: prefix, id: prefix + strconv.FormatUint(n, 10), slot: n}, nil
}

// Undo gives the attempt's slot back (the attempt succeeded and should not count). A nil Attempt is fine.
func (a *Attempt) Undo(ctx context.Context) error {
	if a == nil {
		return nil
	}
	if h, ok := a.l.hints.Get(a.hint); ok && h >= a.slot {
		a.l.hints.Add(a.hint, a.slot-1)
	}
	return a.l.st.Release(context.WithoutCancel(ctx), colLimits, a.id)
}

// Forget clears key's attempts in the current window of lim (the owner proved who they are another way,
// e.g. with a reset link, so someone else's failed guesses must not keep them out). Slots are deleted by
// id, one per possible attempt.
func (l *Limits) Forget(ctx context.Context, lim Limit, key string) error {
	start := l.now().Truncate(lim.Window)
	prefix := lim.Name + ":" + keyHash(key) + ":" + strconv.FormatInt(start.Unix(), 10) + ":"
	l.hints.Remove(prefix)
	for n := 1; n <= lim.Max; n++ {
		if err := l.st.Release(context.WithoutCancel(ctx), colLimits, prefix+strconv.Itoa(n)); err != nil {
			return err
		}
	}
	return nil
}

// Prune deletes the slots of windows that have ended. Any node may run it at any time (deleting twice is
// harmless); it is a filtered scan, so it runs in the background, not on requests.
func (l *Limits) Prune(ctx context.Context) (int64, error) {
	res, err := l.st.C(colLimits).DeleteMany(ctx, bson.M{"exp": bson.M{"$lte": l.now().UTC()}})
	if err != nil {
		return 0, store.Wrap("auth: prune rate limits", err)
	}
	return res.DeletedCount, nil
}
