package testkit

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/event"

	"github.com/teixit/teixit/server/store"
)

// Commands counts the commands a store client sends, by "<command> <collection>" ("find sessions"), so that
// a test can hold a request to the store round trips it should cost (a list page that reads each item on its
// own shows as many finds).
type Commands struct {
	mu sync.Mutex
	n  map[string]int
}

// Reset forgets what was counted so far.
func (c *Commands) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = map[string]int{}
}

// Count is the number of commands of that name on that collection since the last Reset; an empty
// collection counts the command on every collection.
func (c *Commands) Count(command, collection string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for k, v := range c.n {
		if k == command+" "+collection || (collection == "" && len(k) > len(command) && k[:len(command)+1] == command+" ") {
			total += v
		}
	}
	return total
}

// All is every counted "<command> <collection>" with its count.
func (c *Commands) All() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

func (c *Commands) started(_ context.Context, e *event.CommandStartedEvent) {
	coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
	c.mu.Lock()
	c.n[e.CommandName+" "+coll]++
	c.mu.Unlock()
}

// CountedStore opens another client on st's database whose commands are counted (closed when the test
// ends): build the app on it with NewAppOn to count what a request costs the store.
func CountedStore(t testing.TB, st *store.Store) (*store.Store, *Commands) {
	t.Helper()
	uri := st.URI()
	if uri == "" {
		uri = os.Getenv("TEIXIT_TEST_MONGODB_URI")
	}
	if uri == "" {
		t.Fatalf("testkit: no store address to count on (%q)", uri)
	}
	c := &Commands{n: map[string]int{}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := store.Open(ctx, store.Options{URI: uri, Database: st.DB.Name(), Logger: Quiet(), Monitor: &event.CommandMonitor{Started: c.started}})
	if err != nil {
		t.Fatalf("testkit: counted store: %v", err)
	}
	t.Cleanup(func() { _ = o.Close(context.Background()) })
	return o, c
}
