package account_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

// TestDefaultPasswordCost: a server built without a cost (every real one) hashes passwords with argon2id at
// OWASP's minimum, 19 MiB and 2 passes; the tests' lower cost is chosen by testkit alone, and a password
// hashed at either cost signs in.
func TestDefaultPasswordCost(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.RTCUDPAddr, cfg.RTCUDPPort, cfg.TURNPort = "127.0.0.1", 0, 0
	st := testkit.MigratedStore(t)
	a, err := app.New(context.Background(), cfg, app.Deps{Log: testkit.Quiet(), Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	server := testkit.Wrap(t, a)
	server.Register("owasp@example.org", "Olga")
	test := testkit.NewAppOn(t, st) // the same store, testkit's cost
	test.Register("quick@example.org", "Quim")

	for email, want := range map[string]string{"owasp@example.org": "$argon2id$v=19$m=19456,t=2,p=1$",
		"quick@example.org": "$argon2id$v=19$m=64,t=1,p=1$"} {
		var u struct {
			PasswordHash string `bson:"passwordHash"`
		}
		if err := st.C("users").FindOne(context.Background(), bson.M{"email": email}).Decode(&u); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.PasswordHash, want) {
			t.Errorf("%s: hash %.40s…, want %s…", email, u.PasswordHash, want)
		}
	}
	// each node verifies whatever cost a hash records
	server.Login("quick@example.org", "a long enough passphrase")
	test.Login("owasp@example.org", "a long enough passphrase")
}
