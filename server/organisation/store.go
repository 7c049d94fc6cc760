package organisation

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
)

const (
	colOrgs        = "organisations"
	colMemberships = "memberships"
)

// Migrations returns this package's collections and indexes.
func Migrations() []store.Migration {
	return []store.Migration{{
		Name: "0002_organisation_collections",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colOrgs, colMemberships); err != nil {
				return err
			}
			// Members pages and a person's membership list are cold paths: an index on each side.
			return s.CreateIndexes(ctx,
				store.Index{Collection: colMemberships, Name: "memberships_org", Keys: []string{"orgId", "joinedAt"}},
				store.Index{Collection: colMemberships, Name: "memberships_user", Keys: []string{"userId"}},
			)
		},
	}, {
		Name: "0062_organisation_invitations",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colInvitations); err != nil {
				return err
			}
			// A person's waiting invitations (their account page) and an organisation's list.
			return s.CreateIndexes(ctx,
				store.Index{Collection: colInvitations, Name: "org_invitations_email", Keys: []string{"email", "state"}},
				store.Index{Collection: colInvitations, Name: "org_invitations_org", Keys: []string{"orgId", "createdAt"}},
			)
		},
	}}
}

// Store reads and writes organisations and memberships.
type Store struct{ s *store.Store }

// NewStore wraps the shared store.
func NewStore(s *store.Store) *Store { return &Store{s: s} }

func (st *Store) insert(ctx context.Context, o *orgDoc) error {
	_, err := st.s.C(colOrgs).InsertOne(ctx, o)
	return store.Wrap("organisation: insert", err)
}

// Get returns an organisation by id, or ErrNotFound.
func (st *Store) get(ctx context.Context, id string) (*orgDoc, error) {
	var o orgDoc
	if err := st.s.Get(ctx, colOrgs, id, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// update sets fields of an organisation through store.Update (a revision claim first), so a profile edit
// and a recount at the same moment on two nodes do not overwrite each other. ErrNotFound when absent.
func (st *Store) update(ctx context.Context, id string, set bson.M) error {
	return st.change(ctx, id, func() (bson.M, error) { return set, nil })
}

// change sets the fields that set returns (computed afresh on each attempt) through store.Update.
func (st *Store) change(ctx context.Context, id string, set func() (bson.M, error)) error {
	_, err := st.s.Update(ctx, colOrgs, id, func(cur bson.Raw) (bson.M, error) {
		if cur == nil {
			return nil, store.ErrNotFound
		}
		v, err := set()
		if err != nil {
			return nil, err
		}
		return bson.M{"$set": v}, nil
	})
	return store.Wrap("organisation: update", err)
}

// insertMembership adds a membership; ErrDuplicate if the person is already a member.
func (st *Store) insertMembership(ctx context.Context, m *membershipDoc) error {
	_, err := st.s.C(colMemberships).InsertOne(ctx, m)
	return store.Wrap("organisation: add member", err)
}

// membership returns one membership by org and user, or ErrNotFound.
func (st *Store) membership(ctx context.Context, orgID, userID string) (*membershipDoc, error) {
	var m membershipDoc
	if err := st.s.Get(ctx, colMemberships, membershipID(orgID, userID), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// deleteMembership removes a membership; ErrNotFound if there was none.
func (st *Store) deleteMembership(ctx context.Context, orgID, userID string) error {
	return store.Wrap("organisation: remove member", store.Deleted(st.s.C(colMemberships).DeleteOne(ctx, bson.M{"_id": membershipID(orgID, userID)})))
}

func (st *Store) members(ctx context.Context, orgID string, limit int) ([]membershipDoc, error) {
	return store.Find[membershipDoc](ctx, st.s, colMemberships, bson.M{"orgId": orgID},
		options.Find().SetSort(bson.D{{Key: "joinedAt", Value: 1}}).SetLimit(int64(limit)))
}

func (st *Store) userMemberships(ctx context.Context, userID string) ([]membershipDoc, error) {
	return store.Find[membershipDoc](ctx, st.s, colMemberships, bson.M{"userId": userID})
}

func (st *Store) setRole(ctx context.Context, orgID, userID, role string) error {
	return store.Wrap("organisation: set role", store.Matched(st.s.C(colMemberships).UpdateOne(ctx,
		bson.M{"_id": membershipID(orgID, userID)}, bson.M{"$set": bson.M{"role": role}})))
}

// refreshCounts recomputes an organisation's member and admin counts from its memberships (a cold path run
// after each membership change, so that a crash between writes cannot leave the counts wrong for long).
func (st *Store) refreshCounts(ctx context.Context, orgID string) (members, admins int, err error) {
	// Counted inside the update, after its revision is read: a recount that started before a membership
	// changed can then never be the last one written (its revision claim fails and it counts again).
	err = st.change(ctx, orgID, func() (bson.M, error) {
		if members, admins, err = st.count(ctx, orgID); err != nil {
			return nil, err
		}
		return bson.M{"memberCount": members, "adminCount": admins}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		// Memberships of an organisation that does not exist (left by an interrupted create).
		members, admins, err = st.count(ctx, orgID)
	}
	return members, admins, err
}

// count counts an organisation's memberships and, among them, its admins.
func (st *Store) count(ctx context.Context, orgID string) (members, admins int, err error) {
	m, err := st.s.C(colMemberships).CountDocuments(ctx, bson.M{"orgId": orgID})
	if err != nil {
		return 0, 0, store.Wrap("organisation: count members", err)
	}
	a, err := st.s.C(colMemberships).CountDocuments(ctx, bson.M{"orgId": orgID, "role": RoleAdmin})
	return int(m), int(a), store.Wrap("organisation: count admins", err)
}

// exclusive runs do while this writer holds the organisation's next revision (store.Exclusive), then writes
// its counts as do left them: a rule checked in do (the last administrator) and the change that follows it
// see no other exclusive membership change of the organisation in between, on any node. store.ErrNotFound
// when the organisation does not exist; do's own errors are returned as they are.
func (st *Store) exclusive(ctx context.Context, orgID string, do func(ctx context.Context) error) error {
	_, err := st.s.Exclusive(ctx, colOrgs, orgID, func(ctx context.Context, _ bson.Raw) (bson.M, error) {
		if err := do(ctx); err != nil {
			return nil, err
		}
		members, admins, err := st.count(ctx, orgID)
		if err != nil {
			return nil, err
		}
		return bson.M{"$set": bson.M{"memberCount": members, "adminCount": admins}}, nil
	})
	return err
}

// invitationsSince returns the organisation's invitations made after since, newest first (at most 500: a
// cold path).
func (st *Store) invitationsSince(ctx context.Context, orgID string, since time.Time) ([]invitationDoc, error) {
	return st.invitations(ctx, bson.M{"orgId": orgID, "createdAt": bson.M{"$gt": since}})
}

// pendingInvitations returns the invitations to email still waiting and not expired at now, newest first
// (at most 500).
func (st *Store) pendingInvitations(ctx context.Context, email string, now time.Time) ([]invitationDoc, error) {
	return st.invitations(ctx, bson.M{"email": email, "state": InvitePending, "expiresAt": bson.M{"$gt": now}})
}

// invitations reads invitations, newest first (bounded: a cold path).
func (st *Store) invitations(ctx context.Context, filter bson.M) ([]invitationDoc, error) {
	return store.Find[invitationDoc](ctx, st.s, colInvitations, filter, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}).SetLimit(500))
}
