package account

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
)

// The principal cache: each node keeps the principals of the browser sessions it served lately, so that a
// signed-in page read (GET, HEAD) costs no store lookup before its handler (session, person, memberships:
// 2 + one per organisation otherwise). Writes (POST, PUT, PATCH, DELETE) always read the store.
//
// Every change that could make a cached principal wrong goes through the read model's outbox under the kind
// ChangeKind — a person's account (profile, password, platform admin, organisations, deletion), their
// staff role in an organisation, the end of one session or of all of them — and every node's indexer hands
// it to Load, which forgets what it held: the node that wrote at once (the write waits for its local
// indexer), the others within the indexer's polling interval (200 ms). PrincipalTTL bounds what a missed
// change could cost (a node whose feed is held up).
// A request that read the store while a change landed does not keep what it read (generation check).

// ChangeKind is the read-model kind of changes to people's principals. It indexes nothing.
const ChangeKind = "account"

// PrincipalTTL is the longest a node answers a session from memory without reading the store again.
const PrincipalTTL = 30 * time.Second

// principalCacheSize bounds the sessions a node remembers (least recently used go first).
const principalCacheSize = 10000

// Change ids: "u:<userID>" for everything about a person, "s:<hashed session id>" for one session's end.
func userChange(userID string) string  { return "u:" + userID }
func sessionChange(hash string) string { return "s:" + hash }

type cachedPrincipal struct {
	p     auth.Principal
	until time.Time
}

type principals struct {
	c *lru.Cache[string, cachedPrincipal] // by hashed session id
	// gen moves on every forget: a principal read from the store is kept only if nothing was forgotten
	// since the read started, so a read that raced with a change never outlives it.
	gen atomic.Uint64
}

func newPrincipals() *principals {
	c, _ := lru.New[string, cachedPrincipal](principalCacheSize) // only fails for a size <= 0
	return &principals{c: c}
}

func (pc *principals) get(hash string, now time.Time) (*auth.Principal, bool) {
	e, ok := pc.c.Get(hash)
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	return clonePrincipal(&e.p), true
}

func (pc *principals) put(hash string, p *auth.Principal, until time.Time, gen uint64) {
	if pc.gen.Load() != gen {
		return
	}
	pc.c.Add(hash, cachedPrincipal{p: *clonePrincipal(p), until: until})
	if pc.gen.Load() != gen { // a forget ran while adding: it may have missed this entry
		pc.c.Remove(hash)
	}
}

// forget drops one session ("s:<hash>") or every session of a person ("u:<userID>").
func (pc *principals) forget(change string) {
	pc.gen.Add(1)
	if hash, ok := strings.CutPrefix(change, "s:"); ok {
		pc.c.Remove(hash)
		return
	}
	userID, ok := strings.CutPrefix(change, "u:")
	if !ok {
		return
	}
	for _, hash := range pc.c.Keys() {
		if e, ok := pc.c.Peek(hash); ok && e.p.UserID == userID {
			pc.c.Remove(hash)
		}
	}
}

// clonePrincipal copies p so that no handler can change what the cache holds.
func clonePrincipal(p *auth.Principal) *auth.Principal {
	c := *p
	c.OrgIDs, c.StaffOrgIDs, c.Scopes = slices.Clone(p.OrgIDs), slices.Clone(p.StaffOrgIDs), slices.Clone(p.Scopes)
	return &c
}

// CachedSessionPrincipal implements auth.SessionCache: SessionPrincipal, answered from this node's memory
// when it served the session lately and nothing about it changed since.
func (s *Service) CachedSessionPrincipal(ctx context.Context, cookie string) (*auth.Principal, error) {
	if len(cookie) > 100 {
		return nil, auth.ErrUnknownCredential
	}
	hash, now := hashSecret(cookie), s.now()
	if p, ok := s.principals.get(hash, now); ok {
		return p, nil
	}
	gen := s.principals.gen.Load()
	p, expires, err := s.sessionPrincipal(ctx, hash)
	if err != nil {
		return nil, err
	}
	until := now.Add(PrincipalTTL)
	if expires.Before(until) {
		until = expires
	}
	s.principals.put(hash, p, until, gen)
	return p, nil
}

// Load is the read-model loader of ChangeKind: it forgets the cached principals the changes name and gives
// no document (nothing about people is indexed).
func (s *Service) Load(_ context.Context, ids []string) (map[string]search.Document, error) {
	for _, id := range ids {
		s.principals.forget(id)
	}
	return map[string]search.Document{}, nil
}

// NoRecords is the read-model lister of ChangeKind: a rebuild has nothing to index.
func NoRecords(context.Context, func(string) error) error { return nil }
