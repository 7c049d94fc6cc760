package readmodel

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/httpx"
)

// ReindexStatus reports a background rebuild started through the admin API.
type ReindexStatus struct {
	Running    bool       `json:"running"`
	Done       int        `json:"done"`
	Total      int        `json:"total"`
	StartedAt  *time.Time `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt"`
	Error      string     `json:"error,omitempty"`
	// Rate is the documents indexed per second so far; ETASeconds the seconds left at that rate (null
	// before the first batch, 0 once finished). Total is an estimate that grows with Done when it falls
	// short, so Done never exceeds it.
	Rate       float64 `json:"rate"`
	ETASeconds *int    `json:"etaSeconds"`
}

// progressAt fills Done, Total, Rate and ETASeconds from a rebuild's progress at now.
func (st *ReindexStatus) progressAt(done, total int, now time.Time) {
	st.Done, st.Total = done, max(total, done)
	if st.StartedAt == nil {
		return
	}
	if secs := now.Sub(*st.StartedAt).Seconds(); secs > 0 && done > 0 {
		st.Rate = float64(done) / secs
		eta := int(float64(st.Total-done)/st.Rate + 0.5)
		st.ETASeconds = &eta
	}
}

type reindexer struct {
	mu     sync.Mutex
	status ReindexStatus
}

// StartReindex: POST /admin/reindex — rebuilds the index in the background while it keeps serving.
func (rm *ReadModel) StartReindex(c *fiber.Ctx) error {
	rm.re.mu.Lock()
	defer rm.re.mu.Unlock()
	if rm.re.status.Running {
		return apperr.New(apperr.Conflict, "reindex_running", "A rebuild is already running; follow it with GET /api/v1/admin/reindex.")
	}
	now := time.Now().UTC()
	rm.re.status = ReindexStatus{Running: true, StartedAt: &now}
	rm.wg.Add(1)
	go func() {
		defer rm.wg.Done()
		err := rm.Rebuild(context.Background(), func(done, total int) {
			rm.re.mu.Lock()
			rm.re.status.progressAt(done, total, time.Now())
			rm.re.mu.Unlock()
		})
		rm.re.mu.Lock()
		defer rm.re.mu.Unlock()
		end := time.Now().UTC()
		rm.re.status.Running, rm.re.status.FinishedAt = false, &end
		if err == nil {
			zero := 0
			rm.re.status.ETASeconds = &zero
		}
		if err != nil {
			rm.re.status.Error = "The rebuild failed; the previous index is still in use. See the server log."
			rm.opts.Logger.Error("reindex failed", "err", err)
		}
	}()
	return c.Status(fiber.StatusAccepted).JSON(rm.re.status)
}

// ReindexStatus: GET /admin/reindex.
func (rm *ReadModel) ReindexState(c *fiber.Ctx) error {
	rm.re.mu.Lock()
	defer rm.re.mu.Unlock()
	return httpx.OK(c, rm.re.status)
}
