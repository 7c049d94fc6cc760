package readmodel

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// WrittenCookie carries, in a browser, the outbox sequence of the last change the person made. Any node that
// answers their next read first waits until its own index has taken that change (Consistent): a person sees
// their own writes on every node, not only on the one that took them, so kept lists and records can be
// served from memory. The value is a number only (no personal data); it lives a minute, well past the few
// hundred milliseconds another node takes to follow the outbox.
const WrittenCookie = "teixit_written"

// writtenFor is how long the cookie is kept.
const writtenFor = time.Minute

type writtenKey struct{}

// written collects the highest sequence a request's writes were given (Changed notes them).
type written struct{ seq atomic.Uint64 }

func (w *written) note(seq uint64) {
	for {
		cur := w.seq.Load()
		if seq <= cur || w.seq.CompareAndSwap(cur, seq) {
			return
		}
	}
}

func writtenFrom(ctx context.Context) *written {
	w, _ := ctx.Value(writtenKey{}).(*written)
	return w
}

// Consistent is the API's middleware for read-your-writes across nodes. A read (GET, HEAD) that brings
// WrittenCookie waits, at most ReadWait, until this node's index has taken that change; a request whose
// writes went through Changed answers with the cookie set to their sequence. A wait that runs out (a node far
// behind, or a cookie from another store) drops the cookie, so a person waits at most once. Requests without
// the cookie (anonymous readers, integrations with tokens) pay nothing and read what the node's index has.
func (rm *ReadModel) Consistent(secure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		had, err := strconv.ParseUint(c.Cookies(WrittenCookie), 10, 64)
		if err != nil {
			had = 0 // none, or not a sequence: nothing to wait for
		}
		if had > 0 && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
			if err := rm.caughtUp(c.UserContext(), had); errors.Is(err, context.DeadlineExceeded) {
				c.Cookie(&fiber.Cookie{Name: WrittenCookie, Path: "/", Expires: time.Unix(1, 0), MaxAge: -1,
					HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure || c.Protocol() == "https"})
				had = 0 // a write of this request sets it again
			}
		}
		w := &written{}
		c.SetUserContext(context.WithValue(c.UserContext(), writtenKey{}, w))
		err = c.Next()
		if seq := w.seq.Load(); seq > had {
			c.Cookie(&fiber.Cookie{Name: WrittenCookie, Value: strconv.FormatUint(seq, 10), Path: "/",
				MaxAge: int(writtenFor / time.Second), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
				Secure: secure || c.Protocol() == "https"})
		}
		return err
	}
}

// caughtUp waits, at most ReadWait, until the local index has taken the change numbered seq.
func (rm *ReadModel) caughtUp(ctx context.Context, seq uint64) error {
	if rm.indexer == nil || !rm.started || rm.indexer.Indexed(seq) {
		return nil
	}
	rm.indexer.Notify() // read the outbox now rather than at the next tick
	ctx, cancel := context.WithTimeout(ctx, rm.opts.ReadWait)
	defer cancel()
	return rm.indexer.WaitFor(ctx, seq)
}
