package httpx

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// SecurityHeaders sets the headers every response carries: a strict CSP (no inline scripts, no framing),
// nosniff and a referrer policy that never leaks private links to other sites.
func SecurityHeaders(csp string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", csp)
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Cross-Origin-Opener-Policy", "same-origin")
		c.Set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=(self)")
		return c.Next()
	}
}

// DefaultCSP allows only the app's own origin, plus extra image sources (e.g. a map tile server).
func DefaultCSP(extraImg ...string) string {
	img := "'self' data: blob:"
	for _, s := range extraImg {
		img += " " + s
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + img +
		"; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';" +
		" form-action 'self'; frame-ancestors 'none'"
}

// Metrics counts requests and their durations by route pattern and status.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg (each server has its own registry, so two servers can run
// in one process).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "teixit_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "teixit_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// AccessLog logs one structured line per request and records its metrics. It runs the error handler itself
// so that the logged status is the one the client gets.
func AccessLog(log *slog.Logger, m *Metrics) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		elapsed := time.Since(start)
		status := c.Response().StatusCode()
		route := c.Route().Path
		if m != nil {
			m.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
			m.duration.WithLabelValues(c.Method(), route).Observe(elapsed.Seconds())
		}
		level := slog.LevelInfo
		switch {
		case status == fiber.StatusServiceUnavailable: // not ready yet (e.g. a first index rebuild): expected
			level = slog.LevelWarn
		case status >= 500:
			level = slog.LevelError
		}
		log.Log(c.UserContext(), level, "http",
			"method", c.Method(), "path", c.Path(), "route", route, "status", status,
			"duration_ms", float64(elapsed.Microseconds())/1000, "bytes", len(c.Response().Body()),
			"ip", IP(c), "request_id", c.GetRespHeader(fiber.HeaderXRequestID))
		return nil
	}
}

// JSONBodyLimit refuses bodies larger than n bytes unless they are multipart uploads (which have their own,
// larger limit in the server config and a per-purpose limit in the media store).
func JSONBodyLimit(n int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Body()) > n && !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}
