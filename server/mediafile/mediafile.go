// Package mediafile is the media store of the app: uploads (type sniffed from the bytes, size limited per
// purpose, location metadata stripped from photos) kept as content-addressed blobs with their metadata and
// visibility in the store, served with HTTP range requests, caching headers and, for private files, signed
// expiring links that can be revoked.
package mediafile

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teixit/teixit/media/blob"
	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/store"
)

// Purpose says what an upload is for, which decides the classes and size accepted.
type Purpose struct {
	Classes  []Class
	MaxBytes int64
}

// Purposes are the kinds of upload the API accepts (?purpose=).
var Purposes = map[string]Purpose{
	"contribution": {Classes: []Class{Image, Audio}, MaxBytes: 10 << 20},
	"attachment":   {Classes: []Class{Image, Document}, MaxBytes: 20 << 20},
}

type assetDoc struct {
	ID          string    `bson:"_id"`
	Hash        string    `bson:"hash"`
	Mime        string    `bson:"mime"`
	Class       Class     `bson:"class"`
	Size        int64     `bson:"size"`
	Filename    string    `bson:"filename"`
	Owner       string    `bson:"owner"`
	Purpose     string    `bson:"purpose"`
	Visibility  []string  `bson:"visibility"`
	LinkVersion int       `bson:"linkVersion"`
	CreatedAt   time.Time `bson:"createdAt"`
}

// Asset is the API view of a media file.
type Asset struct {
	ID        string    `json:"id"`
	Mime      string    `json:"mime"`
	Class     Class     `json:"class"`
	Size      int64     `json:"size"`
	Filename  string    `json:"filename"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"createdAt"`
	// Owner is the uploader's account id (other domains check it before attaching a file).
	Owner string `json:"-"`
}

func (d *assetDoc) api() *Asset {
	return &Asset{ID: d.ID, Mime: d.Mime, Class: d.Class, Size: d.Size, Filename: d.Filename, URL: "/api/v1/media/" + d.ID,
		CreatedAt: d.CreatedAt, Owner: d.Owner}
}

// Service implements the media store.
type Service struct {
	st     *Store
	blobs  blob.Store
	secret []byte
	now    func() time.Time
	limits *auth.Limits
	// afterCount, in tests, runs when a blob deletion has counted the blob's users (to interleave an upload).
	afterCount func()
}

// StaffPrefix + orgID in a file's visibility grants it to the staff of that organisation (its admins and
// professionals, and platform admins), not to its plain members; it is the search vocabulary's value, so
// a record's photos and voice notes carry exactly the record's visibility.
const StaffPrefix = search.StaffPrefix

// uploadLimit bounds uploads per person (shared by every node through the store).
var uploadLimit = auth.Limit{Name: "upload-user", Max: 60, Window: time.Hour,
	Message: "You have uploaded many files in a short time. Wait a while and try again."}

// NewService builds the service; secret signs private links; limits bound uploads per person.
func NewService(st *Store, blobs blob.Store, secret string, limits *auth.Limits) *Service {
	return &Service{st: st, blobs: blobs, secret: []byte(secret), now: time.Now, limits: limits}
}

var errNotFound = apperr.NotFoundf("The file")

// cleanName keeps a display name safe: no folders, no control characters, bounded length.
func cleanName(name string) string {
	// The one hygiene rule for names: no control or right-to-left override ("photo\u202egnp.exe").
	name = clean.Line(strings.ReplaceAll(filepath.Base(strings.ReplaceAll(name, "\\", "/")), `"`, ""))
	if name == "." || name == ".." || name == "" {
		name = "file"
	}
	for utf8.RuneCountInString(name) > 120 {
		r := []rune(name)
		name = string(r[len(r)-120:])
	}
	return name
}

// Upload stores a file for the signed-in person. It is private to them until a feature publishes it
// (SetVisibility).
func (s *Service) Upload(ctx context.Context, p *auth.Principal, purpose, filename, declared string, r io.Reader) (*Asset, error) {
	pu, ok := Purposes[purpose]
	if !ok {
		return nil, apperr.Validation(apperr.Fields{"purpose": apperr.OneOf("contribution", "attachment")})
	}
	if _, err := s.limits.Take(ctx, uploadLimit, p.UserID); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, pu.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("mediafile: read upload: %w", err)
	}
	if int64(len(data)) > pu.MaxBytes {
		return nil, apperr.New(apperr.TooLarge, "file_too_large",
			fmt.Sprintf("The file is larger than %d MB. Choose a smaller one or reduce its quality.", pu.MaxBytes>>20))
	}
	if len(data) == 0 {
		return nil, apperr.Validation(apperr.Fields{"file": apperr.Because("empty_file")})
	}
	mime, class, known := sniff(data, declared)
	allowed := false
	for _, c := range pu.Classes {
		allowed = allowed || (known && c == class)
	}
	if !allowed {
		return nil, apperr.New(apperr.Unsupported, "unsupported_file_type",
			fmt.Sprintf("This kind of file (%s) cannot be used here. Accepted: %s.", mime, classList(pu.Classes)))
	}
	data = stripMetadata(mime, data)
	put := func() (blob.Info, error) { return s.blobs.Put(ctx, bytes.NewReader(data), pu.MaxBytes) }
	info, err := put()
	if err != nil {
		return nil, fmt.Errorf("mediafile: store: %w", err)
	}
	release, err := s.hold(ctx, info.Hash, func() error { _, err := put(); return err })
	if err != nil {
		return nil, err
	}
	defer release()
	d := &assetDoc{ID: store.NewID(), Hash: info.Hash, Mime: mime, Class: class, Size: info.Size, Filename: cleanName(filename),
		Owner: p.UserID, Purpose: purpose, Visibility: []string{"user:" + p.UserID}, CreatedAt: s.now().UTC()}
	if err := s.st.insertAsset(ctx, d); err != nil {
		return nil, err
	}
	return d.api(), nil
}

func classList(cs []Class) string {
	names := map[Class]string{Image: "photos (JPEG, PNG, WebP)", Audio: "voice notes and audio (Ogg, WebM, MP3, M4A, WAV)",
		Video: "video (WebM, MP4)", Document: "documents (PDF, Word, Excel, PowerPoint, OpenDocument)"}
	var out []string
	for _, c := range cs {
		out = append(out, names[c])
	}
	return strings.Join(out, ", ")
}

func (s *Service) load(ctx context.Context, id string) (*assetDoc, error) {
	return s.st.asset(ctx, id)
}

// Attacher is what a domain needs to attach uploads to its records (diagnosis contributions, practices): an
// upload's owner and class (Get), and who may read it (SetVisibility). *Service implements it.
type Attacher interface {
	Get(ctx context.Context, id string) (*Asset, error)
	SetVisibility(ctx context.Context, id string, visibility []string) error
}

// Get returns an asset's metadata for other domains (no access check: they check ownership themselves).
func (s *Service) Get(ctx context.Context, id string) (*Asset, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.api(), nil
}

// Open reads an asset's bytes for another domain that checked access itself (a recording's whole-session
// download reads its imported segments this way, on any node: the blobs are in the shared media store).
func (s *Service) Open(ctx context.Context, id string) (blob.File, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	f, err := s.blobs.Open(d.Hash)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, errNotFound
	}
	return f, err
}

// SetVisibility replaces who may read the file (search visibility values: public, org:<id>, user:<id>).
func (s *Service) SetVisibility(ctx context.Context, id string, visibility []string) error {
	return found(s.st.setVisibility(ctx, id, visibility))
}

// found answers errNotFound (404) for a change of an asset that is not there.
func found(err error) error {
	if store.IsNotFound(err) {
		return errNotFound
	}
	return err
}

// Delete removes an asset and, when no other asset shares its bytes, the blob.
func (s *Service) Delete(ctx context.Context, id string) error {
	d, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	if err := s.st.deleteAsset(ctx, id); err != nil {
		return err
	}
	return s.deleteBlob(ctx, d.Hash)
}

func (s *Service) sign(id string, exp int64, version int) string {
	m := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(m, "media|%s|%d|%d", id, exp, version)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// SignedURL returns a private link to the file that works without an account until it expires or the file's
// links are revoked.
func (s *Service) SignedURL(ctx context.Context, id string, ttl time.Duration) (string, time.Time, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return "", time.Time{}, err
	}
	exp := s.now().Add(ttl).Unix()
	return fmt.Sprintf("/api/v1/media/%s?exp=%d&sig=%s", id, exp, s.sign(id, exp, d.LinkVersion)), time.Unix(exp, 0).UTC(), nil
}

// RevokeLinks invalidates every signed link to the file given out so far.
func (s *Service) RevokeLinks(ctx context.Context, id string) error {
	return found(s.st.nextLinkVersion(ctx, id))
}

// canRead decides access: visibility granted to the reader, or a valid signed link. Every refusal looks like
// "not found" so that nobody learns a private file exists.
func (s *Service) canRead(ctx context.Context, d *assetDoc, p *auth.Principal, exp, sig string) (bool, error) {
	if sig != "" {
		e, err := strconv.ParseInt(exp, 10, 64)
		return err == nil && s.now().Unix() <= e && hmac.Equal([]byte(sig), []byte(s.sign(d.ID, e, d.LinkVersion))), nil
	}
	// The one visibility rule (search.Reader.Sees): platform admins read files with no grant at all too
	// (host-only recording segments).
	return p.Reader().Sees(d.Visibility), nil
}

// isPublic reports whether anyone may read the file, so shared caches may keep it.
func (d *assetDoc) isPublic() bool {
	return slices.Contains(d.Visibility, search.Public)
}

// ImportInput describes a file a feature produced itself (e.g. a recording segment) rather than one a person
// uploaded: no sniffing or size per purpose, a caller-chosen id so that importing twice is harmless.
type ImportInput struct {
	ID         string   // must pass store.ValidID; an existing asset with this id is returned as is
	Purpose    string   // what the file is (e.g. "recording"), kept as the asset's purpose
	Mime       string   // trusted: the feature wrote the bytes
	Filename   string   // display name (cleaned)
	Owner      string   // owning account or "org:<id>"
	Visibility []string // as SetVisibility; empty: nobody but platform admins and signed links
	MaxBytes   int64
}

// Import stores r's bytes as the asset in.ID. It is idempotent: when the id exists (imported before, by this
// or another node), the stored asset is returned and r is not read.
func (s *Service) Import(ctx context.Context, in ImportInput, r io.Reader) (*Asset, error) {
	if !store.ValidID(in.ID) {
		return nil, fmt.Errorf("mediafile: import: invalid id %q", in.ID)
	}
	if d, err := s.load(ctx, in.ID); err == nil {
		return d.api(), nil
	} else if !apperr.IsKind(err, apperr.NotFound) {
		return nil, err
	}
	info, err := s.blobs.Put(ctx, r, in.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("mediafile: import: %w", err)
	}
	release, err := s.hold(ctx, info.Hash, nil) // r is read: an import whose blob went is retried by its caller
	if err != nil {
		return nil, err
	}
	defer release()
	vis := in.Visibility
	if vis == nil {
		vis = []string{}
	}
	d := &assetDoc{ID: in.ID, Hash: info.Hash, Mime: in.Mime, Class: Audio, Size: info.Size, Filename: cleanName(in.Filename),
		Owner: in.Owner, Purpose: in.Purpose, Visibility: vis, CreatedAt: s.now().UTC()}
	if c, ok := accepted[in.Mime]; ok {
		d.Class = c
	}
	if err := s.st.insertAsset(ctx, d); err != nil {
		if store.IsDuplicate(err) { // another node imported it meanwhile: same bytes, same blob
			return s.Get(ctx, in.ID)
		}
		return nil, err
	}
	return d.api(), nil
}
