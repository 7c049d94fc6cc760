// Command loadorg measures the foundation: cold start of `teixit serve` on the embedded store, idle RSS, and
// throughput and latency of GET /api/v1/organisations/{id} with N organisations stored, side by side with a
// bare Fiber server answering a constant JSON body (the ceiling our stack is measured against).
//
//	go build -o bin/teixit ./server && go run ./server/cmd/loadorg -bin bin/teixit -orgs 100000
//
// Results are written up in docs/foundation-benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/cmd/internal/loadgen"
	"github.com/teixit/teixit/server/store"
)

func main() {
	bin := flag.String("bin", "bin/teixit", "teixit binary")
	orgs := flag.Int("orgs", 100000, "organisations to store")
	workers := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 20*time.Second, "load duration per target")
	constant := flag.String("constant-server", "", "internal: serve constant JSON on this address")
	flag.Parse()
	if *constant != "" {
		serveConstant(*constant)
		return
	}
	dir, err := os.MkdirTemp("", "teixit-load-")
	check(err)
	defer os.RemoveAll(dir)

	// 1. Cold start on an empty data folder.
	start := time.Now()
	srv, base, err := loadgen.StartServer(*bin, dir)
	check(err)
	check(loadgen.WaitReady(base))
	fmt.Printf("cold start, empty store: %v\n", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	fmt.Printf("idle RSS, empty store: %s\n", rss(srv.Process.Pid))
	loadgen.Stop(srv)

	// 2. Store N organisations directly (insertMany), as the store would hold them.
	ids := fill(dir, *orgs)

	start = time.Now()
	srv, base, err = loadgen.StartServer(*bin, dir)
	check(err)
	check(loadgen.WaitReady(base))
	fmt.Printf("first start of a node over %d organisations (index rebuilt in the background) to ready: %v\n", *orgs, time.Since(start).Round(time.Millisecond))
	loadgen.Stop(srv)
	start = time.Now()
	srv, base, err = loadgen.StartServer(*bin, dir)
	check(err)
	check(loadgen.WaitReady(base))
	restarted := start
	fmt.Printf("restart with %d organisations indexed: %v\n", *orgs, time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	fmt.Printf("RSS 2 s after the restart (the node keeping organisations in memory): %s\n", rss(srv.Process.Pid))

	// 3. Constant-JSON Fiber in its own process.
	ceiling, cbase, err := loadgen.StartCeiling()
	check(err)

	constantURL := func(int) string { return cbase + "/api/v1/organisations/x" }
	teixitURL := func(i int) string { return base + "/api/v1/organisations/" + ids[i%len(ids)] }
	fmt.Printf("\n%-34s %10s %9s %9s %9s\n", "target", "req/s", "p50", "p99", "errors")
	load("fiber constant JSON", constantURL, *workers, *dur)
	// Random ids: the first run overlaps the node's scan that keeps organisations in memory after start
	// (reads of organisations not kept yet go to the store); then the same load once all are kept.
	load(fmt.Sprintf("GET organisation, warming (%dk)", *orgs/1000), teixitURL, *workers, *dur)
	waitKept(base, min(*orgs, 100_000))
	fmt.Printf("%-34s %v after the restart\n", "(all organisations kept)", time.Since(restarted).Round(time.Millisecond))
	load(fmt.Sprintf("GET organisation, kept (%dk)", *orgs/1000), teixitURL, *workers, *dur)
	fmt.Printf("RSS with %d organisations kept in memory: %s\n", *orgs, rss(srv.Process.Pid))
	loadgen.Stop(ceiling)
	loadgen.Stop(srv)
}

func fill(dir string, n int) []string {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: dir, Database: "teixit"})
	check(err)
	check(s.Migrate(ctx, app.Migrations()))
	ids := make([]string, n)
	batch := make([]any, 0, 1000)
	now := time.Now().UTC()
	kinds := []string{"association", "services_centre", "housing_entity", "municipality", "network", "other"}
	for i := 0; i < n; i++ {
		ids[i] = store.NewID()
		batch = append(batch, bson.M{"_id": ids[i], "name": fmt.Sprintf("Entitat de prova %d", i), "kind": kinds[i%len(kinds)],
			"description": strings.Repeat("Associació de veïns que treballa per l'habitatge digne al barri. ", 5),
			"createdBy":   "loadtool", "createdAt": now, "updatedAt": now, "memberCount": 3, "adminCount": 1})
		if len(batch) == cap(batch) || i == n-1 {
			_, err := s.C("organisations").InsertMany(ctx, batch)
			check(err)
			batch = batch[:0]
		}
	}
	check(s.Close(ctx))
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids
}

// load runs the GET load on url for d over workers connections and prints one line.
func load(name string, url func(int) string, workers int, d time.Duration) {
	r := loadgen.Run(workers, d, func(i int) *http.Request { return loadgen.Get(url(i)) })
	fmt.Printf("%-34s %10.0f %9s %9s %9d\n", name, r.PerSecond(d), r.P50, r.P99, r.Errors)
}

// waitKept waits until the node says (teixit_organisations_kept at /metrics) that it keeps n organisations.
func waitKept(base string, n int) {
	want := fmt.Sprintf("teixit_organisations_kept %d\n", n)
	for range 6000 {
		resp, err := http.Get(base + "/metrics")
		check(err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		check(err)
		if strings.Contains(string(body), want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	log.Fatalf("the node does not keep %d organisations after 10 minutes", n)
}

func serveConstant(addr string) {
	body := map[string]any{"id": "abcdefghijklmnop", "name": "Entitat de prova", "kind": "association",
		"description": strings.Repeat("Associació de veïns que treballa per l'habitatge digne al barri. ", 5), "memberCount": 3}
	log.Fatal(loadgen.ServeConstant(addr, "/api/v1/organisations/:id", body))
}

func rss(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(pid), "status"))
	check(err)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:"))
		}
	}
	return "?"
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
