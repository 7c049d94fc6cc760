package client

import (
	"context"
	"net/http"
	"sync"

	"github.com/fasthttp/websocket"
)

// DialWebSocket opens a signalling WebSocket to url (ws:// or wss://) with the given request header (the
// session cookie and the Origin a browser would send) and returns it as a Conn. On refusal status is the
// server's HTTP answer (0 when none came).
func DialWebSocket(ctx context.Context, url string, header http.Header) (conn Conn, status int, err error) {
	c, resp, err := websocket.DefaultDialer.DialContext(ctx, url, header)
	if err != nil {
		if resp != nil {
			status = resp.StatusCode
		}
		return nil, status, err
	}
	return &wsConn{c: c}, 0, nil
}

// wsConn is a client WebSocket as a Conn: one writer at a time, as the socket requires.
type wsConn struct {
	c  *websocket.Conn
	mu sync.Mutex
}

func (w *wsConn) ReadMessage(context.Context) ([]byte, error) {
	_, b, err := w.c.ReadMessage()
	return b, err
}

func (w *wsConn) WriteMessage(_ context.Context, b []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.c.WriteMessage(websocket.TextMessage, b)
}

func (w *wsConn) Close() error { return w.c.Close() }
