package store

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestEveryRunsUntilCancelledAndGoesOnAfterAFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	done := make(chan struct{})
	go func() {
		Every(ctx, time.Millisecond, slog.New(slog.DiscardHandler), "test job", func(context.Context) error {
			if runs.Add(1) == 3 {
				cancel()
			}
			return errors.New("a failure does not stop the next run")
		})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Every did not return after its context ended")
	}
	if n := runs.Load(); n < 3 {
		t.Fatalf("ran %d times, want 3 (it must go on after a failure)", n)
	}
}
