package recorder

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
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

// BenchmarkRecord10Speakers measures what recording costs while 10 speakers' turns are recorded at once, in
// real time: each iteration is one second of audio (50 packets of 20 ms per speaker, payload of
// -payload bytes, 80 ≈ Opus voice at 32 kbit/s), written through the same sinks the SFU feeds, with the
// per-segment goroutines, page writes and 2 s fsyncs. Reported: the process's CPU time (user+system, from
// getrusage) per speaker as a share of one core, and the bytes each stream adds to disk per minute.
func BenchmarkRecord10Speakers(b *testing.B) {
	const speakers, payload = 10, 80
	rec, err := New(b.TempDir(), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	rec.SetRecording(true)
	sinks := make([]sfu.RTPSink, speakers)
	for i := range sinks {
		sinks[i] = rec.OnTrack(sfu.Turn{Number: i + 1, ParticipantID: fmt.Sprint("p", i), Start: time.Now()},
			sfu.ParticipantInfo{UserID: fmt.Sprint("u", i), Role: room.Host},
			webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}})
	}
	cpu0, wall0 := cpuTime(b), time.Now()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, k := range sinks {
		wg.Add(1)
		go func(i int, k sfu.RTPSink) {
			defer wg.Done()
			p := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: uint32(i + 1)}, Payload: make([]byte, payload)}
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for n := 0; n < 50*b.N; n++ {
				<-tick.C
				p.SequenceNumber++
				p.Timestamp += 960
				_ = k.WriteRTP(p)
			}
		}(i, k)
	}
	wg.Wait()
	for _, k := range sinks {
		_ = k.Close()
	}
	if err := rec.Close(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	cpu, wall := cpuTime(b)-cpu0, time.Since(wall0)
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds()/speakers, "%core/stream")
	var bytes int64
	for _, e := range rec.Manifest().Turns {
		if st, err := os.Stat(filepath.Join(rec.Dir(), e.File)); err == nil {
			bytes += st.Size()
		}
	}
	b.ReportMetric(float64(bytes)/speakers/(float64(b.N)/60), "bytes/min/stream")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
