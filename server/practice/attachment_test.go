package practice_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// uploadPNG uploads a small PNG as an attachment and returns its media id.
func uploadPNG(t *testing.T, a *testkit.App, c *testkit.Client) string {
	t.Helper()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "guio.png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(img.Bytes())
	w.Close()
	r := a.Do(c, "POST", "/api/v1/media?purpose=attachment", body.Bytes(), "Content-Type", w.FormDataContentType())
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var as struct{ ID string }
	r.JSON(t, &as)
	return as.ID
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, base := f.a, "/api/v1/practices/"+f.pr
	mine, beas := uploadPNG(t, a, f.ana), uploadPNG(t, a, f.bea)
	a.Run(t, []testkit.Scenario{
		{Name: "someone else's file", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"attachments": []string{beas}}, Status: 400,
			Contains: []string{`"attachments":{"code":"not_your_file"`}},
		{Name: "unknown file", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"attachments": []string{"nope"}}, Status: 400},
		{Name: "wrong type", As: f.ana, Method: "PATCH", Path: base, Body: `{"attachments": "x"}`, Status: 400},
		{Name: "attach", As: f.ana, Method: "PATCH", Path: base, Body: map[string]any{"attachments": []string{mine}}, Status: 200,
			Contains: []string{`"attachments":[{"id":"` + mine + `","filename":"guio.png","mime":"image/png"`}},
		{Name: "a draft's file is private", Method: "GET", Path: "/api/v1/media/" + mine, Status: 404},
		{Name: "the organisation can read it", As: f.ana, Method: "GET", Path: "/api/v1/media/" + mine, Status: 200},
		{Name: "publish", As: f.ana, Method: "POST", Path: base + "/publish", Status: 200},
		{Name: "a published practice's file is public", Method: "GET", Path: "/api/v1/media/" + mine, Status: 200},
	})
}
