package readmodel

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors are the read model's metrics for /metrics, read from the store and the local index at each
// scrape: how many changes this node's index is behind the outbox (index lag), and how many changes the
// outbox still holds (written and not yet pruned: the backlog that every node must have applied before it
// goes). A value that cannot be read (the store is unreachable) is NaN rather than a stale number.
func (rm *ReadModel) Collectors() []prometheus.Collector {
	read := func(f func(ctx context.Context) (float64, error)) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			v, err := f(ctx)
			if err != nil {
				return math.NaN()
			}
			return v
		}
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "teixit_index_lag_changes",
			Help: "Changes written to the outbox that this node's search index has not applied yet."},
			read(func(ctx context.Context) (float64, error) {
				head, err := rm.Outbox.Head(ctx)
				if err != nil {
					return 0, err
				}
				at, err := rm.Index.Checkpoint()
				if err != nil || at >= head {
					return 0, err
				}
				return float64(head - at), nil
			})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "teixit_outbox_backlog_changes",
			Help: "Changes the outbox holds (not yet pruned: some node may still need them)."},
			read(func(ctx context.Context) (float64, error) {
				oldest, ok, err := rm.Outbox.Oldest(ctx)
				if err != nil || !ok {
					return 0, err
				}
				head, err := rm.Outbox.Head(ctx)
				if err != nil || head < oldest {
					return 0, err
				}
				return float64(head - oldest + 1), nil
			})),
	}
}
