package live

import "github.com/prometheus/client_golang/prometheus"

// Collectors are this node's live-session metrics for /metrics: rooms, participants and connections now,
// RTP packets received from speakers, written to listeners, withheld by the floor rules and dropped since start,
// recordings in progress and the
// days this node holds as room owner.
func (s *Service) Collectors() []prometheus.Collector {
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	counter := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f)
	}
	return []prometheus.Collector{
		gauge("teixit_live_rooms", "Live rooms open on this node.", func() float64 { return float64(s.sfu.Stats().Rooms) }),
		gauge("teixit_live_participants", "Participants in this node's rooms, connected or within their reconnection grace.",
			func() float64 { return float64(s.sfu.Stats().Participants) }),
		gauge("teixit_live_connections", "Participants connected to this node's rooms.", func() float64 { return float64(s.sfu.Stats().Connections) }),
		counter("teixit_live_packets_received_total", "RTP packets received from speakers, forwarded or not.",
			func() float64 { return float64(s.sfu.Stats().PacketsIn) }),
		counter("teixit_live_packets_forwarded_total", "RTP packets written to listeners.", func() float64 { return float64(s.sfu.Stats().PacketsOut) }),
		counter("teixit_live_packets_withheld_total", "RTP packets received from people the floor rules keep unheard (no floor, or muted).",
			func() float64 { return float64(s.sfu.Stats().PacketsWithheld) }),
		counter("teixit_live_packets_dropped_total", "RTP packet copies that should have reached a listener but could not be written.",
			func() float64 { return float64(s.sfu.Stats().PacketsDropped) }),
		gauge("teixit_live_recordings_in_progress", "Exchange days whose session is being recorded on this node.", func() float64 {
			s.recMu.Lock()
			defer s.recMu.Unlock()
			n := 0
			for _, r := range s.recs {
				if r.Recording() {
					n++
				}
			}
			return float64(n)
		}),
		gauge("teixit_live_days_owned", "Exchange days whose room this node holds (claim with a lease).", func() float64 {
			s.owners.mu.Lock()
			defer s.owners.mu.Unlock()
			return float64(len(s.owners.held))
		}),
	}
}
