package sfu

import (
	"fmt"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/signal"
)

// BenchmarkForward measures the forwarding path from the point a publisher's
// packet has been read: sequence/timestamp rewrite, then for every
// subscriber the header rewrite, interceptors, SRTP encryption and the UDP
// send, to real Pion peers on loopback. ns/op is per packet fanned out to
// all subscribers; "ns/sub" divides by the subscriber count.
func BenchmarkForward(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			s := newTestSFU(b)
			rc := RoomConfig{}
			h := joinRoom(b, s, "bench", rc, host("host"), signal.Join{}, false)
			for i := 0; i < n; i++ {
				joinRoom(b, s, "bench", rc, listener(fmt.Sprint("l", i)), signal.Join{AudioOnly: true}, false)
			}
			s.mu.Lock()
			r := s.rms["bench"]
			s.mu.Unlock()
			r.mu.Lock()
			f := r.fans[fanKey{h.id, webrtc.RTPCodecTypeAudio}]
			r.mu.Unlock()
			// wait until every subscriber's sender is bound
			deadline := time.Now().Add(waitLimit)
			for {
				bound := 0
				for _, d := range *f.downs.Load() {
					if d.b.Load() != nil {
						bound++
					}
				}
				if bound == n {
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("%d of %d subscribers bound", bound, n)
				}
				time.Sleep(5 * time.Millisecond)
			}
			src := &source{}
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SSRC: 1234}, Payload: make([]byte, 80)}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				pkt.SequenceNumber++
				pkt.Timestamp += 960
				f.forward(src, pkt, 48000, int64(i)*20e6)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/sub")
		})
	}
}

// discardWriter stands in for Pion's SRTP writer to isolate the SFU's own
// fan-out code (rewrite, subscriber loop, header copy) from the stack below.
type discardWriter struct{ n int }

func (w *discardWriter) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	w.n += len(payload)
	return len(payload), nil
}

func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkFanoutOwnCode is the SFU's share of BenchmarkForward: it must not
// allocate, whatever the number of subscribers.
func BenchmarkFanoutOwnCode(b *testing.B) {
	for _, n := range []int{10, 500} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			f := newFanout("floor", "", webrtc.RTPCodecTypeAudio, opusCodec)
			w := &discardWriter{}
			for i := 0; i < n; i++ {
				d := &downTrack{peer: &peer{}, fan: f}
				d.b.Store(&binding{ssrc: uint32(i), pt: 111, ws: w})
				f.add(d)
			}
			srcs := []*source{{peer: &peer{}}, {peer: &peer{}}}
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111}, Payload: make([]byte, 80)}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				src := srcs[(i/1000)%2] // switch speakers every 1000 packets
				pkt.SSRC = uint32(1 + (i/1000)%2)
				pkt.SequenceNumber++
				pkt.Timestamp += 960
				f.forward(src, pkt, 48000, int64(i)*20e6)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/sub")
		})
	}
}
