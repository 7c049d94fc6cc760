package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/mail"
)

// How each person wants notices by email (always in-app too).
const (
	EmailImmediate = "immediate"
	EmailDaily     = "daily" // the default: one digest a day, never a flood
	EmailNever     = "never"
)

// EmailChoices are the allowed preferences.
var EmailChoices = []string{EmailImmediate, EmailDaily, EmailNever}

// Contact is how to reach a person by email.
type Contact struct{ Email, Name, Language string }

// People looks up contacts; unknown or deleted accounts are absent from the map.
type People interface {
	Contacts(ctx context.Context, ids []string) (map[string]Contact, error)
}

// EmailDeps connect notices to email.
type EmailDeps struct {
	Mail    mail.Enqueuer
	People  People
	BaseURL string // absolute links in emails
	Secret  string // signs unsubscribe links
}

func (s *Service) emailOn() bool {
	return s.email.Mail != nil && s.email.Mail.Enabled() && s.email.People != nil
}

type prefDoc struct {
	ID    string `bson:"_id"`
	Email string `bson:"email"`
}

// Settings are a person's notice settings.
type Settings struct {
	Email string `json:"email"`
	// EmailAvailable is false when the server sends no email (no SMTP configured).
	EmailAvailable bool `json:"emailAvailable"`
}

// GetSettings returns a person's settings (daily digest unless they chose otherwise).
func (s *Service) GetSettings(ctx context.Context, userID string) (*Settings, error) {
	p, err := s.prefs(ctx, []string{userID})
	if err != nil {
		return nil, err
	}
	return &Settings{Email: p[userID], EmailAvailable: s.emailOn()}, nil
}

// SettingsInput changes a person's settings.
type SettingsInput struct {
	Email string `json:"email" api:"required"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (SettingsInput) Enums() map[string][]string {
	return map[string][]string{"email": EmailChoices}
}

// SetSettings stores a person's email choice.
func (s *Service) SetSettings(ctx context.Context, userID string, in SettingsInput) (*Settings, error) {
	ok := false
	for _, c := range EmailChoices {
		ok = ok || c == in.Email
	}
	if !ok {
		return nil, apperr.Validation(apperr.Fields{"email": apperr.OneOf(EmailChoices...)})
	}
	if err := s.st.setEmailChoice(ctx, userID, in.Email); err != nil {
		return nil, err
	}
	return &Settings{Email: in.Email, EmailAvailable: s.emailOn()}, nil
}

// prefs returns each person's email choice (EmailDaily when they never chose). Only people who chose have a
// document, so the lookup reads a small collection.
func (s *Service) prefs(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		out[id] = EmailDaily
	}
	chosen, err := s.st.emailChoices(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, d := range chosen {
		out[d.ID] = d.Email
	}
	return out, nil
}

type digestDoc struct {
	ID     string    `bson:"_id"` // user:item
	UserID string    `bson:"userId"`
	Day    string    `bson:"day"` // UTC date the notice arrived
	Kind   string    `bson:"kind"`
	Title  string    `bson:"title"`
	Link   string    `bson:"link"`
	At     time.Time `bson:"at"`
}

// emailFor sends (immediate) or keeps for the digest (daily) the notice it delivered in-app to each
// recipient. Sending itself is server/mail's background pass: nothing here talks to an SMTP server.
func (s *Service) emailFor(ctx context.Context, recipients []string, it itemDoc) error {
	if !s.emailOn() || len(recipients) == 0 {
		return nil
	}
	prefs, err := s.prefs(ctx, recipients)
	if err != nil {
		return err
	}
	var now, later []string
	for _, u := range recipients {
		switch prefs[u] {
		case EmailImmediate:
			now = append(now, u)
		case EmailDaily:
			later = append(later, u)
		}
	}
	day := it.At.UTC().Format("2006-01-02")
	if len(later) > 0 {
		docs := make([]digestDoc, len(later))
		for i, u := range later {
			docs[i] = digestDoc{ID: u + ":" + it.ID, UserID: u, Day: day, Kind: it.Kind, Title: it.Title, Link: it.Link, At: it.At}
		}
		if err := s.st.keepForDigest(ctx, docs); err != nil {
			return err
		}
	}
	if len(now) == 0 {
		return nil
	}
	contacts, err := s.email.People.Contacts(ctx, now)
	if err != nil {
		return err
	}
	var first error
	for _, u := range now {
		c, ok := contacts[u]
		if !ok || c.Email == "" {
			continue // a deleted account: nobody to write to
		}
		subject, body := noticeText(c.Language, it.Kind, it.Title, s.absolute(it.Link))
		if err := s.email.Mail.Enqueue(ctx, s.message(u, c, subject, body, "notice:"+u+":"+it.ID)); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *Service) absolute(link string) string {
	if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
		return link
	}
	return strings.TrimSuffix(s.email.BaseURL, "/") + link
}

// message builds one email with the one-click unsubscribe headers of RFC 8058 (signed link).
func (s *Service) message(userID string, c Contact, subject, body, key string) mail.Message {
	unsub := s.absolute("/unsubscribe?token=" + s.UnsubscribeToken(userID))
	lang := textLang(c.Language)
	body += "\n\n-- \n" + footer[lang] + "\n" + unsub + "\n"
	return mail.Message{To: c.Email, Subject: subject, Text: body, Key: key,
		Headers: map[string]string{"List-Unsubscribe": "<" + unsub + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
}

// UnsubscribeToken is the signed token of a person's unsubscribe link: their id and an HMAC of it.
func (s *Service) UnsubscribeToken(userID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(userID)) + "." + s.sign(userID)
}

func (s *Service) sign(userID string) string {
	m := hmac.New(sha256.New, []byte(s.email.Secret))
	m.Write([]byte("unsubscribe:" + userID))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

var errBadUnsubscribe = apperr.New(apperr.Invalid, "bad_unsubscribe_link",
	"This unsubscribe link is not valid: it may have been cut or changed. Change your email settings in your account instead.")

// Unsubscribe checks a token and sets the person's email choice to never. A changed or cut token is a 400.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	userID, err := s.tokenUser(token)
	if err != nil {
		return err
	}
	_, err = s.SetSettings(ctx, userID, SettingsInput{Email: EmailNever})
	return err
}

func (s *Service) tokenUser(token string) (string, error) {
	enc, sig, ok := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || len(raw) == 0 || s.email.Secret == "" || !hmac.Equal([]byte(sig), []byte(s.sign(string(raw)))) {
		return "", errBadUnsubscribe
	}
	return string(raw), nil
}

// SendDigests enqueues one email per person with the notices kept for them on days before today, then
// forgets those entries. Keys make it safe on several nodes (a digest is queued once per person and day);
// entries of deleted accounts are dropped unsent.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	if !s.emailOn() {
		return 0, nil
	}
	today := s.now().UTC().Format("2006-01-02")
	docs, err := s.st.digestsBefore(ctx, today)
	if err != nil {
		return 0, err
	}
	byUser := map[string][]digestDoc{}
	for _, d := range docs {
		byUser[d.UserID] = append(byUser[d.UserID], d)
	}
	ids := make([]string, 0, len(byUser))
	for u := range byUser {
		ids = append(ids, u)
	}
	sort.Strings(ids)
	contacts, err := s.email.People.Contacts(ctx, ids)
	if err != nil {
		return 0, err
	}
	prefs, err := s.prefs(ctx, ids)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, u := range ids {
		items := byUser[u]
		sort.Slice(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
		if c, ok := contacts[u]; ok && c.Email != "" && prefs[u] == EmailDaily {
			lang := textLang(c.Language)
			var b strings.Builder
			b.WriteString(digestIntro[lang] + "\n")
			for _, it := range items {
				subject, _ := noticeText(lang, it.Kind, it.Title, "")
				b.WriteString("\n• " + subject + "\n  " + s.absolute(it.Link) + "\n")
			}
			day := items[len(items)-1].Day
			if err := s.email.Mail.Enqueue(ctx, s.message(u, c, digestSubject[lang], b.String(), "digest:"+u+":"+day)); err != nil {
				return sent, err
			}
			sent++
		}
		gone := make([]string, len(items))
		for i, it := range items {
			gone[i] = it.ID
		}
		if err := s.st.forgetDigests(ctx, gone); err != nil {
			return sent, err
		}
	}
	return sent, nil
}
