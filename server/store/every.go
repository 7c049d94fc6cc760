package store

import (
	"context"
	"log/slog"
	"time"
)

// Every runs job once per interval until ctx ends — the one shape of the background upkeep every node runs
// (pruning rate-limit slots, the audit log, …). Such a job must be safe to run on several nodes at once and
// twice in a row. A failure is logged as "what" and the next tick tries again.
func Every(ctx context.Context, every time.Duration, log *slog.Logger, what string, job func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				log.Warn(what, "err", err)
			}
		}
	}
}
