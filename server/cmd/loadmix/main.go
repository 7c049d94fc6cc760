// Command loadmix drives a neighbourhood's busy evening against the real `teixit serve` binary on the embedded
// store, for minutes, and says whether it held: anonymous people opening a diagnosis's contributions list, its
// map, its dashboard and searching; signed-in residents supporting, withdrawing supports and contributing; and
// one live exchange-day session running through the server's own SFU (a host speaking, participants
// listening). It reports per route the requests, errors, p50 and p99; the server's RSS and goroutines sampled
// every 10 s (flat or growing); its CPU per request; and the live session's packets delivered and lost.
//
//	go build -o bin/teixit ./server && go run ./server/cmd/loadmix -bin bin/teixit -d 10m
//
// With -pages 15s it measures instead each page where people wait alone, over -c connections, beside a bare
// Fiber process answering a constant body of the list's size (the ceiling), with CPU per request.
//
// Results are written up in docs/performance.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/cmd/internal/loadgen"
	"github.com/teixit/teixit/server/store"
)

func main() {
	bin := flag.String("bin", "bin/teixit", "teixit binary")
	dur := flag.Duration("d", 10*time.Minute, "how long the evening lasts")
	readers := flag.Int("readers", 6, "anonymous readers, each requesting without pause")
	residents := flag.Int("residents", 2, "signed-in residents, each acting every -pause")
	pause := flag.Duration("pause", 500*time.Millisecond, "a resident's pause between actions")
	contributions := flag.Int("contributions", 5000, "contributions stored in the demo diagnosis before the evening")
	listeners := flag.Int("listeners", 4, "participants listening to the live session (demo accounts: at most 4)")
	pages := flag.Duration("pages", 0, "instead of the evening: each page alone for this long over -c connections, beside a bare Fiber ceiling")
	conns := flag.Int("c", 8, "connections per page (-pages)")
	constant := flag.String("constant-server", "", "internal: the ceiling's process, on this address")
	constantSize := flag.Int("constant-size", 0, "internal: the ceiling's body size")
	flag.Parse()
	if *constant != "" {
		serveConstant(*constant, *constantSize)
		return
	}

	dir, err := os.MkdirTemp("", "teixit-loadmix-")
	check(err)
	defer os.RemoveAll(dir)
	accounts := seed(*bin, dir)
	fill(dir, *contributions)
	srv, base, err := loadgen.StartServer(*bin, dir)
	check(err)
	defer loadgen.Stop(srv)
	onFatal = func() { loadgen.Stop(srv); os.RemoveAll(dir) }
	start := time.Now()
	check(loadgen.WaitReady(base))
	fmt.Printf("server ready over the demo data + %d contributions in %v (index rebuilt)\n", *contributions, time.Since(start).Round(time.Millisecond))

	e := &evening{base: base, client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64}}, stats: map[string]*route{}}
	e.diag = e.firstDiagnosis()
	var territory struct{ TerritoryID string }
	e.getJSON(nil, "/api/v1/diagnoses/"+e.diag, &territory)
	e.territory = territory.TerritoryID
	e.ids = e.contributionIDs()
	fmt.Printf("diagnosis %s, %d contributions listed for supports\n", e.diag, len(e.ids))
	if *pages > 0 {
		e.pagesRun(srv.Process.Pid, e.login("pilar@example.org", accounts["pilar@example.org"]),
			e.login("montse@example.org", accounts["montse@example.org"]), *conns, *pages)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	live := startLive(ctx, e, accounts, *listeners)

	var wg sync.WaitGroup
	for i := range *readers {
		wg.Add(1)
		go func() { defer wg.Done(); e.reader(ctx, i) }()
	}
	people := []string{"pilar@example.org", "lucia@example.org", "giulia@example.org", "jordi@example.org"}
	for i := range min(*residents, len(people)) {
		s := e.login(people[i], accounts[people[i]])
		wg.Add(1)
		go func() { defer wg.Done(); e.resident(ctx, s, *pause) }()
	}
	samples := sample(ctx, e, srv.Process.Pid)
	wg.Wait()
	live.stop()
	e.report(samples, live, *dur)
}

// seed loads the demo data with the binary and returns the demo accounts' passwords by email.
func seed(bin, dir string) map[string]string {
	cmd := exec.Command(bin, "seed")
	addr, err := loadgen.FreeAddr()
	check(err)
	cmd.Env = loadgen.ServerEnv(dir, addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		fatalf("seed: %v\n%s", err, out)
	}
	accounts := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && strings.Contains(f[len(f)-2], "@") {
			accounts[f[len(f)-2]] = f[len(f)-1]
		}
	}
	return accounts
}

// fill adds n published contributions to the demo diagnosis directly in the store (as a store populated by
// an earlier evening would hold them); the server rebuilds its index over them at start.
func fill(dir string, n int) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: dir, Database: "teixit"})
	check(err)
	check(s.Migrate(ctx, app.Migrations()))
	var diag struct {
		ID string `bson:"_id"`
	}
	check(s.C("diagnoses").FindOne(ctx, bson.M{"phase": "gathering"}).Decode(&diag))
	kinds := []string{"need", "asset", "proposal"}
	themes := []string{"housing", "digital_divide", "ageing", "youth", "public_space", "health", "employment", "education"}
	now := time.Now().UTC()
	batch := make([]any, 0, 500)
	for i := range n {
		at := now.Add(-time.Duration(n-i) * time.Minute)
		batch = append(batch, bson.M{"_id": store.NewID(), "diagnosisId": diag.ID, "kind": kinds[i%3], "theme": themes[i%len(themes)],
			"language": "ca", "text": fmt.Sprintf("Aportació %d: al barri calen més places, habitatge assequible i ajuda amb els tràmits digitals.", i),
			"status": "published", "supports": i % 37, "reports": 0, "reportsSeen": 0, "findingIds": bson.A{},
			"authorId": "loadmix", "createdAt": at, "updatedAt": at})
		if len(batch) == cap(batch) || i == n-1 {
			_, err := s.C("diagnosis_contributions").InsertMany(ctx, batch)
			check(err)
			batch = batch[:0]
		}
	}
	check(s.Close(ctx))
	// The seed built the index; without it, the server finds records and no index, and rebuilds it from all.
	check(os.RemoveAll(filepath.Join(dir, "index")))
}

// evening holds what the simulated people share: the server, the diagnosis and per-route figures.
type evening struct {
	base      string
	client    *http.Client
	diag      string
	territory string
	ids       []string
	mu        sync.Mutex
	stats     map[string]*route
	requests  atomic.Int64
}

type route struct {
	lat    []time.Duration
	errors int
	first  string // the first unexpected answer, to say what went wrong
}

// session is a signed-in person: the session cookie and the CSRF token writes carry.
type session struct{ cookie, csrf string }

func (e *evening) do(s *session, name, method, path string, body any, want int) []byte {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		check(err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	check(err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s != nil {
		req.Header.Set("Cookie", "teixit_session="+s.cookie)
		req.Header.Set("X-CSRF-Token", s.csrf)
		req.Header.Set("Origin", e.base)
	}
	t0 := time.Now()
	resp, err := e.client.Do(req)
	var out []byte
	status := 0
	if err == nil {
		out, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	d := time.Since(t0)
	e.requests.Add(1)
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.stats[name]
	if r == nil {
		r = &route{}
		e.stats[name] = r
	}
	r.lat = append(r.lat, d)
	if err != nil || status != want {
		r.errors++
		if r.first == "" {
			r.first = fmt.Sprintf("%d %v %.200s", status, err, out)
		}
		return nil
	}
	return out
}

func (e *evening) getJSON(s *session, path string, into any) {
	req, err := http.NewRequest("GET", e.base+path, nil)
	check(err)
	if s != nil {
		req.Header.Set("Cookie", "teixit_session="+s.cookie)
	}
	resp, err := e.client.Do(req)
	check(err)
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	check(json.NewDecoder(resp.Body).Decode(into))
}

func (e *evening) firstDiagnosis() string {
	var l struct{ Items []struct{ ID, Phase string } }
	e.getJSON(nil, "/api/v1/diagnoses", &l)
	for _, d := range l.Items {
		if d.Phase == "gathering" {
			return d.ID
		}
	}
	fatal("no diagnosis gathering contributions in the demo data")
	return ""
}

func (e *evening) contributionIDs() []string {
	var l struct{ Items []struct{ ID string } }
	e.getJSON(nil, "/api/v1/diagnoses/"+e.diag+"/contributions?limit=100&sort=-supports", &l)
	ids := make([]string, len(l.Items))
	for i, it := range l.Items {
		ids[i] = it.ID
	}
	return ids
}

func (e *evening) login(email, password string) *session {
	b, err := json.Marshal(map[string]string{"email": email, "password": password})
	check(err)
	req, err := http.NewRequest("POST", e.base+"/api/v1/auth/login", bytes.NewReader(b))
	check(err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", e.base)
	resp, err := e.client.Do(req)
	check(err)
	defer resp.Body.Close()
	var body struct{ CSRFToken string }
	check(json.NewDecoder(resp.Body).Decode(&body))
	for _, c := range resp.Cookies() {
		if c.Name == "teixit_session" {
			return &session{cookie: c.Value, csrf: body.CSRFToken}
		}
	}
	fatalf("login %s: %d, no session cookie", email, resp.StatusCode)
	return nil
}

var words = []string{"habitatge", "vivienda", "barri", "gent gran", "digital", "places", "salut", "joves", "tràmits",
	"participació", "assequible", "casal", "ajuda", "abitazione", "quartiere", "soledat", "lloguer", "escola"}

// reader is an anonymous person who opens the list (with a filter now and then), the map, the dashboard
// and searches, one request after another.
func (e *evening) reader(ctx context.Context, n int) {
	list := "/api/v1/diagnoses/" + e.diag + "/contributions"
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	for i := 0; ctx.Err() == nil; i++ {
		switch r := rng.IntN(10); {
		case r < 3:
			e.do(nil, "list", "GET", list, nil, 200)
		case r < 5:
			kind := []string{"need", "asset", "proposal"}[rng.IntN(3)]
			e.do(nil, "list filtered", "GET", list+"?kind="+kind+"&sort=-supports", nil, 200)
		case r < 7: // the map page's three requests
			e.do(nil, "map: diagnosis", "GET", "/api/v1/diagnoses/"+e.diag, nil, 200)
			e.do(nil, "map: territory", "GET", "/api/v1/territories/"+e.territory, nil, 200)
			e.do(nil, "map: contributions", "GET", list+"?limit=100", nil, 200)
		case r < 8:
			e.do(nil, "dashboard", "GET", "/api/v1/diagnoses/"+e.diag+"/dashboard", nil, 200)
		default:
			q := words[rng.IntN(len(words))]
			e.do(nil, "search", "GET", "/api/v1/search?q="+strings.ReplaceAll(q, " ", "+"), nil, 200)
		}
	}
}

// resident supports a contribution, takes the support back and, every fourth time, contributes.
func (e *evening) resident(ctx context.Context, s *session, pause time.Duration) {
	rng := rand.New(rand.NewPCG(uint64(len(s.cookie)), uint64(time.Now().UnixNano())))
	for i := 0; ctx.Err() == nil; i++ {
		id := e.ids[rng.IntN(len(e.ids))]
		if e.do(s, "support", "POST", "/api/v1/contributions/"+id+"/support", nil, 201) != nil {
			e.do(s, "withdraw support", "DELETE", "/api/v1/contributions/"+id+"/support", nil, 200)
		}
		if i%4 == 0 {
			e.do(s, "contribute", "POST", "/api/v1/diagnoses/"+e.diag+"/contributions", map[string]any{"kind": "need",
				"theme": "housing", "text": fmt.Sprintf("Cal més habitatge social al barri (nota %d).", i)}, 201)
		}
		e.do(s, "list signed in", "GET", "/api/v1/diagnoses/"+e.diag+"/contributions", nil, 200)
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

// point is one sample of the server process.
type point struct {
	at         time.Duration
	rssMB      float64
	goroutines int
	cpu        time.Duration
	requests   int64
}

// sample reads the server's RSS, goroutines (its /metrics) and CPU every 10 s until ctx ends.
func sample(ctx context.Context, e *evening, pid int) []point {
	var out []point
	start := time.Now()
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		p := point{at: time.Since(start).Round(time.Second), requests: e.requests.Load()}
		p.cpu, p.rssMB = procStats(pid)
		p.goroutines = goroutines(e)
		out = append(out, p)
		select {
		case <-ctx.Done():
			p := point{at: time.Since(start).Round(time.Second), requests: e.requests.Load()}
			p.cpu, p.rssMB = procStats(pid)
			p.goroutines = goroutines(e)
			return append(out, p)
		case <-t.C:
		}
	}
}

var goroutinesRE = regexp.MustCompile(`(?m)^go_goroutines (\d+)`)

func goroutines(e *evening) int {
	resp, err := e.client.Get(e.base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := goroutinesRE.FindSubmatch(b)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// procStats reads the process's CPU time (user + system) and resident memory from /proc.
func procStats(pid int) (time.Duration, float64) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	check(err)
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	rssPages, _ := strconv.ParseInt(f[21], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, float64(rssPages*int64(os.Getpagesize())) / (1 << 20)
}

func (e *evening) report(samples []point, live *liveSession, d time.Duration) {
	fmt.Printf("\n%-22s %9s %8s %9s %9s %7s\n", "route", "requests", "req/s", "p50", "p99", "errors")
	names := make([]string, 0, len(e.stats))
	for n := range e.stats {
		names = append(names, n)
	}
	sort.Strings(names)
	total, errs := 0, 0
	for _, n := range names {
		r := e.stats[n]
		sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
		q := func(p float64) time.Duration { return r.lat[int(float64(len(r.lat)-1)*p)].Round(10 * time.Microsecond) }
		fmt.Printf("%-22s %9d %8.1f %9v %9v %7d\n", n, len(r.lat), float64(len(r.lat))/d.Seconds(), q(0.5), q(0.99), r.errors)
		if r.first != "" {
			fmt.Printf("    first error: %s\n", r.first)
		}
		total += len(r.lat)
		errs += r.errors
	}
	first, last := samples[0], samples[len(samples)-1]
	fmt.Printf("\nall routes: %d requests, %d errors; server CPU %.2f ms per request\n", total, errs,
		float64(last.cpu-first.cpu)/float64(time.Millisecond)/float64(max(last.requests-first.requests, 1)))
	fmt.Println("\nserver over the evening (every 10 s):")
	fmt.Printf("%8s %9s %11s %13s\n", "time", "RSS MB", "goroutines", "CPU s (total)")
	for _, p := range samples {
		fmt.Printf("%8v %9.1f %11d %13.1f\n", p.at, p.rssMB, p.goroutines, p.cpu.Seconds())
	}
	live.report()
	fmt.Printf("\nmachine: %d CPUs, load average at the end %s\n", numCPU(), loadavg())
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func fatalf(format string, v ...any) { fatal(fmt.Sprintf(format, v...)) }

// onFatal stops the server and removes its data before the tool exits on an error.
var onFatal = func() {}

func check(err error) {
	if err != nil {
		fatal(err)
	}
}

func fatal(v ...any) {
	onFatal()
	log.Fatal(v...)
}
