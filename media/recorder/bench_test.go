package recorder

import (
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
)

// BenchmarkWriteRTP measures the recorder's cost on the SFU's forwarding path (copy + queue; the disk write
// happens on the segment's goroutine).
func BenchmarkWriteRTP(b *testing.B) {
	rec, err := New(b.TempDir(), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	rec.SetRecording(true)
	k := rec.OnTrack(sfu.Turn{Number: 1, Start: time.Now()}, sfu.ParticipantInfo{UserID: "u", Role: room.Host},
		webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}})
	p := &rtp.Packet{Header: rtp.Header{Version: 2}, Payload: make([]byte, 80)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.SequenceNumber++
		p.Timestamp += 960
		_ = k.WriteRTP(p)
	}
	b.StopTimer()
	_ = k.Close()
	if err := rec.Close(); err != nil {
		b.Fatal(err)
	}
}
