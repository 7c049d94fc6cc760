package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// colCluster holds what the nodes of one store must agree on (deploy/README.md, "Several nodes").
const colCluster = "cluster"

// checkSharedSecret refuses to start a node of a cluster (TEIXIT_INTERNAL_URL set) whose TEIXIT_SECRET is not
// the one the store's other nodes use: with another secret its sessions, signed links, TURN credentials and
// live relay tokens would be refused by every other node, a half-working node. The first node claims a
// fingerprint of the secret (an HMAC of a fixed text under it: the secret itself is never stored); the others
// compare theirs.
func checkSharedSecret(ctx context.Context, st *store.Store, secret string) error {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("teixit cluster secret check v1"))
	mine := hex.EncodeToString(m.Sum(nil))
	won, err := st.Claim(ctx, colCluster, "secret", bson.M{"fingerprint": mine})
	if err != nil || won {
		return err
	}
	var d struct {
		Fingerprint string `bson:"fingerprint"`
	}
	if err := store.Wrap("cluster: secret", st.C(colCluster).FindOne(ctx, bson.M{"_id": "secret"}).Decode(&d)); err != nil {
		return err
	}
	if !hmac.Equal([]byte(d.Fingerprint), []byte(mine)) {
		return errors.New("TEIXIT_SECRET differs from the one the other nodes of this store use: every node must share " +
			"one secret (to change it, stop every node, delete the document \"secret\" of the store's \"cluster\" " +
			"collection, and start them all with the new one)")
	}
	return nil
}
