package recording

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/store"
)

// Private links are per member: the token names the member, its expiry and the recording's link version,
// signed with the server secret. Using it checks, at that moment, that the member may still hear the
// recording (left the organisation → the link stops working); revoking bumps the recording's link version
// (every token given out so far fails) and the link version of every segment (every signed segment URL
// fails too).
const (
	defaultLinkHours = 7 * 24
	maxLinkHours     = 30 * 24
)

func (s *Service) linkSig(dayID, userID string, exp int64, version int) string {
	m := hmac.New(sha256.New, []byte(s.opts.Secret))
	fmt.Fprintf(m, "recording-link|%s|%s|%d|%d", dayID, userID, exp, version)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Service) token(dayID, userID string, exp int64, version int) string {
	return userID + "." + strconv.FormatInt(exp, 10) + "." + s.linkSig(dayID, userID, exp, version)
}

// access decides whether w may hear the recording, through their session or a private link's token; exp is
// when signed segment URLs should expire. A bad, expired or revoked token is errRecordingNotFound, never a
// fall-back to the session: the link's answer must not depend on who clicks it.
func (s *Service) access(ctx context.Context, w who, token string) (bool, time.Time, error) {
	if token == "" {
		return w.canHear(), s.now().Add(time.Hour), nil
	}
	user, rest, ok1 := strings.Cut(token, ".")
	expS, sig, ok2 := strings.Cut(rest, ".")
	exp, err := strconv.ParseInt(expS, 10, 64)
	if !ok1 || !ok2 || err != nil || !store.ValidID(user) || s.now().Unix() > exp {
		return false, time.Time{}, errRecordingNotFound
	}
	d, err := s.load(ctx, w.day.ID)
	if err != nil {
		return false, time.Time{}, err
	}
	if !hmac.Equal([]byte(sig), []byte(s.linkSig(w.day.ID, user, exp, d.LinkVersion))) {
		return false, time.Time{}, errRecordingNotFound
	}
	holder, err := s.whoFor(ctx, &auth.Principal{UserID: user}, w.day.ID, errRecordingNotFound)
	if err != nil {
		return false, time.Time{}, err
	}
	if !holder.canHear() {
		return false, time.Time{}, errRecordingNotFound
	}
	return true, time.Unix(exp, 0), nil
}

// CreateLink gives a member (host admins, for a recording kept from members) a private link.
func (s *Service) CreateLink(ctx context.Context, p *auth.Principal, dayID string, in LinkInput) (*Link, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errRecordingNotFound)
	if err != nil {
		return nil, err
	}
	if !w.canHear() || !w.member() {
		return nil, errRecordingNotFound
	}
	if in.Hours == 0 {
		in.Hours = defaultLinkHours
	}
	if in.Hours < 1 || in.Hours > maxLinkHours {
		return nil, apperr.Validation(apperr.Fields{"hours": apperr.Range(1, maxLinkHours)})
	}
	_, d, err := s.sync(ctx, w.day) // a recording on this node's folder or in the store; none: not found
	if err != nil {
		return nil, err
	}
	exp := s.now().Add(time.Duration(in.Hours) * time.Hour).Unix()
	tok := s.token(w.day.ID, p.UserID, exp, d.LinkVersion)
	base := "/api/v1/exchange-days/" + w.day.ID + "/recording"
	return &Link{URL: base + "?link=" + tok, PageURL: exchange.Link(w.day.ID) + "/recording?link=" + tok,
		DownloadURL: base + "/download?link=" + tok, ExpiresAt: time.Unix(exp, 0).UTC()}, nil
}

// RevokeLinks invalidates every private link of the recording and every signed URL of its segments (host
// admins).
func (s *Service) RevokeLinks(ctx context.Context, p *auth.Principal, dayID string) error {
	if p == nil {
		return apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errRecordingNotFound)
	if err != nil {
		return err
	}
	if !w.host() {
		if w.canHear() {
			return apperr.Forbid("Only the host organisation's administrators can revoke the recording's links.")
		}
		return errRecordingNotFound
	}
	d, err := s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
		d.LinkVersion++
		return true, nil
	})
	if err != nil {
		return err
	}
	for _, sg := range d.Segments {
		if sg.Redacted {
			continue
		}
		if err := s.media.RevokeLinks(ctx, sg.AssetID); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}
