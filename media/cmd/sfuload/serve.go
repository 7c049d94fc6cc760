package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/sfu"
)

// serveSFU is the child process: an SFU on loopback plus a TCP listener for
// signalling. The first line of each TCP connection names the role.
func serveSFU() error {
	s, err := sfu.NewSFU(sfu.Config{UDPAddr: "127.0.0.1", Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("READY %s\n", ln.Addr())
	if p := os.Getenv("SFULOAD_CPUPROF"); p != "" {
		// profile seconds 10 to 20 of the child's life: the steady state of
		// a run with -duration ≥ 15s
		go func() {
			time.Sleep(10 * time.Second)
			f, err := os.Create(p)
			if err != nil {
				return
			}
			_ = pprof.StartCPUProfile(f)
			time.Sleep(10 * time.Second)
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	if os.Getenv("SFULOAD_DEBUG") != "" {
		go func() {
			for range time.Tick(5 * time.Second) {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if p := os.Getenv("SFULOAD_HEAPPROF"); p != "" {
					if f, err := os.Create(p); err == nil {
						_ = pprof.WriteHeapProfile(f)
						_ = f.Close()
					}
				}
				fmt.Fprintf(os.Stderr, "sfu: goroutines %d, heap in use %.1f MB, stacks %.1f MB, GC cycles %d\n",
					runtime.NumGoroutine(), float64(ms.HeapInuse)/1e6, float64(ms.StackInuse)/1e6, ms.NumGC)
			}
		}()
	}
	rc := sfu.RoomConfig{Questions: 3}
	for i := 0; ; i++ {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go func(c net.Conn, i int) {
			r := bufio.NewReader(c)
			line, err := r.ReadString('\n')
			if err != nil {
				_ = c.Close()
				return
			}
			role := room.Role(line[:len(line)-1])
			fc := &frameConn{c: c, r: r}
			info := sfu.ParticipantInfo{UserID: fmt.Sprint("u", i), DisplayName: fmt.Sprint(role, i), Role: role}
			_ = s.Serve(context.Background(), "load", rc, info, fc)
		}(c, i)
	}
}
