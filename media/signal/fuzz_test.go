package signal

import (
	"errors"
	"testing"
)

// FuzzDecode checks that any input either decodes to a known type with a
// typed payload or fails with an *Error, and never panics. The seed corpus
// runs in every normal `go test`.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"v":1,"type":"join","id":"1","payload":{"displayName":"A","audioOnly":true,"resumeToken":"t"}}`,
		`{"v":1,"type":"leave"}`,
		`{"v":1,"type":"offer","payload":{"sdp":"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"}}`,
		`{"v":1,"type":"candidate","payload":{"candidate":"","sdpMid":"0","sdpMLineIndex":0}}`,
		`{"v":1,"type":"grant_floor","payload":{"participantId":"p"}}`,
		`{"v":1,"type":"chat","payload":{"text":"bon dia"}}`,
		`{"v":1,"type":"set_question","payload":{"index":2}}`,
		`{"v":1,"type":"speaking","payload":{"level":3}}`,
		`{"v":1,"type":"recording_consent","payload":{"consent":true}}`,
		`{"v":1,"type":"recording_consent","payload":{}}`,
		`{"v":1,"type":"join","payload":{"displayName":"\u0000"}}`,
		`{"v":1,"type":"join","payload":null}`,
		`{"v":1,"type":"x"}`,
		`{"v":1e400}`,
		`[]`,
		`{`,
		"\xff\xfe",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeClient(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
				t.Fatalf("error %v is not a complete *Error", err)
			}
			return
		}
		spec, ok := clientTypes[m.Type]
		if !ok || m.Payload == nil {
			t.Fatalf("decoded unknown type %q or nil payload", m.Type)
		}
		if err := spec.validate(m.Payload); err != nil {
			t.Fatalf("decoded payload fails validation: %v", err)
		}
		if _, err := Encode(m.Type, m.ID, m.Payload); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}
