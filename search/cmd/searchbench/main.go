// Command searchbench measures Teixit's search layer against raw Bleve on a
// synthetic corpus: indexing rate, index size, RSS, and query latencies
// (p50/p99) for word, phrase, fuzzy, faceted+highlighted and list queries.
//
//	go run ./search/cmd/searchbench -n 10000,100000 -queries 300
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/search/corpus"
)

func main() {
	sizes := flag.String("n", "10000", "comma-separated corpus sizes")
	queries := flag.Int("queries", 300, "queries per kind")
	dir := flag.String("dir", "", "work folder (default: a temporary one, removed at the end)")
	raw := flag.Bool("raw", true, "also measure raw Bleve")
	translations := flag.Int("translations", 0, "machine translations indexed per document (0–4), as server/translation adds them")
	flag.Parse()
	perDoc = *translations
	if err := run(*sizes, *queries, *dir, *raw); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

func run(sizes string, queries int, dir string, raw bool) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "searchbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	g, err := corpus.New(1)
	if err != nil {
		return err
	}
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel())
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("bad size %q", s)
		}
		fmt.Printf("\n== %d documents\n", n)
		if err := benchOurs(g, n, queries, filepath.Join(dir, fmt.Sprint("ours-", n))); err != nil {
			return err
		}
		if raw {
			if err := benchRaw(g, n, queries, filepath.Join(dir, fmt.Sprint("raw-", n))); err != nil {
				return err
			}
		}
	}
	return nil
}

// perDoc is the number of translations indexed with each document (-translations).
var perDoc int

// batches yields the corpus in batches of about 500 documents, generated on the fly, each document followed by
// its perDoc translations.
func batches(g *corpus.Generator, n int, f func([]search.Document) error) error {
	batch := make([]search.Document, 0, 500+perDoc)
	for i := 0; i < n; i++ {
		batch = append(batch, g.Doc(i))
		for k := 0; k < perDoc; k++ {
			batch = append(batch, g.Translation(i, k))
		}
		if len(batch) >= 500 || i == n-1 {
			if err := f(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

func benchOurs(g *corpus.Generator, n, queries int, dir string) error {
	ix, err := search.Open(dir, search.Options{})
	if err != nil {
		return err
	}
	var indexing time.Duration
	cpu0 := cpuTime()
	bar := search.ProgressBar(os.Stderr)
	done := 0
	err = batches(g, n, func(docs []search.Document) error {
		t := time.Now()
		err := ix.Apply(context.Background(), search.Batch{Upserts: docs})
		indexing += time.Since(t)
		done += len(docs)
		bar(done, n*(1+perDoc))
		return err
	})
	if err != nil {
		return err
	}
	t := time.Now()
	if err := ix.Close(); err != nil {
		return err
	}
	flushT := time.Since(t)
	fmt.Printf("ours: indexed %d docs (%d originals, %d translations each) in %s: %.0f docs/s (searchable on return), %.0f docs per CPU-second (incl. generation); flush at close %s\n",
		done, n, perDoc, indexing.Round(time.Millisecond), float64(done)/indexing.Seconds(), float64(done)/(cpuTime()-cpu0).Seconds(), flushT.Round(time.Millisecond))
	ix, err = search.Open(dir, search.Options{})
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Printf("ours: index size %s, RSS %s (peak %s)\n", human(dirSize(dir)), human(rss("VmRSS")), human(rss("VmHWM")))

	r := rand.New(rand.NewSource(7))
	reader := search.Reader{UserID: "u1", Orgs: []string{"o1", "o2"}}
	lang := func() string { return search.Languages[r.Intn(len(search.Languages))] }
	ctx := context.Background()
	kinds := []struct {
		name string
		mk   func() search.SearchRequest
	}{
		{"word (facets+highlights)", func() search.SearchRequest { return search.SearchRequest{Q: g.Word(r, lang())} }},
		{"two words", func() search.SearchRequest {
			l := lang()
			return search.SearchRequest{Q: g.Word(r, l) + " " + g.Word(r, l)}
		}},
		{"phrase", func() search.SearchRequest { return search.SearchRequest{Q: fmt.Sprintf("%q", g.Phrase(r, r.Intn(n)))} }},
		{"fuzzy (typo)", func() search.SearchRequest { return search.SearchRequest{Q: g.Typo(r, lang())} }},
		{"word + theme + district", func() search.SearchRequest {
			return search.SearchRequest{Q: g.Word(r, lang()), Themes: []string{corpus.Themes[r.Intn(len(corpus.Themes))]},
				Territories: []string{fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts))}}
		}},
	}
	startCPU()
	for _, k := range kinds {
		lat := make([]time.Duration, 0, queries)
		var hits uint64
		for i := 0; i < queries; i++ {
			req := k.mk()
			t := time.Now()
			res, err := ix.Search(ctx, reader, req)
			lat = append(lat, time.Since(t))
			if err != nil {
				return fmt.Errorf("%s %q: %w", k.name, req.Q, err)
			}
			hits += res.Total
		}
		report("ours", k.name, lat, hits, queries)
	}
	lists := []struct {
		name string
		mk   func() search.ListRequest
	}{
		{"list kind+district, -created, facet theme", func() search.ListRequest {
			return search.ListRequest{Kind: corpus.Kinds[r.Intn(len(corpus.Kinds))], Sort: "-created",
				Filters: map[string][]string{"territory": {fmt.Sprintf("d%d", r.Intn(corpus.NumDistricts))}}, Facets: []string{"theme"}}
		}},
		{"list kind, -supports", func() search.ListRequest {
			return search.ListRequest{Kind: corpus.Kinds[r.Intn(len(corpus.Kinds))], Sort: "-supports"}
		}},
		{"list parent, -created", func() search.ListRequest {
			return search.ListRequest{Filters: map[string][]string{"parent": {fmt.Sprintf("diagnosis:%d", r.Intn(200))}}}
		}},
	}
	for _, k := range lists {
		lat := make([]time.Duration, 0, queries)
		var hits uint64
		for i := 0; i < queries; i++ {
			t := time.Now()
			res, err := ix.List(ctx, reader, k.mk())
			lat = append(lat, time.Since(t))
			if err != nil {
				return fmt.Errorf("%s: %w", k.name, err)
			}
			hits += res.Total
		}
		report("ours", k.name, lat, hits, queries)
	}
	lat := make([]time.Duration, 0, queries)
	for i := 0; i < queries; i++ {
		w := []rune(g.Word(r, lang()))
		t := time.Now()
		var ie *search.InputError
		if _, err := ix.Suggest(ctx, reader, string(w[:min(3, len(w))]), 10); err != nil && !errors.As(err, &ie) {
			return err
		}
		lat = append(lat, time.Since(t))
	}
	report("ours", "suggest (3 letters)", lat, 0, queries)
	return nil
}

// lastCPU is the process CPU time when the current measurement started.
var lastCPU time.Duration

// startCPU marks the start of a measurement for report's cpu/op column.
func startCPU() { lastCPU = cpuTime() }

// cpuTime is the process's user+system CPU time: on a shared machine, CPU
// per operation is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(who, name string, lat []time.Duration, hits uint64, n int) {
	cpu := cpuTime() - lastCPU
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	fmt.Printf("%s: %-43s p50 %7.2f ms  p99 %7.2f ms  cpu/op %6.2f ms  avg hits %d\n", who, name,
		float64(p(0.50).Microseconds())/1000, float64(p(0.99).Microseconds())/1000,
		float64(cpu.Microseconds())/1000/float64(n), hits/uint64(n))
	startCPU()
}

func dirSize(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// rss reads a memory figure (kB) from /proc/self/status.
func rss(field string) int64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func cpuModel() string {
	raw, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "model name") {
			return strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
		}
	}
	return "unknown CPU"
}

func human(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", b>>10)
}
