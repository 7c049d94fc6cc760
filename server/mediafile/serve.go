package mediafile

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Handlers are the HTTP endpoints of the media store.
type Handlers struct{ svc *Service }

// NewHandlers builds the handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Upload: POST /media?purpose= with a multipart "file" field.
func (h *Handlers) Upload(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return apperr.Validation(apperr.Fields{"file": apperr.Because("multipart_file")})
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("mediafile: open upload: %w", err)
	}
	defer f.Close()
	a, err := h.svc.Upload(c.UserContext(), auth.From(c), c.Query("purpose"), fh.Filename, fh.Header.Get("Content-Type"), f)
	if err != nil {
		return err
	}
	return httpx.Created(c, a)
}

// Info: GET /media/:id/info — metadata, same access rule as the file.
func (h *Handlers) Info(c *fiber.Ctx) error {
	d, err := h.readable(c)
	if err != nil {
		return err
	}
	return httpx.OK(c, d.api())
}

// readable loads the asset of the request's :id if the request may read it: the reader's access, or the
// signed link in ?exp=&sig=. A refusal is errNotFound, as for a missing file. Info and Serve both ask here,
// so the metadata and the bytes cannot disagree on who sees them.
func (h *Handlers) readable(c *fiber.Ctx) (*assetDoc, error) {
	d, err := h.svc.load(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	ok, err := h.svc.canRead(c.UserContext(), d, auth.From(c), c.Query("exp"), c.Query("sig"))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound
	}
	return d, nil
}

// Serve: GET /media/:id — the bytes, with range requests (one range; a multi-range request gets the whole
// file, as RFC 9110 allows), strong ETags and cache headers. Private files need access or a signed link.
func (h *Handlers) Serve(c *fiber.Ctx) error {
	d, err := h.readable(c)
	if err != nil {
		return err
	}
	etag := `"` + d.Hash + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderContentType, d.Mime)
	c.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, strings.ReplaceAll(d.Filename, `"`, "")))
	// Only files anyone may read go to shared caches, and even those are revalidated on every use (a cheap
	// 304 by ETag): a published photo hidden because it shows a face must disappear at once, not in a day. A
	// private file (a pending contribution's photo, a members-only recording, a signed link) is never stored.
	if d.isPublic() && c.Query("sig") == "" {
		c.Set(fiber.HeaderCacheControl, "public, no-cache")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	f, err := h.svc.blobs.Open(d.Hash)
	if err != nil {
		return fmt.Errorf("mediafile: open blob %s: %w", d.Hash, err)
	}
	size := f.Size()
	start, end := int64(0), size-1
	status := fiber.StatusOK
	if rh := c.Get(fiber.HeaderRange); rh != "" && (c.Get(fiber.HeaderIfRange) == "" || c.Get(fiber.HeaderIfRange) == etag) {
		s, e, whole, err := parseRange(rh, size)
		if err != nil {
			f.Close()
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
			return err
		}
		if !whole {
			start, end, status = s, e, fiber.StatusPartialContent
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, end, size))
		}
	}
	c.Status(status)
	if c.Method() == fiber.MethodHead {
		f.Close()
		c.Set(fiber.HeaderContentLength, strconv.FormatInt(end-start+1, 10))
		return nil
	}
	c.Context().SetBodyStream(&closingReader{io.NewSectionReader(f, start, end-start+1), f}, int(end-start+1))
	return nil
}

type closingReader struct {
	io.Reader
	c io.Closer
}

func (r *closingReader) Close() error { return r.c.Close() }

var errRange = &apperr.Error{Kind: apperr.RangeNotSatisfiable, Code: "invalid_range",
	Message: "The Range header is not valid for this file. Use bytes=start-end within the file's size."}

// parseRange reads a "bytes=" range header against a size. whole is true when the request should get the
// whole file (several ranges). An unsatisfiable or malformed range is an error (416).
func parseRange(h string, size int64) (start, end int64, whole bool, err error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !ok {
		return 0, 0, false, rangeErr()
	}
	if strings.Contains(spec, ",") {
		return 0, size - 1, true, nil
	}
	a, b, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return 0, 0, false, rangeErr()
	}
	switch {
	case a == "": // suffix: the last b bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false, rangeErr()
		}
		if n > size {
			n = size
		}
		return size - n, size - 1, false, nil
	default:
		s, err := strconv.ParseInt(a, 10, 64)
		if err != nil || s < 0 || s >= size {
			return 0, 0, false, rangeErr()
		}
		e := size - 1
		if b != "" {
			if e, err = strconv.ParseInt(b, 10, 64); err != nil || e < s {
				return 0, 0, false, rangeErr()
			}
			if e >= size {
				e = size - 1
			}
		}
		return s, e, false, nil
	}
}

func rangeErr() error {
	e := *errRange
	return &e
}
