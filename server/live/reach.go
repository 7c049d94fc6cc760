package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A node's internal URL (TEIXIT_INTERNAL_URL) is where the other nodes relay live sessions to it. A wrong one
// (a typo, another node's port, an address nobody can route to) would leave the node half-working: the days
// it owns could not be reached from the others. So the node checks that its internal URL leads back to itself
// (GET /internal/node answers this instance's id) and is not ready (/readyz 503) until it does.

// reach is the last self-check's outcome.
type reach struct {
	mu  sync.Mutex
	err error
}

// errNotChecked is the state before the first check answered.
var errNotChecked = errors.New("live: the internal URL has not been checked yet")

// NodeID: GET /internal/node — this instance's id, for the internal URL self-check.
func (s *Service) NodeID(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"node": s.self.Node})
}

// InternalURLReachable is nil once this node reached itself through its internal URL (or has none: a single
// node); otherwise why not, for /readyz.
func (s *Service) InternalURLReachable() error {
	if s.self.URL == "" {
		return nil
	}
	s.reach.mu.Lock()
	defer s.reach.mu.Unlock()
	return s.reach.err
}

// checkReach asks the internal URL who it is.
func (s *Service) checkReach(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.self.URL+"/internal/node", nil)
	if err != nil {
		return fmt.Errorf("TEIXIT_INTERNAL_URL %s: %w", s.self.URL, err)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("TEIXIT_INTERNAL_URL %s does not answer: %w", s.self.URL, err)
	}
	defer resp.Body.Close()
	var out struct {
		Node string `json:"node"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil || out.Node != s.self.Node {
		return fmt.Errorf("TEIXIT_INTERNAL_URL %s leads to another server, not this node", s.self.URL)
	}
	return nil
}

// watchReach checks every second until the internal URL reaches this node, then every 30 s.
func (s *Service) watchReach() {
	if s.self.URL == "" {
		return
	}
	s.reach.err = errNotChecked
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			err := s.checkReach(s.ctx)
			if s.ctx.Err() != nil {
				return
			}
			s.reach.mu.Lock()
			changed := (err == nil) != (s.reach.err == nil)
			s.reach.err = err
			s.reach.mu.Unlock()
			if changed && err != nil {
				s.log.Error("live: this node is not reachable through its internal URL", "err", err)
			}
			wait := 30 * time.Second
			if err != nil {
				wait = time.Second
			}
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}()
}
