package live_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
)

// TestDayVideoSetting: the exchange day's "video" setting becomes the room's RoomConfig.Video. With cameras
// allowed, the host's VP8 reaches a participant who did not ask for audio only; by default (false) the host's
// audio arrives but no video does, and the participant has no video transceiver at all.
func TestDayVideoSetting(t *testing.T) {
	for _, video := range []bool{true, false} {
		name := "video off by default"
		if video {
			name = "video allowed"
		}
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			var day struct{ Video bool }
			if video {
				r := f.a.Do(f.host, "PATCH", "/api/v1/exchange-days/"+f.day, map[string]any{"video": true})
				r.JSON(t, &day)
				if !day.Video {
					t.Fatalf("PATCH video=true: %d %s", r.Status, r.Body)
				}
			}
			if r := f.a.Do(nil, "GET", "/api/v1/openapi.json", nil); !strings.Contains(string(r.Body), `"video":{"type":"boolean"}`) {
				t.Fatal("openapi.json does not describe the day's video setting")
			}
			f.a.Do(f.participant, "GET", "/api/v1/exchange-days/"+f.day, nil).JSON(t, &day)
			if day.Video != video {
				t.Fatalf("the day reads video=%v, want %v", day.Video, video)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()

			host, err := client.New(ctx, dial(t, f, f.host), client.Config{Publish: true, PublishVideo: true})
			if err != nil {
				t.Fatal(err)
			}
			defer host.Close()
			go func() { _ = host.Run(ctx) }()

			var audio, vp8 atomic.Int64
			pep, err := client.New(ctx, dial(t, f, f.participant), client.Config{Join: signal.Join{},
				OnRTP: func(tr *webrtc.TrackRemote, p *rtp.Packet) {
					if tr.Kind() == webrtc.RTPCodecTypeVideo {
						vp8.Add(1)
					} else {
						audio.Add(1)
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			defer pep.Close()
			go func() { _ = pep.Run(ctx) }()

			// The host speaks and shows fake VP8 frames (its camera is on either way) until Pep has 20 audio packets and,
			// with video, 20 video packets.
			enough := func() bool { return audio.Load() >= 20 && (!video || vp8.Load() >= 20) }
			deadline := time.Now().Add(30 * time.Second)
			for seq := uint16(1); !enough() && time.Now().Before(deadline); seq++ {
				_ = host.Audio().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: make([]byte, 80)})
				_ = host.Video().WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 3000}, Payload: []byte{0x10, 0, 0, 0, 0, 0, 0, 0}})
				time.Sleep(20 * time.Millisecond)
			}
			if !enough() {
				t.Fatalf("Pep received %d audio and %d video packets from the host (video allowed: %v)", audio.Load(), vp8.Load(), video)
			}
			if !video {
				if n := vp8.Load(); n != 0 {
					t.Fatalf("Pep received %d video packets from a day without cameras", n)
				}
				for _, tr := range pep.PC().GetTransceivers() {
					if tr.Kind() == webrtc.RTPCodecTypeVideo {
						t.Fatalf("a day without cameras gave Pep a video transceiver (mid %s)", tr.Mid())
					}
				}
			}
		})
	}
}
