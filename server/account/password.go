package account

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"

	"github.com/teixit/teixit/server/apperr"
)

// Argon2id parameters: one lane, 32-byte keys, 16-byte salts; memory and passes are a PasswordCost. They are
// stored in every hash, so they can be raised later without breaking existing passwords.
const (
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// PasswordCost is the memory (KiB) and number of passes of new argon2id hashes.
type PasswordCost struct {
	MemoryKiB uint32
	Time      uint32
}

// DefaultPasswordCost is OWASP's recommended minimum for argon2id (19 MiB, 2 passes), what every server
// uses. Only tests choose less (Deps.PasswordCost), to register their many people quickly; every hash
// records its own cost, so verifying never depends on it.
var DefaultPasswordCost = PasswordCost{MemoryKiB: 19 * 1024, Time: 2}

// MinPasswordLen and MaxPasswordLen bound accepted passwords (characters).
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordsText, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// MinPasswordScore is the zxcvbn score (0–4) a password needs: 3 means about 10^8 guesses or more, far
// out of reach of online guessing and slow to try offline against argon2id.
const MinPasswordScore = 3

// checkPassword returns why the password is too weak, or a Reason with no code when it is acceptable:
// length, a list of common passwords, then zxcvbn's estimate (dictionaries, keyboard walks, repeats,
// dates, l33t), which also knows the person's email and name and the word "teixit".
func checkPassword(pw, email, name string) apperr.Reason {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return apperr.Because("password_short", "min", MinPasswordLen)
	case n > MaxPasswordLen:
		return apperr.MaxLength(MaxPasswordLen)
	case commonPasswords[strings.ToLower(pw)]:
		return apperr.Because("password_common")
	case email != "" && strings.EqualFold(pw, email):
		return apperr.Because("password_is_email")
	case zxcvbn.PasswordStrength(strengthPrefix(pw), []string{email, name, "teixit"}).Score < MinPasswordScore:
		return apperr.Because("password_weak")
	}
	return apperr.Reason{}
}

// strengthPrefix is the part of a password whose strength is estimated: zxcvbn's matching grows faster
// than linearly (a second for 256 random characters), and a password whose first 64 characters are hard
// to guess is hard to guess.
func strengthPrefix(pw string) string {
	if r := []rune(pw); len(r) > 64 {
		return string(r[:64])
	}
	return pw
}

// hashPassword returns an argon2id hash of the given cost in the PHC string format with a fresh random salt.
func hashPassword(pw string, cost PasswordCost) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("account: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, cost.Time, cost.MemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cost.MemoryKiB, cost.Time,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("account: malformed password hash")

// verifyPassword reports whether pw matches the PHC-format argon2id hash, in constant time.
func verifyPassword(pw, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash returns a hash of the service's cost to compare against when the email is unknown, so that a
// wrong email and a wrong password take the same time to answer.
func dummyHash(cost PasswordCost) func() string {
	return sync.OnceValue(func() string {
		h, err := hashPassword("not-a-real-password-for-timing", cost)
		if err != nil {
			panic(err) // only when the system's random source fails
		}
		return h
	})
}
