package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// frameConn carries signalling messages over TCP with a 4-byte length
// prefix: enough for the load tool's two processes, no WebSocket dependency.
// It implements both sfu.Conn and client.Conn.
type frameConn struct {
	c   net.Conn
	r   *bufio.Reader
	wmu sync.Mutex
}

const maxFrame = 1 << 20

func newFrameConn(c net.Conn) *frameConn { return &frameConn{c: c, r: bufio.NewReader(c)} }

// ReadMessage reads one frame; cancelling ctx closes the connection.
func (f *frameConn) ReadMessage(ctx context.Context) ([]byte, error) {
	stop := context.AfterFunc(ctx, func() { _ = f.c.Close() })
	defer stop()
	var hdr [4]byte
	if _, err := io.ReadFull(f.r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, errors.New("frame too large")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(f.r, b); err != nil {
		return nil, err
	}
	return b, nil
}

// WriteMessage writes one frame atomically.
func (f *frameConn) WriteMessage(ctx context.Context, b []byte) error {
	if len(b) > maxFrame {
		return fmt.Errorf("frame of %d bytes too large", len(b))
	}
	f.wmu.Lock()
	defer f.wmu.Unlock()
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	_, err := f.c.Write(buf)
	return err
}

// Close closes the TCP connection.
func (f *frameConn) Close() error { return f.c.Close() }
