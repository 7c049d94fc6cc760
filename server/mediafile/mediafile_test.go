package mediafile_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

func multipartBody(t *testing.T, filename, contentType string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename)}
	h["Content-Type"] = []string{contentType}
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// photoWithGPS is a real JPEG with an EXIF segment carrying a GPS marker, as phones write them.
func photoWithGPS(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), []byte("GPSLatitude 41.3797 GPSLongitude 2.1683")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{0xFF, 0xD8}, seg...)
	out = append(out, payload...)
	return append(out, b.Bytes()[2:]...)
}

type asset struct{ ID, Mime, Class, URL string }

func upload(t *testing.T, a *testkit.App, c *testkit.Client, purpose, name, ct string, data []byte) (int, asset, string) {
	t.Helper()
	body, mct := multipartBody(t, name, ct, data)
	r := a.Do(c, "POST", "/api/v1/media?purpose="+purpose, body, "Content-Type", mct)
	var as asset
	if r.Status == 201 {
		r.JSON(t, &as)
	}
	return r.Status, as, string(r.Body)
}

func TestUploadSniffStripAndServe(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	status, photo, body := upload(t, a, ana, "contribution", "../../etc/IMG_0001.jpg", "image/jpeg", photoWithGPS(t))
	if status != 201 || photo.Mime != "image/jpeg" || photo.Class != "image" {
		t.Fatalf("upload: %d %s", status, body)
	}
	r := a.Do(ana, "GET", photo.URL, nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("owner reads: %d %v", r.Status, r.Header)
	}
	if bytes.Contains(r.Body, []byte("GPSLatitude")) || bytes.Contains(r.Body, []byte("Exif")) {
		t.Fatal("location metadata was not stripped")
	}
	if _, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil {
		t.Fatalf("stripped photo no longer decodes: %v", err)
	}
	if cd := r.Header.Get("Content-Disposition"); strings.Contains(cd, "..") || strings.Contains(cd, "/") {
		t.Fatalf("unsafe filename kept: %q", cd)
	}
	// Private until published: others, anonymous and forged links see "not found".
	a.Run(t, []testkit.Scenario{
		{Name: "another user", As: bea, Method: "GET", Path: photo.URL, Status: 404},
		{Name: "anonymous", Method: "GET", Path: photo.URL, Status: 404},
		{Name: "anonymous info", Method: "GET", Path: photo.URL + "/info", Status: 404},
		{Name: "forged signature", Method: "GET", Path: photo.URL + "?exp=9999999999&sig=AAAA", Status: 404},
		{Name: "unknown id", Method: "GET", Path: "/api/v1/media/nope", Status: 404},
		{Name: "path trick", Method: "GET", Path: "/api/v1/media/..%2F..%2Fsecret", Status: 404},
	})
	// A signed link works without an account, until revoked.
	link, _, err := a.Media.SignedURL(context.Background(), photo.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Do(nil, "GET", link, nil); r.Status != 200 || r.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("signed link: %d %v", r.Status, r.Header)
	}
	u, _ := url.Parse(link)
	tampered := u.Path + "?exp=" + fmt.Sprint(time.Now().Add(48*time.Hour).Unix()) + "&sig=" + u.Query().Get("sig")
	if r := a.Do(nil, "GET", tampered, nil); r.Status != 404 {
		t.Fatalf("tampered expiry accepted: %d", r.Status)
	}
	expired, _, _ := a.Media.SignedURL(context.Background(), photo.ID, -time.Minute)
	if r := a.Do(nil, "GET", expired, nil); r.Status != 404 {
		t.Fatalf("expired link accepted: %d", r.Status)
	}
	if err := a.Media.RevokeLinks(context.Background(), photo.ID); err != nil {
		t.Fatal(err)
	}
	if r := a.Do(nil, "GET", link, nil); r.Status != 404 {
		t.Fatalf("revoked link accepted: %d", r.Status)
	}
	// Published: everyone, with a public cache header.
	if err := a.Media.SetVisibility(context.Background(), photo.ID, []string{"public"}); err != nil {
		t.Fatal(err)
	}
	if r := a.Do(nil, "GET", photo.URL, nil); r.Status != 200 || r.Header.Get("Cache-Control") != "public, no-cache" {
		t.Fatalf("public: %d %v", r.Status, r.Header)
	}
}

func TestRanges(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	data := []byte("%PDF-1.4\n" + strings.Repeat("informe de la jornada ", 100) + "\n%%EOF\n")
	status, doc, body := upload(t, a, ana, "attachment", "informe.pdf", "application/pdf", data)
	if status != 201 || doc.Mime != "application/pdf" {
		t.Fatalf("upload pdf: %d %s", status, body)
	}
	size := len(data)
	for _, tc := range []struct {
		rng          string
		status       int
		contentRange string
		body         string
	}{
		{"bytes=0-3", 206, fmt.Sprintf("bytes 0-3/%d", size), "%PDF"},
		{"bytes=-6", 206, fmt.Sprintf("bytes %d-%d/%d", size-6, size-1, size), "%%EOF\n"},
		{fmt.Sprintf("bytes=%d-", size-2), 206, fmt.Sprintf("bytes %d-%d/%d", size-2, size-1, size), "F\n"},
		{"bytes=5-99999999", 206, fmt.Sprintf("bytes 5-%d/%d", size-1, size), ""},
		{"bytes=0-1,4-5", 200, "", ""},
		{fmt.Sprintf("bytes=%d-", size), 416, fmt.Sprintf("bytes */%d", size), "invalid_range"},
		{"bytes=9-3", 416, "", "invalid_range"},
		{"bytes=abc", 416, "", "invalid_range"},
		{"items=0-3", 416, "", "invalid_range"},
	} {
		r := a.Do(ana, "GET", doc.URL, nil, "Range", tc.rng)
		if r.Status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.rng, r.Status, tc.status, r.Body)
			continue
		}
		if tc.contentRange != "" && r.Header.Get("Content-Range") != tc.contentRange {
			t.Errorf("%s: Content-Range %q, want %q", tc.rng, r.Header.Get("Content-Range"), tc.contentRange)
		}
		if tc.body != "" && !strings.Contains(string(r.Body), tc.body) {
			t.Errorf("%s: body %q lacks %q", tc.rng, r.Body, tc.body)
		}
	}
	r := a.Do(ana, "GET", doc.URL, nil)
	etag := r.Header.Get("ETag")
	if r := a.Do(ana, "GET", doc.URL, nil, "If-None-Match", etag); r.Status != 304 {
		t.Fatalf("If-None-Match: %d", r.Status)
	}
}

func TestUploadBadInput(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	cases := []struct {
		name, purpose, file, ct string
		data                    []byte
		status                  int
		code                    string
	}{
		{"text pretending to be a photo", "contribution", "photo.jpg", "image/jpeg", []byte("just some text, not a photo at all"), 415, "unsupported_file_type"},
		{"a PDF where photos or voice are expected", "contribution", "x.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF"), 415, "unsupported_file_type"},
		{"an executable", "attachment", "setup.pdf", "application/pdf", append([]byte("MZ\x90\x00"), make([]byte, 200)...), 415, "unsupported_file_type"},
		{"too large", "contribution", "big.jpg", "image/jpeg", append(photoWithGPS(t), make([]byte, 11<<20)...), 413, "file_too_large"},
		{"unknown purpose", "avatar", "a.jpg", "image/jpeg", photoWithGPS(t), 400, "validation"},
		{"empty file", "contribution", "a.jpg", "image/jpeg", []byte{}, 400, "validation"},
	}
	for _, tc := range cases {
		status, _, body := upload(t, a, ana, tc.purpose, tc.file, tc.ct, tc.data)
		if status != tc.status || !strings.Contains(body, `"code":"`+tc.code+`"`) {
			t.Errorf("%s: %d %s", tc.name, status, body)
		}
	}
	if status, _, _ := upload(t, a, nil, "contribution", "a.jpg", "image/jpeg", photoWithGPS(t)); status != 401 {
		t.Errorf("anonymous upload: %d", status)
	}
	if r := a.Do(ana, "POST", "/api/v1/media?purpose=contribution", map[string]string{"file": "x"}); r.Status != 400 {
		t.Errorf("JSON instead of multipart: %d %s", r.Status, r.Body)
	}
}
