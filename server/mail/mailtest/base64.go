package mailtest

import (
	"encoding/base64"
	"io"
	"strings"
)

// newBase64 decodes a base64 body whose lines are wrapped (MIME wraps at 76 characters).
func newBase64(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, &unwrap{r: r})
}

type unwrap struct{ r io.Reader }

func (u *unwrap) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	s := strings.NewReplacer("\r", "", "\n", "").Replace(string(p[:n]))
	return copy(p, s), err
}
