package account

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

// Collections owned by this package.
const (
	colUsers    = "users"
	colEmails   = "emails"
	colSessions = "sessions"
	colTokens   = "tokens"
)

// Migrations returns this package's collections and indexes, for the app's ordered migration list.
func Migrations() []store.Migration {
	return append([]store.Migration{{
		Name: "0001_account_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colUsers, colEmails, colSessions, colTokens); err != nil {
				return err
			}
			// Listing one person's tokens and sessions is a cold path (account page, deletion).
			return s.CreateIndexes(ctx,
				store.Index{Collection: colTokens, Name: "tokens_user", Keys: []string{"userId"}},
				store.Index{Collection: colSessions, Name: "sessions_user", Keys: []string{"userId"}},
			)
		},
	}}, resetMigrations()...)
}

// Store reads and writes accounts. Every hot read is by `_id`.
type Store struct {
	s  *store.Store
	rm ReadModel
}

// ReadModel carries changes to every node (the read model's outbox): a change to a person's account or the
// end of a session is announced under ChangeKind, so that no node keeps answering from memory what is no
// longer true (principals.go).
type ReadModel interface {
	Changed(ctx context.Context, kind, id string, write func() error) error
}

// NewStore wraps the shared store. rm may be nil (tests of the store alone): changes are then not announced,
// and a running server's memory catches up within PrincipalTTL. The command line's doctor passes its outbox.
func NewStore(s *store.Store, rm ReadModel) *Store { return &Store{s: s, rm: rm} }

// changing runs write, a change of what a principal says (a person's account, ids from userChange, or a
// session, from sessionChange), announced to every node.
func (st *Store) changing(ctx context.Context, id string, write func() error) error {
	if st.rm == nil {
		return write()
	}
	return st.rm.Changed(ctx, ChangeKind, id, write)
}

// claimEmail reserves a normalised email for a user; ErrDuplicate if it is taken.
func (st *Store) claimEmail(ctx context.Context, email, userID string) error {
	_, err := st.s.C(colEmails).InsertOne(ctx, emailDoc{ID: email, UserID: userID})
	return store.Wrap("account: claim email", err)
}

func (st *Store) releaseEmail(ctx context.Context, email string) error {
	_, err := st.s.C(colEmails).DeleteOne(ctx, bson.M{"_id": email})
	return store.Wrap("account: release email", err)
}

// userIDByEmail returns the account id for a normalised email, or ErrNotFound.
func (st *Store) userIDByEmail(ctx context.Context, email string) (string, error) {
	var d emailDoc
	err := st.s.C(colEmails).FindOne(ctx, bson.M{"_id": email}).Decode(&d)
	return d.UserID, store.Wrap("account: find email", err)
}

func (st *Store) insertUser(ctx context.Context, u *userDoc) error {
	_, err := st.s.C(colUsers).InsertOne(ctx, u)
	return store.Wrap("account: insert user", err)
}

// user returns the account with this id, or ErrNotFound (also for deleted accounts).
func (st *Store) user(ctx context.Context, id string) (*userDoc, error) {
	var u userDoc
	if err := st.s.Get(ctx, colUsers, id, &u); err != nil {
		return nil, err
	}
	if u.Deleted {
		return nil, store.Wrap("account: get user", store.ErrNotFound)
	}
	return &u, nil
}

// updateUser changes a user document through store.Update (a revision claim first), as every write of an
// existing account does: a profile change, a password change and a membership that moves orgIds at the same
// moment through two nodes must not overwrite each other (FerretDB writes whole documents).
// ErrNotFound if the user does not exist.
func (st *Store) updateUser(ctx context.Context, id string, change store.Change) error {
	return st.changing(ctx, userChange(id), func() error {
		_, err := st.s.Update(ctx, colUsers, id, func(cur bson.Raw) (bson.M, error) {
			if cur == nil {
				return nil, store.ErrNotFound
			}
			return change(cur)
		})
		return err
	})
}

func (st *Store) setUserFields(ctx context.Context, id string, set bson.M) error {
	err := st.updateUser(ctx, id, func(bson.Raw) (bson.M, error) { return bson.M{"$set": set}, nil })
	return store.Wrap("account: update user", err)
}

// RoleChanging runs write, a change of a person's role in an organisation (which decides whether they are
// its staff), announced to every node.
func (st *Store) RoleChanging(ctx context.Context, userID string, write func() error) error {
	return st.changing(ctx, userChange(userID), write)
}

// AddOrg records that a user belongs to an organisation (idempotent). ErrNotFound if the user does not exist.
func (st *Store) AddOrg(ctx context.Context, userID, orgID string) error {
	err := st.updateUser(ctx, userID, func(bson.Raw) (bson.M, error) { return bson.M{"$addToSet": bson.M{"orgIds": orgID}}, nil })
	return store.Wrap("account: add org", err)
}

// RemoveOrg records that a user left an organisation (idempotent; a missing user is not an error).
func (st *Store) RemoveOrg(ctx context.Context, userID, orgID string) error {
	err := st.updateUser(ctx, userID, func(bson.Raw) (bson.M, error) { return bson.M{"$pull": bson.M{"orgIds": orgID}}, nil })
	if errors.Is(err, store.ErrNotFound) {
		err = nil
	}
	return store.Wrap("account: remove org", err)
}

func (st *Store) insertSession(ctx context.Context, d *sessionDoc) error {
	_, err := st.s.C(colSessions).InsertOne(ctx, d)
	return store.Wrap("account: insert session", err)
}

// session returns a live session by hashed id, or ErrNotFound when absent or expired.
func (st *Store) session(ctx context.Context, id string, now time.Time) (*sessionDoc, error) {
	var d sessionDoc
	if err := st.s.Get(ctx, colSessions, id, &d); err != nil {
		return nil, err
	}
	if !now.Before(d.ExpiresAt) {
		_ = st.deleteSession(ctx, id)
		return nil, store.Wrap("account: get session", store.ErrNotFound)
	}
	return &d, nil
}

func (st *Store) deleteSession(ctx context.Context, id string) error {
	err := st.changing(ctx, sessionChange(id), func() error {
		_, err := st.s.C(colSessions).DeleteOne(ctx, bson.M{"_id": id})
		return err
	})
	return store.Wrap("account: delete session", err)
}

// deleteUserSessions ends every session of a person but keep (when not empty: the one changing the password).
func (st *Store) deleteUserSessions(ctx context.Context, userID, keep string) error {
	filter := bson.M{"userId": userID}
	if keep != "" {
		filter["_id"] = bson.M{"$ne": keep}
	}
	err := st.changing(ctx, userChange(userID), func() error {
		_, err := st.s.C(colSessions).DeleteMany(ctx, filter)
		return err
	})
	return store.Wrap("account: delete sessions", err)
}

// sessionsOf returns the person's sessions, newest first, expired ones included (the account page).
func (st *Store) sessionsOf(ctx context.Context, userID string) ([]sessionDoc, error) {
	return store.Find[sessionDoc](ctx, st.s, colSessions, bson.M{"userId": userID}, options.Find().SetSort(bson.M{"createdAt": -1}))
}

func (st *Store) insertToken(ctx context.Context, d *tokenDoc) error {
	_, err := st.s.C(colTokens).InsertOne(ctx, d)
	return store.Wrap("account: insert token", err)
}

// token returns a token by its hash, or ErrNotFound.
func (st *Store) token(ctx context.Context, hash string) (*tokenDoc, error) {
	var d tokenDoc
	err := st.s.C(colTokens).FindOne(ctx, bson.M{"_id": hash}).Decode(&d)
	if err != nil {
		return nil, store.Wrap("account: get token", err)
	}
	return &d, nil
}

func (st *Store) touchToken(ctx context.Context, hash string, at time.Time) error {
	_, err := st.s.C(colTokens).UpdateOne(ctx, bson.M{"_id": hash}, bson.M{"$set": bson.M{"lastUsedAt": at}})
	return store.Wrap("account: touch token", err)
}

func (st *Store) userTokens(ctx context.Context, userID string) ([]tokenDoc, error) {
	return store.Find[tokenDoc](ctx, st.s, colTokens, bson.M{"userId": userID}, options.Find().SetSort(bson.M{"createdAt": -1}))
}

// deleteToken removes one of a user's tokens by public id; ErrNotFound if that user has no such token.
func (st *Store) deleteToken(ctx context.Context, userID, publicID string) error {
	return store.Wrap("account: delete token", store.Deleted(st.s.C(colTokens).DeleteOne(ctx, bson.M{"userId": userID, "publicId": publicID})))
}

func (st *Store) deleteUserTokens(ctx context.Context, userID string) error {
	_, err := st.s.C(colTokens).DeleteMany(ctx, bson.M{"userId": userID})
	return store.Wrap("account: delete tokens", err)
}

func (st *Store) insertReset(ctx context.Context, d resetDoc) error {
	_, err := st.s.C(colResets).InsertOne(ctx, d)
	return store.Wrap("account: issue reset link", err)
}

// resetLink returns the reset link stored under id (its secret's hash); ErrNotFound when there is none.
func (st *Store) resetLink(ctx context.Context, id string) (*resetDoc, error) {
	var d resetDoc
	if err := st.s.C(colResets).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, store.Wrap("account: read reset link", err)
	}
	return &d, nil
}

// resetUsed reports whether the reset link id was used (claimed by claimReset).
func (st *Store) resetUsed(ctx context.Context, id string) (bool, error) {
	n, err := st.s.C(colResetUses).CountDocuments(ctx, bson.M{"_id": id})
	return n > 0, err
}

// claimReset uses the reset link id, once: false when it was already used.
func (st *Store) claimReset(ctx context.Context, id, userID string, at time.Time) (bool, error) {
	return st.s.Claim(ctx, colResetUses, id, bson.M{"userId": userID, "at": at})
}

// deleteUserResets removes every reset link of the person; none is not an error.
func (st *Store) deleteUserResets(ctx context.Context, userID string) error {
	_, err := st.s.C(colResets).DeleteMany(ctx, bson.M{"userId": userID})
	return store.Wrap("account: end reset links", err)
}

// anonymise replaces an account with a tombstone: the id stays (so content keeps an author reference that
// shows as a former member) while the personal data goes.
func (st *Store) anonymise(ctx context.Context, id string) error {
	err := st.updateUser(ctx, id, func(cur bson.Raw) (bson.M, error) {
		set := bson.M{"name": "", "email": "", "deleted": true, "orgIds": bson.A{}, "createdAt": time.Now().UTC()}
		unset := bson.M{}
		elems, err := cur.Elements()
		if err != nil {
			return nil, err
		}
		for _, e := range elems {
			if k := e.Key(); k != "_id" && k != "rev" && set[k] == nil {
				unset[k] = ""
			}
		}
		upd := bson.M{"$set": set}
		if len(unset) > 0 {
			upd["$unset"] = unset
		}
		return upd, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		err = nil // already gone: nothing personal left to remove
	}
	return store.Wrap("account: anonymise", err)
}

// Profile is the public-ish face of an account that other domains show (e.g. a members list).
type Profile struct {
	Name     string
	Email    string
	Language string // the language of emails to them
}

// Profiles returns name and email for the given user ids, one `_id` lookup each. Unknown or deleted accounts
// are absent from the map.
func (st *Store) Profiles(ctx context.Context, ids []string) (map[string]Profile, error) {
	out := make(map[string]Profile, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		u, err := st.user(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = Profile{Name: u.Name, Email: u.Email, Language: u.Language}
	}
	return out, nil
}
