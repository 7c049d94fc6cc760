package recording_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3/pkg/media/oggwriter"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/mediafile"
)

// BenchmarkRangeTTFB2h measures the time to first byte of a 64 KiB range request at a random offset of a
// 2-hour Ogg Opus recording (360,000 pages of 80-byte packets, ~39 MB) imported into the media store, read by
// a member through a real HTTP listener on loopback (session lookup, asset lookup, access check, blob open,
// range, first byte). Reported: median and 99th percentile.
func BenchmarkRangeTTFB2h(b *testing.B) {
	f := newFixture(b, nil)
	path := filepath.Join(b.TempDir(), "two-hours.ogg")
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	w, err := oggwriter.NewWith(nopCloser{bw}, 48000, 2)
	if err != nil {
		b.Fatal(err)
	}
	p := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 1}, Payload: make([]byte, 80)}
	for n := 0; n < 2*60*60*50; n++ {
		p.SequenceNumber++
		p.Timestamp += 960
		if err := w.WriteRTP(p); err != nil {
			b.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	st, _ := out.Stat()
	size := st.Size()
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		b.Fatal(err)
	}
	a, err := f.a.Media.Import(context.Background(), mediafile.ImportInput{ID: "rec:bench:1", Purpose: "recording", Mime: "audio/ogg",
		Filename: "two-hours.ogg", Owner: "org:" + f.org, Visibility: []string{"org:" + f.org}, MaxBytes: 1 << 30}, out)
	out.Close()
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = f.a.Serve(ln) }()
	url := "http://" + ln.Addr().String() + a.URL
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(off int64) time.Duration {
		req, _ := http.NewRequest("GET", url, nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: f.member.Cookie})
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, off+64<<10-1))
		var first time.Time
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}))
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || n != 64<<10 {
			b.Fatalf("range: %d, %d bytes", resp.StatusCode, n)
		}
		return first.Sub(start)
	}
	get(0) // warm the connection
	rng := rand.New(rand.NewSource(1))
	ttfb := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ttfb = append(ttfb, get(rng.Int63n(size-64<<10)))
	}
	b.StopTimer()
	sort.Slice(ttfb, func(i, j int) bool { return ttfb[i] < ttfb[j] })
	b.ReportMetric(float64(ttfb[len(ttfb)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(ttfb[len(ttfb)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(size)/1e6, "MB-file")
	_ = f.a.Fiber.Shutdown()
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
