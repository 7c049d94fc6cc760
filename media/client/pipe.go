package client

import (
	"context"
	"errors"
	"sync"
)

// ErrPipeClosed is returned by a Pipe end once either end is closed.
var ErrPipeClosed = errors.New("client: pipe closed")

// Pipe returns two connected in-process message Conns: what one writes the
// other reads, in order. Closing either end closes both. It is the transport
// of tests that run the SFU and its clients in one process.
func Pipe() (Conn, Conn) {
	ab, ba := make(chan []byte, 1024), make(chan []byte, 1024)
	s := &pipeShared{done: make(chan struct{})}
	return &pipeEnd{in: ba, out: ab, s: s}, &pipeEnd{in: ab, out: ba, s: s}
}

type pipeShared struct {
	once sync.Once
	done chan struct{}
}

type pipeEnd struct {
	in  <-chan []byte
	out chan<- []byte
	s   *pipeShared
}

// ReadMessage returns the next message, delivering what was written before a Close.
func (p *pipeEnd) ReadMessage(ctx context.Context) ([]byte, error) {
	select { // what was written before Close is still delivered
	case b := <-p.in:
		return b, nil
	default:
	}
	select {
	case b := <-p.in:
		return b, nil
	case <-p.s.done:
		return nil, ErrPipeClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// WriteMessage queues a copy of b for the other end.
func (p *pipeEnd) WriteMessage(ctx context.Context, b []byte) error {
	select {
	case <-p.s.done:
		return ErrPipeClosed
	default:
	}
	select {
	case p.out <- append([]byte(nil), b...):
		return nil
	case <-p.s.done:
		return ErrPipeClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes both ends and unblocks pending calls.
func (p *pipeEnd) Close() error {
	p.s.once.Do(func() { close(p.s.done) })
	return nil
}
