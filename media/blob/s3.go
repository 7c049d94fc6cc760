package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where an S3-compatible bucket is (AWS S3, MinIO, versitygw, Ceph RGW, Garage…).
type S3Config struct {
	// Endpoint is the service's URL, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:7070.
	Endpoint string
	Bucket   string
	// Region; default us-east-1.
	Region    string
	AccessKey string
	SecretKey string
	// PathStyle: "true" puts the bucket in the path (MinIO, versitygw), "false" in the host name (AWS),
	// "" lets the client decide from the endpoint.
	PathStyle string
	// TmpDir is a local folder where uploads are spooled while hashed (content addressing needs the hash
	// before the name). Created if needed.
	TmpDir string
}

// S3 stores blobs as objects aa/bb/<hash> in a bucket. Several nodes share one bucket: a blob stored
// through one node is read through any other.
type S3 struct {
	core   minio.Core
	bucket string
	tmp    string
}

// NewS3 connects and proves the bucket is usable by writing, reading and deleting a small probe object, so a
// missing bucket, wrong keys or a bucket that refuses writes stop the node at start with a clear error
// instead of failing uploads later.
func NewS3(ctx context.Context, c S3Config) (*S3, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("blob: S3 endpoint %q is not an http(s) URL", c.Endpoint)
	}
	lookup := minio.BucketLookupAuto
	switch c.PathStyle {
	case "true":
		lookup = minio.BucketLookupPath
	case "false":
		lookup = minio.BucketLookupDNS
	}
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: S3 client: %w", err)
	}
	if err := os.MkdirAll(c.TmpDir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	s := &S3{core: minio.Core{Client: client}, bucket: c.Bucket, tmp: c.TmpDir}
	if err := s.probe(ctx); err != nil {
		return nil, fmt.Errorf("blob: S3 bucket %q at %s is not usable: %w", c.Bucket, u.Host, err)
	}
	return s, nil
}

func (s *S3) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := s.core.BucketExists(ctx, s.bucket)
	if err != nil {
		return describe(err)
	}
	if !ok {
		return errors.New("the bucket does not exist (create it first)")
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	key := "teixit-probe/" + hex.EncodeToString(id[:])
	body := []byte("teixit write probe")
	if _, err := s.core.Client.PutObject(ctx, s.bucket, key, bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ContentType: "text/plain"}); err != nil {
		return fmt.Errorf("cannot write: %w", describe(err))
	}
	defer s.core.Client.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{})
	rc, _, _, err := s.core.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return fmt.Errorf("cannot read back: %w", describe(err))
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, body) {
		return fmt.Errorf("cannot read back what was written (%v)", err)
	}
	return nil
}

// Check reports whether the bucket still answers; /readyz uses it.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.core.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("blob: S3: %w", describe(err))
	}
	if !ok {
		return fmt.Errorf("blob: S3 bucket %q is gone", s.bucket)
	}
	return nil
}

// describe keeps the S3 error code and message (AccessDenied, NoSuchBucket…) and drops the rest.
func describe(err error) error {
	if r := minio.ToErrorResponse(err); r.Code != "" {
		return fmt.Errorf("%s: %s", r.Code, r.Message)
	}
	return err
}

func (s *S3) key(hash string) string { return hash[:2] + "/" + hash[2:4] + "/" + hash }

// Put spools r to a local temporary file while hashing it, then uploads it under its hash unless an object
// of that name already exists (content addressing: the same bytes are stored once). An object appears
// whole or not at all.
func (s *S3) Put(ctx context.Context, r io.Reader, maxSize int64) (Info, error) {
	tmp, info, err := spool(ctx, s.tmp, r, maxSize)
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if st, err := s.core.Client.StatObject(ctx, s.bucket, s.key(info.Hash), minio.StatObjectOptions{}); err == nil && st.Size == info.Size {
		return info, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	_, err = s.core.Client.PutObject(ctx, s.bucket, s.key(info.Hash), tmp, info.Size,
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return Info{}, fmt.Errorf("blob: S3 put: %w", describe(err))
	}
	return info, nil
}

// Open looks the object up (one HEAD) and returns a File that reads it with ranged GETs: sequential reads
// from one offset share one streamed GET, so serving an HTTP range costs one request to the bucket.
func (s *S3) Open(hash string) (File, error) {
	if !ValidHash(hash) {
		return nil, ErrBadHash
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := s.core.Client.StatObject(ctx, s.bucket, s.key(hash), minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("blob: S3 stat: %w", describe(err))
	}
	return &s3File{s: s, key: s.key(hash), size: st.Size}, nil
}

// Delete removes the object; a missing object is not an error.
func (s *S3) Delete(hash string) error {
	if !ValidHash(hash) {
		return ErrBadHash
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.core.Client.RemoveObject(ctx, s.bucket, s.key(hash), minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		return fmt.Errorf("blob: S3 delete: %w", describe(err))
	}
	return nil
}

// s3File reads an object. ReadAt keeps one open GET (from the last offset to the end of the object) and
// reuses it while reads continue where the previous one stopped; a jump opens a new ranged GET.
type s3File struct {
	s    *S3
	key  string
	size int64

	mu     sync.Mutex
	body   io.ReadCloser
	bodyAt int64 // offset of body's next byte
	pos    int64 // Read/Seek position
}

func (f *s3File) Size() int64 { return f.size }

func (f *s3File) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	if off >= f.size {
		return 0, io.EOF
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.body == nil || f.bodyAt != off {
		if f.body != nil {
			f.body.Close()
			f.body = nil
		}
		var opts minio.GetObjectOptions
		if err := opts.SetRange(off, f.size-1); err != nil {
			return 0, err
		}
		// No timeout on the stream: a slow client reads a big file for a long time.
		body, _, _, err := f.s.core.GetObject(context.Background(), f.s.bucket, f.key, opts)
		if err != nil {
			return 0, fmt.Errorf("blob: S3 get: %w", describe(err))
		}
		f.body, f.bodyAt = body, off
	}
	want := p
	if rest := f.size - off; int64(len(want)) > rest {
		want = want[:rest]
	}
	n, err := io.ReadFull(f.body, want)
	f.bodyAt += int64(n)
	if err != nil {
		f.body.Close()
		f.body = nil
		return n, fmt.Errorf("blob: S3 read: %w", err)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *s3File) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.pos)
	f.pos += int64(n)
	return n, err
}

func (f *s3File) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.pos
	case io.SeekEnd:
		offset += f.size
	default:
		return 0, errors.New("blob: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("blob: negative position")
	}
	f.pos = offset
	return offset, nil
}

func (f *s3File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.body != nil {
		err := f.body.Close()
		f.body = nil
		return err
	}
	return nil
}
