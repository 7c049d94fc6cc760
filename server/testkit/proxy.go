package testkit

import (
	"context"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/store"
)

// Proxy forwards TCP to a target (the store, in tests of what happens when it stops answering). Paused, it
// accepts no new connection and moves no byte on open ones, as a frozen store machine or a cut network would;
// resumed, it carries on where it stopped.
type Proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	paused bool
	resume chan struct{}
	conns  map[net.Conn]bool
}

// NewProxy listens on a free loopback port and forwards to target (host:port) until Close.
func NewProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, resume: make(chan struct{}), conns: map[net.Conn]bool{}}
	close(p.resume)
	go p.serve()
	return p, nil
}

// ProxiedStore opens another client on st's database that reaches the store through a Proxy the test
// controls (both closed when the test ends): a node whose link to the store can be frozen alone.
func ProxiedStore(t testing.TB, st *store.Store) (*store.Store, *Proxy) {
	t.Helper()
	uri := st.URI()
	if uri == "" {
		uri = os.Getenv("TEIXIT_TEST_MONGODB_URI")
	}
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		t.Fatalf("testkit: no store address to proxy (%q)", uri)
	}
	px, err := NewProxy(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(px.Close)
	u.Host = px.Addr()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := store.Open(ctx, store.Options{URI: u.String(), Database: st.DB.Name(), Logger: Quiet()})
	if err != nil {
		t.Fatalf("testkit: proxied store: %v", err)
	}
	t.Cleanup(func() {
		px.Resume()
		_ = o.Close(context.Background())
	})
	return o, px
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

func (p *Proxy) gate() {
	p.mu.Lock()
	ch := p.resume
	p.mu.Unlock()
	<-ch
}

// Pause freezes the proxy: no new connection, no byte moved.
func (p *Proxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused, p.resume = true, make(chan struct{})
	}
}

// Resume lets everything through again.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resume)
	}
}

func (p *Proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			p.gate()
			out, err := net.DialTimeout("tcp", p.target, 5*time.Second)
			if err != nil {
				in.Close()
				return
			}
			p.track(in, out)
			go p.pipe(out, in)
			p.pipe(in, out)
		}()
	}
}

func (p *Proxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = true
	}
}

func (p *Proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.gate()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Close stops listening and closes every forwarded connection.
func (p *Proxy) Close() {
	p.Resume()
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
}
