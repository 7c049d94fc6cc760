package httpx_test

import (
	"net/netip"
	"testing"

	"github.com/teixit/teixit/server/httpx"
)

func TestClientIP(t *testing.T) {
	none, err := httpx.ParseTrustedProxies(nil)
	if err != nil {
		t.Fatal(err)
	}
	proxies, err := httpx.ParseTrustedProxies([]string{"127.0.0.1", "10.0.0.0/8", " ::1 ", ""})
	if err != nil {
		t.Fatal(err)
	}
	peer := netip.MustParseAddr("127.0.0.1")
	stranger := netip.MustParseAddr("203.0.113.9")
	cases := []struct {
		name string
		t    *httpx.TrustedProxies
		peer netip.Addr
		xff  []string
		want string
	}{
		{"no trusted proxy: headers ignored", none, peer, []string{"1.2.3.4"}, "127.0.0.1"},
		{"untrusted peer: headers ignored", proxies, stranger, []string{"1.2.3.4"}, "203.0.113.9"},
		{"trusted peer, one hop", proxies, peer, []string{"198.51.100.7"}, "198.51.100.7"},
		{"client-chosen prefix ignored", proxies, peer, []string{"6.6.6.6, 7.7.7.7, 198.51.100.7"}, "198.51.100.7"},
		{"trusted hops skipped", proxies, peer, []string{"6.6.6.6, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"several header lines", proxies, peer, []string{"6.6.6.6", "198.51.100.7, 10.0.0.2"}, "198.51.100.7"},
		{"garbage left of the last hop", proxies, peer, []string{"<script>, 198.51.100.7"}, "198.51.100.7"},
		{"garbage as the last hop: the proxy's peer", proxies, peer, []string{"198.51.100.7, not-an-ip"}, "127.0.0.1"},
		{"no header: the proxy itself", proxies, peer, nil, "127.0.0.1"},
		{"all hops trusted: leftmost", proxies, peer, []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
		{"ipv6 client", proxies, netip.MustParseAddr("::1"), []string{"2001:db8::1"}, "2001:db8::1"},
		{"v4-mapped peer is trusted", proxies, netip.MustParseAddr("::ffff:127.0.0.1"), []string{"198.51.100.7"}, "198.51.100.7"},
		{"empty entries", proxies, peer, []string{" , "}, "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.t.ClientIP(c.peer, c.xff).String(); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.org", "1.2.3"} {
		if _, err := httpx.ParseTrustedProxies([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzClientIP(f *testing.F) {
	proxies, _ := httpx.ParseTrustedProxies([]string{"127.0.0.1", "10.0.0.0/8"})
	for _, s := range []string{"1.2.3.4", "1.2.3.4, 10.0.0.1", ",,,", "::1, [::1]", "\x00, 1.1.1.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, xff string) {
		got := proxies.ClientIP(netip.MustParseAddr("127.0.0.1"), []string{xff})
		if !got.IsValid() {
			t.Fatalf("invalid address for %q", xff)
		}
	})
}
