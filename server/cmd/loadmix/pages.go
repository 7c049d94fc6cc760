package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/teixit/teixit/server/cmd/internal/loadgen"
)

// page is one route measured alone by pagesRun.
type page struct {
	name, path string
	as         *session // nil: anonymous
}

// pagesRun measures each page where people wait, alone, over conns keep-alive connections for d, side by
// side in the same run with a bare Fiber process answering a constant JSON body as large as the list's (the
// ceiling). The resident may read nothing beyond what is public; the organiser (an organisation's admin) has
// members-only records and drafts in reach. For each: requests per second, p50 and p99 as the client saw them, and the answering process's
// CPU per request (user + system from /proc, so the embedded store and the indexer are included).
func (e *evening) pagesRun(pid int, resident, organiser *session, conns int, d time.Duration) {
	list := "/api/v1/diagnoses/" + e.diag + "/contributions"
	size := len(e.do(nil, "size", "GET", list, nil, 200))
	ceiling, cbase, err := loadgen.StartCeiling("-constant-size", strconv.Itoa(size))
	check(err)
	defer loadgen.Stop(ceiling)

	fmt.Printf("\n%d connections, %v per page; CPU is the answering process's per request\n", conns, d)
	fmt.Printf("%-34s %9s %9s %9s %12s %7s\n", "page", "req/s", "p50", "p99", "CPU/request", "errors")
	e.pageLoad("fiber constant JSON (ceiling)", cbase+"/c", nil, ceiling.Process.Pid, conns, d)
	for _, p := range []page{
		{"contributions list", list, nil},
		{"contributions list, signed in", list, resident},
		{"list by supports, one kind", list + "?kind=need&sort=-supports", nil},
		{"search", "/api/v1/search?q=habitatge", nil},
		{"search, signed in", "/api/v1/search?q=habitatge", resident},
		{"search, an organiser", "/api/v1/search?q=habitatge", organiser},
		{"search with a theme", "/api/v1/search?q=barri&theme=housing", nil},
		{"dashboard", "/api/v1/diagnoses/" + e.diag + "/dashboard", nil},
	} {
		e.pageLoad(p.name, e.base+p.path, p.as, pid, conns, d)
	}
	fmt.Printf("\nmachine: %d CPUs, load average at the end %s\n", numCPU(), loadavg())
}

// pageLoad requests url over conns connections for d and prints one line.
func (e *evening) pageLoad(name, url string, as *session, pid, conns int, d time.Duration) {
	cpu0, _ := procStats(pid)
	r := loadgen.Run(conns, d, func(int) *http.Request {
		req := loadgen.Get(url)
		if as != nil {
			req.Header.Set("Cookie", "teixit_session="+as.cookie)
		}
		return req
	})
	cpu1, _ := procStats(pid)
	fmt.Printf("%-34s %9.0f %9v %9v %9.3f ms %7d\n", name, r.PerSecond(d), r.P50, r.P99,
		float64(cpu1-cpu0)/float64(time.Millisecond)/float64(max(r.Requests, 1)), r.Errors)
}

// serveConstant is the ceiling's process: a constant JSON body of size bytes.
func serveConstant(addr string, size int) {
	check(loadgen.ServeConstant(addr, "/c", map[string]string{"items": strings.Repeat("x", max(size-12, 0))}))
}
