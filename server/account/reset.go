package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/store"
)

// Password reset links. A link carries a random secret; the store keeps only its hash, the account, when
// it expires and who issued it (the person by email, or a platform admin for a resident without mail).
// Using a link is a claim by insert (colResetUses), so a link works once even when two nodes receive it
// at the same moment. Setting the new password ends every session and token, and frees the account from a
// login lockout: the reset link is how the owner escapes someone else's guessing.
const (
	colResets    = "password_resets"
	colResetUses = "password_reset_uses"
)

// Lifetimes of reset links: short by email (the person is at the mailbox now), longer when a platform
// admin hands one to a facilitator who will sit down with the person.
const (
	ResetLinkTTL      = time.Hour
	AdminResetLinkTTL = 72 * time.Hour
)

type resetDoc struct {
	ID        string    `bson:"_id"` // sha256 of the secret
	UserID    string    `bson:"userId"`
	IssuedBy  string    `bson:"issuedBy,omitempty"` // platform admin's id; empty when asked by email
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

func resetMigrations() []store.Migration {
	return []store.Migration{{
		Name: "0002_account_password_resets",
		Up: func(ctx context.Context, s *store.Store) error {
			if err := s.CreateCollections(ctx, colResets, colResetUses); err != nil {
				return err
			}
			return s.CreateIndexes(ctx, store.Index{Collection: colResets, Name: "resets_user", Keys: []string{"userId"}})
		},
	}}
}

// resetPrefix marks reset secrets (they are not tokens and never authenticate a request).
const resetPrefix = "txr_"

func (s *Service) issueReset(ctx context.Context, userID, by string, ttl time.Duration) (string, time.Time, error) {
	secret := resetPrefix + randomToken(32)
	now := s.now().UTC()
	d := resetDoc{ID: hashSecret(secret), UserID: userID, IssuedBy: by, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.st.insertReset(ctx, d); err != nil {
		return "", time.Time{}, err
	}
	return secret, d.ExpiresAt, nil
}

// ResetMail is what the emailed reset needs: the mail service and the address pages are served from.
type ResetMail struct {
	Mail    *mail.Service
	BaseURL string
}

// ErrResetByMailOff answers a reset request when no mail is configured: a platform admin issues the link.
var ErrResetByMailOff = apperr.New(apperr.Conflict, "reset_mail_off",
	"Password reset by email is not available here. Ask a platform administrator for a reset link.")

// RequestReset emails a reset link to the address if an account has it. The answer is the same whether
// or not it does, so nobody learns who has an account here.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	if !s.resetMail.Mail.Enabled() {
		return ErrResetByMailOff
	}
	email = NormaliseEmail(email)
	if !validEmail(email) {
		return apperr.Validation(apperr.Fields{"email": apperr.Because("email_format")})
	}
	id, err := s.st.userIDByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	u, err := s.st.user(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	secret, _, err := s.issueReset(ctx, u.ID, "", ResetLinkTTL)
	if err != nil {
		return err
	}
	link := strings.TrimRight(s.resetMail.BaseURL, "/") + ResetPath + secret
	t := resetText[u.Language]
	if t.subject == "" {
		t = resetText["en"]
	}
	return s.resetMail.Mail.Enqueue(ctx, mail.Message{To: u.Email, Subject: t.subject,
		Text: fmt.Sprintf(t.body, u.Name, link, int(ResetLinkTTL.Minutes()))})
}

// ResetPath is the page a reset link opens; the secret follows in the fragment, which browsers never send
// to a server (nor in a Referer).
const ResetPath = "/reset-password#"

// AdminReset is a one-time link a platform admin hands to a facilitator or the person.
type AdminReset struct {
	Link      string    `json:"link"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// IssueResetLink makes a one-time reset link for the account with this email (platform admins: the
// caller's route rule). It needs no mail, for residents set up by a facilitator.
func (s *Service) IssueResetLink(ctx context.Context, adminID, email string) (*AdminReset, error) {
	id, err := s.UserIDByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	secret, exp, err := s.issueReset(ctx, id, adminID, AdminResetLinkTTL)
	if err != nil {
		return nil, err
	}
	return &AdminReset{Link: strings.TrimRight(s.resetMail.BaseURL, "/") + ResetPath + secret, ExpiresAt: exp}, nil
}

// CompleteResetInput is the link's secret and the new password.
type CompleteResetInput struct {
	Token       string `json:"token" clean:"-"`
	NewPassword string `json:"newPassword" clean:"-"`
}

var (
	errResetInvalid = apperr.New(apperr.Invalid, "reset_link_invalid",
		"This reset link is not valid. Ask for a new one.")
	errResetExpired = apperr.New(apperr.Invalid, "reset_link_expired",
		"This reset link has expired. Ask for a new one.")
	errResetUsed = apperr.New(apperr.Invalid, "reset_link_used",
		"This reset link has already been used. Ask for a new one if you need it.")
)

// CompleteReset sets a new password with a reset link. Checks come first, then the link is claimed (it
// works once), then the password is set and every session, token and other reset link of the person ends.
// It returns the account's email, whose login lockout the caller lifts.
func (s *Service) CompleteReset(ctx context.Context, in CompleteResetInput) (string, error) {
	if !strings.HasPrefix(in.Token, resetPrefix) || len(in.Token) > 100 {
		return "", errResetInvalid
	}
	d, err := s.st.resetLink(ctx, hashSecret(in.Token))
	if errors.Is(err, store.ErrNotFound) {
		if used, _ := s.st.resetUsed(ctx, hashSecret(in.Token)); used {
			return "", errResetUsed
		}
		return "", errResetInvalid
	}
	if err != nil {
		return "", err
	}
	if !s.now().Before(d.ExpiresAt) {
		return "", errResetExpired
	}
	u, err := s.st.user(ctx, d.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", errResetInvalid
	}
	if err != nil {
		return "", err
	}
	if why := checkPassword(in.NewPassword, u.Email, u.Name); why.Code != "" {
		return "", apperr.Validation(apperr.Fields{"newPassword": why})
	}
	hash, err := hashPassword(in.NewPassword, s.cost)
	if err != nil {
		return "", err
	}
	ctx = context.WithoutCancel(ctx)
	won, err := s.st.claimReset(ctx, d.ID, d.UserID, s.now().UTC())
	if err != nil {
		return "", err
	}
	if !won {
		return "", errResetUsed
	}
	if err := s.st.setUserFields(ctx, u.ID, bson.M{"passwordHash": hash}); err != nil {
		return "", err
	}
	if err := s.SignOutEverywhere(ctx, u.ID); err != nil {
		return "", err
	}
	return u.Email, s.st.deleteUserResets(ctx, u.ID)
}

type mailText struct{ subject, body string }

// resetText is the reset email in each interface language (%s name, %s link, %d minutes).
var resetText = map[string]mailText{
	"ca": {"Canvia la contrasenya de Teixit",
		"Hola, %s:\n\nHas demanat canviar la contrasenya de Teixit. Obre aquest enllaç per triar-ne una de nova:\n\n%s\n\nL'enllaç funciona una sola vegada i caduca d'aquí a %d minuts. Si no ho has demanat tu, no cal que facis res: la contrasenya no canvia.\n"},
	"es": {"Cambia la contraseña de Teixit",
		"Hola, %s:\n\nHas pedido cambiar la contraseña de Teixit. Abre este enlace para elegir una nueva:\n\n%s\n\nEl enlace funciona una sola vez y caduca dentro de %d minutos. Si no lo has pedido tú, no tienes que hacer nada: la contraseña no cambia.\n"},
	"it": {"Cambia la password di Teixit",
		"Ciao %s,\n\nhai chiesto di cambiare la password di Teixit. Apri questo link per sceglierne una nuova:\n\n%s\n\nIl link funziona una sola volta e scade tra %d minuti. Se non l'hai chiesto tu, non devi fare nulla: la password non cambia.\n"},
	"en": {"Change your Teixit password",
		"Hello %s,\n\nYou asked to change your Teixit password. Open this link to choose a new one:\n\n%s\n\nThe link works once and expires in %d minutes. If you did not ask for it, you need not do anything: your password stays the same.\n"},
}
