package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/mail/mailtest"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/testkit"
)

type contactsMap map[string]notify.Contact

func (c contactsMap) Contacts(_ context.Context, ids []string) (map[string]notify.Contact, error) {
	out := make(map[string]notify.Contact, len(ids))
	for _, id := range ids {
		if v, ok := c[id]; ok {
			out[id] = v
		}
	}
	return out, nil
}

// BenchmarkAnnounceTo10000Followers: one phase change of a diagnosis followed by 10,000 people (1,000 of
// them chose immediate email, the rest the daily digest) — the background job's fan-out on the embedded
// store. Store operations per fan-out, by construction: 1 claim insert, 1 followers find, 10,000 inbox
// upserts ($push) plus about 1 trim in 50, 10 preference finds ($in, 1,000 ids each), 1 insertMany of
// 9,000 digest entries, 1,000 mail-queue inserts, 1 job update. Contacts come from a map here (in the app
// they are one `_id` read per immediate recipient). See README.md for results.
func BenchmarkAnnounceTo10000Followers(b *testing.B) {
	const followers, immediate = 10000, 1000
	st := testkit.Store(b)
	ctx := context.Background()
	if err := st.Migrate(ctx, append(notify.Migrations(), mail.Migrations()...)); err != nil {
		b.Fatal(err)
	}
	srv := mailtest.Start(b)
	m := mail.New(mail.Deps{Store: st, Settings: mail.Settings{Host: srv.Host, Port: srv.Port, TLS: "none", From: "noreply@teixit.test"}})
	people := contactsMap{}
	var follows, prefs []any
	for i := 0; i < followers; i++ {
		u := fmt.Sprintf("user%05d", i)
		people[u] = notify.Contact{Email: u + "@example.org", Language: "ca"}
		follows = append(follows, bson.M{"_id": u + ":diagnosis:d1", "userId": u, "kind": "diagnosis", "target": "d1", "at": time.Now()})
		if i < immediate {
			prefs = append(prefs, bson.M{"_id": u, "email": notify.EmailImmediate})
		}
	}
	if _, err := st.C("follows").InsertMany(ctx, follows); err != nil {
		b.Fatal(err)
	}
	if _, err := st.C("notify_prefs").InsertMany(ctx, prefs); err != nil {
		b.Fatal(err)
	}
	s := notify.NewService(notify.Deps{Store: notify.NewStore(st),
		Email: notify.EmailDeps{Mail: m, People: people, BaseURL: "http://teixit.test", Secret: "bench-secret-bench-secret-bench-secret"}})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Announce(ctx, notify.KindDiagnosis, "d1", notify.Event{Kind: "diagnosis_phase", Title: fmt.Sprint("Fase ", i), Link: "/diagnoses/d1"}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		n, err := s.RunJobs(ctx)
		if err != nil || n != 1 {
			b.Fatalf("ran %d: %v", n, err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/fanout")
	}
	b.StopTimer()
	pending, _ := m.Pending(ctx)
	b.ReportMetric(float64(pending)/float64(b.N), "emails-queued/op")
}
