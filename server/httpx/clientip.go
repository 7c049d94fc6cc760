package httpx

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// TrustedProxies decides which address a request comes from. Without trusted proxies it is the TCP peer,
// whatever the headers say. Behind trusted proxies it is the rightmost address of X-Forwarded-For that is not
// itself a trusted proxy: each proxy appends the address it received the request from, so everything to the
// left of the last untrusted hop was written by the client and can be anything (Fiber's c.IP() returns the
// raw header, i.e. the client's choice; with IP validation it returns the leftmost valid one, still the
// client's choice).
type TrustedProxies struct {
	prefixes []netip.Prefix
}

// ParseTrustedProxies reads IPs and CIDRs ("10.0.0.1", "10.0.0.0/8", "::1").
func ParseTrustedProxies(list []string) (*TrustedProxies, error) {
	t := &TrustedProxies{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an IP or CIDR", s)
			}
			t.prefixes = append(t.prefixes, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP or CIDR", s)
		}
		a = a.Unmap()
		t.prefixes = append(t.prefixes, netip.PrefixFrom(a, a.BitLen()))
	}
	return t, nil
}

func (t *TrustedProxies) trusted(a netip.Addr) bool {
	if t == nil {
		return false
	}
	a = a.Unmap()
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP returns the client address of a request that arrived from peer with these X-Forwarded-For header
// values (in the order received). A malformed entry stops the walk: it was written by someone untrusted, so
// the hop to its right (the last one a trusted proxy vouched for) is the answer.
func (t *TrustedProxies) ClientIP(peer netip.Addr, forwardedFor []string) netip.Addr {
	peer = peer.Unmap()
	if !t.trusted(peer) {
		return peer
	}
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return client
		}
		client = a.Unmap()
		if !t.trusted(client) {
			return client
		}
	}
	return client
}

type clientIPKey struct{}

// ClientIPMiddleware works out each request's client address once (see TrustedProxies) for IP and the
// access log.
func ClientIPMiddleware(t *TrustedProxies) fiber.Handler {
	return func(c *fiber.Ctx) error {
		peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
		if !ok {
			peer = netip.IPv4Unspecified()
		}
		var xff []string
		if t != nil && len(t.prefixes) > 0 {
			for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
				xff = append(xff, string(v))
			}
		}
		c.Locals(clientIPKey{}, t.ClientIP(peer, xff).String())
		return c.Next()
	}
}

// IP is the request's client address as ClientIPMiddleware decided it: the key of per-address rate limits
// and the address in the access log. Without the middleware it is the TCP peer.
func IP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(clientIPKey{}).(string); ok {
		return ip
	}
	return c.Context().RemoteIP().String()
}
