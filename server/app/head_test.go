package app_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// HEAD answers wherever GET does, with the same status and headers and no body, through the same access
// checks; a percent-encoded id is decoded once (issue #15 point 8).
func TestHeadAndPercentEncodedIDs(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana.head@example.org", "Ana")
	bea := a.Register("bea.head@example.org", "Bea")

	get := a.Do(nil, "GET", "/api/v1/organisations", nil)
	head := a.Do(nil, "HEAD", "/api/v1/organisations", nil)
	if get.Status != 200 || head.Status != 200 || len(head.Body) != 0 || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
		t.Fatalf("HEAD on a public list: %d %q %q (GET %d)", head.Status, head.Header.Get("Content-Type"), head.Body, get.Status)
	}
	if r := a.Do(nil, "HEAD", "/api/v1/me/sessions", nil); r.Status != 401 || len(r.Body) != 0 {
		t.Fatalf("HEAD without a session: %d %q", r.Status, r.Body)
	}
	if r := a.Do(nil, "HEAD", "/api/v1/nothing-here", nil); r.Status != 404 {
		t.Fatalf("HEAD on no route: %d", r.Status)
	}

	// A private file: its owner may HEAD it; another user and anonymous get the same refusal as GET.
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile("file", "note.txt")
	_, _ = part.Write([]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"))
	_ = w.Close()
	up := a.Do(ana, "POST", "/api/v1/media?purpose=attachment", b.Bytes(), "Content-Type", w.FormDataContentType())
	var asset struct{ ID, URL string }
	if up.Status != 201 {
		t.Fatalf("upload for the media HEAD check: %d %s", up.Status, up.Body)
	}
	up.JSON(t, &asset)
	owner := a.Do(ana, "HEAD", asset.URL, nil)
	if owner.Status != 200 || len(owner.Body) != 0 || owner.Header.Get("Content-Length") == "" {
		t.Fatalf("owner HEAD: %d %v", owner.Status, owner.Header)
	}
	for name, c := range map[string]*testkit.Client{"another user": bea, "anonymous": nil} {
		g, h := a.Do(c, "GET", asset.URL, nil), a.Do(c, "HEAD", asset.URL, nil)
		if h.Status != g.Status || g.Status < 400 || len(h.Body) != 0 || !strings.Contains(string(g.Body), `"code"`) {
			t.Fatalf("%s: HEAD %d, GET %d %s", name, h.Status, g.Status, g.Body)
		}
	}

	// Percent-encoded id: the same file; encoded twice: not decoded a second time.
	var enc strings.Builder
	for _, r := range asset.ID {
		enc.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[r>>4])) + strings.ToUpper(string("0123456789abcdef"[r&15])))
	}
	if r := a.Do(ana, "GET", "/api/v1/media/"+enc.String()+"/info", nil); r.Status != 200 || !strings.Contains(string(r.Body), asset.ID) {
		t.Fatalf("percent-encoded id: %d %s", r.Status, r.Body)
	}
	twice := "/api/v1/media/" + strings.ReplaceAll(enc.String(), "%", "%25") + "/info"
	if r := a.Do(ana, "GET", twice, nil); r.Status != 404 {
		t.Fatalf("doubly encoded id decoded twice: %d %s", r.Status, r.Body)
	}
}

// /metrics says how far this node's index is behind the outbox and how many changes the outbox holds.
func TestIndexLagAndOutboxMetrics(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana.lag@example.org", "Ana")
	if r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal del Poble-sec", "kind": "association"}); r.Status != 201 {
		t.Fatalf("organisation: %d %s", r.Status, r.Body)
	}
	if err := a.ReadModel.WaitIndexed(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := string(a.Do(nil, "GET", "/metrics", nil).Body)
	if !strings.Contains(m, "\nteixit_index_lag_changes 0\n") {
		t.Fatalf("index lag after the index caught up:\n%s", grepLines(m, "teixit_index"))
	}
	backlog := regexp.MustCompile(`\nteixit_outbox_backlog_changes (\d+)\n`).FindStringSubmatch(m)
	if backlog == nil || backlog[1] == "0" {
		t.Fatalf("outbox backlog after a write:\n%s", grepLines(m, "teixit_outbox"))
	}
	for _, name := range []string{"teixit_live_packets_withheld_total", "teixit_live_packets_dropped_total"} {
		if !strings.Contains(m, "\n"+name+" ") {
			t.Errorf("%s missing from /metrics", name)
		}
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
