package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/client"
	"github.com/teixit/teixit/media/signal"
)

type loadConfig struct {
	addr      string
	pid       int
	listeners int
	duration  time.Duration
	rate      int
	parallel  int
}

// payload layout: tag 'S', counter uint32, send time unix nanos int64,
// padded to 80 bytes (20 ms of 32 kb/s Opus).
const payloadSize = 80

// listener records what one peer received, indexed by counter; only its own
// track goroutine writes, and results are read after Close.
type listener struct {
	c       *client.Client
	first   atomic.Int64 // unix nanos of the first speaker packet
	latency []int32      // µs per counter; 0 = not received
	ready   chan string  // participant id once welcomed
	ended   chan struct{}
}

func newListener(maxCount int) *listener {
	return &listener{latency: make([]int32, maxCount), ready: make(chan string, 1), ended: make(chan struct{})}
}

func (l *listener) onRTP(_ *webrtc.TrackRemote, p *rtp.Packet) {
	if len(p.Payload) < 13 || p.Payload[0] != 'S' {
		return
	}
	now := time.Now().UnixNano()
	l.first.CompareAndSwap(0, now)
	n := binary.BigEndian.Uint32(p.Payload[1:])
	sent := int64(binary.BigEndian.Uint64(p.Payload[5:]))
	if int(n) < len(l.latency) {
		us := int32((now - sent) / 1000)
		if us < 1 {
			us = 1
		}
		l.latency[n] = us
	}
}

func (l *listener) onMessage(m signal.Message) {
	if m.Type == signal.TypeWelcome {
		l.ready <- m.Payload.(*signal.Welcome).You
	}
}

// join connects one participant and waits for its welcome and ICE.
func join(ctx context.Context, addr, role string, audioOnly, publish bool, l *listener) (string, error) {
	fc, err := dial(addr, role)
	if err != nil {
		return "", err
	}
	c, err := client.New(ctx, fc, client.Config{Join: signal.Join{AudioOnly: audioOnly}, Publish: publish,
		OnMessage: l.onMessage, OnRTP: l.onRTP})
	if err != nil {
		return "", err
	}
	l.c = c
	go func() {
		_ = c.Run(ctx)
		close(l.ended)
	}()
	var id string
	select {
	case id = <-l.ready:
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("%s: no welcome", role)
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.PC().ConnectionState() != webrtc.PeerConnectionStateConnected {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s: not connected: %s", role, c.PC().ConnectionState())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return id, nil
}

type result struct {
	cfg                   loadConfig
	joinTime              time.Duration
	baseRSS, rssAfterJoin int64
	rssEnd                int64
	cpu                   time.Duration
	window                time.Duration
	sent                  int
	grant                 []time.Duration // per listener: grant sent → first packet
	lossPct               []float64       // per listener
	latencies             []int32         // µs, pooled over listeners
	forwarded             int64
	slow                  map[uint32]int // late packets by counter, for SFULOAD_DEBUG
	loadStart, loadEnd    string         // /proc/loadavg: the machine is shared
	toolCPU               time.Duration  // this process during the window
	sys                   time.Duration  // kernel share of the SFU's CPU
}

func run(ctx context.Context, cfg loadConfig) (*result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := &result{cfg: cfg, slow: map[uint32]int{}}
	_, res.baseRSS, _ = procStats(cfg.pid)
	maxCount := cfg.rate*int(cfg.duration/time.Second+10) + 1000

	hostL := newListener(0)
	if _, err := join(ctx, cfg.addr, "host", true, false, hostL); err != nil {
		return nil, err
	}
	speaker := newListener(0)
	speakerID, err := join(ctx, cfg.addr, "listener", true, true, speaker)
	if err != nil {
		return nil, err
	}
	ls := make([]*listener, cfg.listeners)
	start := time.Now()
	sem := make(chan struct{}, cfg.parallel)
	errs := make(chan error, cfg.listeners)
	var wg sync.WaitGroup
	for i := range ls {
		ls[i] = newListener(maxCount)
		wg.Add(1)
		sem <- struct{}{}
		go func(l *listener) {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := join(ctx, cfg.addr, "listener", true, false, l); err != nil {
				errs <- err
			}
		}(ls[i])
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	res.joinTime = time.Since(start)
	time.Sleep(time.Second)
	_, res.rssAfterJoin, _ = procStats(cfg.pid)

	// The speaker sends from now on; nothing is forwarded until the floor.
	var counter atomic.Uint32
	stopSend := make(chan struct{})
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		t := time.NewTicker(time.Second / time.Duration(cfg.rate))
		defer t.Stop()
		buf := make([]byte, payloadSize)
		buf[0] = 'S'
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111}, Payload: buf}
		for {
			select {
			case <-stopSend:
				return
			case <-t.C:
			}
			n := counter.Add(1)
			if int(n) >= maxCount {
				return
			}
			binary.BigEndian.PutUint32(buf[1:], n)
			binary.BigEndian.PutUint64(buf[5:], uint64(time.Now().UnixNano()))
			pkt.SequenceNumber = uint16(n)
			pkt.Timestamp = n * 960
			_ = speaker.c.Audio().WriteRTP(pkt)
		}
	}()
	time.Sleep(500 * time.Millisecond)
	grantAt := time.Now().UnixNano()
	if err := hostL.c.Send(ctx, signal.TypeGrantFloor, "g", &signal.Target{ParticipantID: speakerID}); err != nil {
		return nil, err
	}
	time.Sleep(2 * time.Second)
	for _, l := range ls {
		if f := l.first.Load(); f > 0 {
			res.grant = append(res.grant, time.Duration(f-grantAt))
		}
	}

	res.loadStart = loadavg()
	c0 := counter.Load() + 1
	cpu0, sys0, _, _ := procStatsSplit(cfg.pid)
	self0, _, _ := procStats(os.Getpid())
	t0 := time.Now()
	time.Sleep(cfg.duration)
	c1 := counter.Load()
	cpu1, sys1, rss, _ := procStatsSplit(cfg.pid)
	res.sys = sys1 - sys0
	self1, _, _ := procStats(os.Getpid())
	res.toolCPU = self1 - self0
	res.window = time.Since(t0)
	res.loadEnd = loadavg()
	res.cpu, res.rssEnd = cpu1-cpu0, rss
	time.Sleep(time.Second) // let the last packets arrive
	close(stopSend)
	<-sendDone

	for _, l := range append([]*listener{hostL, speaker}, ls...) {
		_ = l.c.Close()
	}
	res.sent = int(c1 - c0 + 1)
	for _, l := range ls {
		got := 0
		for n := c0; n <= c1 && int(n) < len(l.latency); n++ {
			if us := l.latency[n]; us > 0 {
				got++
				res.latencies = append(res.latencies, us)
			}
		}
		res.forwarded += int64(got)
		if os.Getenv("SFULOAD_DEBUG") != "" {
			for n := c0; n <= c1 && int(n) < len(l.latency); n++ {
				if l.latency[n] > 50000 {
					res.slow[n-c0]++
				}
			}
		}
		res.lossPct = append(res.lossPct, 100*float64(res.sent-got)/float64(res.sent))
	}
	return res, nil
}

func (r *result) debug(w io.Writer) {
	keys := make([]uint32, 0, len(r.slow))
	for k := range r.slow {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "late: packet %d (t=%.2fs) at %d listeners\n", k, float64(k)/float64(r.cfg.rate), r.slow[k])
	}
}

func pct[T int32 | float64 | time.Duration](xs []T, p float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

func (r *result) print(w io.Writer) {
	n := r.cfg.listeners
	fmt.Fprintf(w, "listeners            %d (audio-only), speaker at %d packets/s, window %s\n", n, r.cfg.rate, r.window.Round(time.Millisecond))
	fmt.Fprintf(w, "machine load         %s at start, %s at end (2 cores, shared)\n", r.loadStart, r.loadEnd)
	fmt.Fprintf(w, "join                 %s for all listeners (%d in parallel)\n", r.joinTime.Round(time.Millisecond), r.cfg.parallel)
	fmt.Fprintf(w, "grant→first packet   p50 %s  p99 %s  max %s  (%d/%d listeners)\n",
		pct(r.grant, .5).Round(time.Millisecond), pct(r.grant, .99).Round(time.Millisecond), pct(r.grant, 1).Round(time.Millisecond), len(r.grant), n)
	fmt.Fprintf(w, "loss per listener    mean %.3f%%  p99 %.3f%%  max %.3f%%  (%d packets sent in window)\n",
		mean(r.lossPct), pct(r.lossPct, .99), pct(r.lossPct, 1), r.sent)
	fmt.Fprintf(w, "added latency        p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		float64(pct(r.latencies, .5))/1000, float64(pct(r.latencies, .99))/1000, float64(pct(r.latencies, 1))/1000)
	if r.cfg.pid > 0 && r.window > 0 {
		fwd := r.forwarded
		if fwd == 0 {
			fwd = 1
		}
		fmt.Fprintf(w, "SFU CPU              %.1f%% of one core, %.2f µs per forwarded packet (%d forwarded), %.0f%% of it in the kernel\n",
			100*r.cpu.Seconds()/r.window.Seconds(), float64(r.cpu.Microseconds())/float64(fwd), r.forwarded, 100*r.sys.Seconds()/max(r.cpu.Seconds(), 1e-9))
		fmt.Fprintf(w, "tool CPU             %.1f%% of one core (near 100%% means latency figures are the tool's, not the SFU's)\n",
			100*r.toolCPU.Seconds()/r.window.Seconds())
		fmt.Fprintf(w, "SFU RSS              %.1f MB idle, %.1f MB joined, %.1f MB end; %.3f MB per listener\n",
			float64(r.baseRSS)/1024, float64(r.rssAfterJoin)/1024, float64(r.rssEnd)/1024,
			float64(r.rssAfterJoin-r.baseRSS)/1024/float64(n))
	}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
