package signal

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeClientValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		typ  string
		want func(t *testing.T, p any)
	}{
		{"join", `{"v":1,"type":"join","id":"1","payload":{"displayName":"Núria","audioOnly":true}}`, TypeJoin,
			func(t *testing.T, p any) {
				j := p.(*Join)
				if j.DisplayName != "Núria" || !j.AudioOnly {
					t.Errorf("got %+v", j)
				}
			}},
		{"leave without payload", `{"v":1,"type":"leave"}`, TypeLeave, nil},
		{"raise hand null payload", `{"v":1,"type":"raise_hand","payload":null}`, TypeRaiseHand, nil},
		{"grant", `{"v":1,"type":"grant_floor","payload":{"participantId":"p2"}}`, TypeGrantFloor,
			func(t *testing.T, p any) {
				if p.(*Target).ParticipantID != "p2" {
					t.Errorf("got %+v", p)
				}
			}},
		{"candidate", `{"v":1,"type":"candidate","payload":{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0}}`, TypeCandidate,
			func(t *testing.T, p any) {
				c := p.(*Candidate)
				if c.SDPMid == nil || *c.SDPMid != "0" || c.SDPMLineIndex == nil || *c.SDPMLineIndex != 0 {
					t.Errorf("got %+v", c)
				}
			}},
		{"chat multiline", `{"v":1,"type":"chat","payload":{"text":"hola\nadéu"}}`, TypeChat, nil},
		{"set question", `{"v":1,"type":"set_question","payload":{"index":3}}`, TypeSetQuestion, nil},
		{"offer", `{"v":1,"type":"offer","payload":{"sdp":"v=0\r\n"}}`, TypeOffer, nil},
		{"speaking", `{"v":1,"type":"speaking","payload":{"level":40}}`, TypeSpeaking, nil},
		{"consent no", `{"v":1,"type":"recording_consent","payload":{"consent":false}}`, TypeRecordingConsent,
			func(t *testing.T, p any) {
				if c := p.(*RecordingConsent).Consent; c == nil || *c {
					t.Errorf("got %+v", p)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeClient([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeClient: %v", err)
			}
			if m.Type != tt.typ {
				t.Fatalf("type %q, want %q", m.Type, tt.typ)
			}
			if tt.want != nil {
				tt.want(t, m.Payload)
			}
		})
	}
}

func TestDecodeClientRejects(t *testing.T) {
	big := `{"v":1,"type":"chat","payload":{"text":"` + strings.Repeat("a", MaxMessageSize) + `"}}`
	tests := []struct {
		name, in, code, ref string
	}{
		{"not json", `hello`, CodeBadMessage, ""},
		{"empty", ``, CodeBadMessage, ""},
		{"too large", big, CodeTooLarge, ""},
		{"version", `{"v":2,"type":"leave","id":"a"}`, CodeBadVersion, "a"},
		{"no version", `{"type":"leave"}`, CodeBadVersion, ""},
		{"unknown type", `{"v":1,"type":"dance","id":"x"}`, CodeUnknown, "x"},
		{"server type from client", `{"v":1,"type":"welcome","id":"x"}`, CodeUnknown, "x"},
		{"unknown envelope field", `{"v":1,"type":"leave","extra":1}`, CodeBadMessage, ""},
		{"unknown payload field", `{"v":1,"type":"join","id":"j","payload":{"name":"x"}}`, CodeBadMessage, "j"},
		{"wrong payload type", `{"v":1,"type":"set_question","id":"q","payload":{"index":"2"}}`, CodeBadMessage, "q"},
		{"negative question", `{"v":1,"type":"set_question","payload":{"index":-1}}`, CodeBadMessage, ""},
		{"missing target", `{"v":1,"type":"mute","payload":{}}`, CodeBadMessage, ""},
		{"empty chat", `{"v":1,"type":"chat","payload":{"text":"  "}}`, CodeBadMessage, ""},
		{"control chars in name", `{"v":1,"type":"join","payload":{"displayName":"a\u0007b"}}`, CodeBadMessage, ""},
		{"long name", `{"v":1,"type":"join","payload":{"displayName":"` + strings.Repeat("x", 65) + `"}}`, CodeBadMessage, ""},
		{"bad sdp", `{"v":1,"type":"answer","payload":{"sdp":"hello"}}`, CodeBadMessage, ""},
		{"level range", `{"v":1,"type":"speaking","payload":{"level":200}}`, CodeBadMessage, ""},
		{"consent missing", `{"v":1,"type":"recording_consent","id":"c","payload":{}}`, CodeBadMessage, "c"},
		{"consent not bool", `{"v":1,"type":"recording_consent","payload":{"consent":"yes"}}`, CodeBadMessage, ""},
		{"recording from client", `{"v":1,"type":"recording","payload":{"on":true}}`, CodeUnknown, ""},
		{"trailing data", `{"v":1,"type":"leave"} {}`, CodeBadMessage, ""},
		{"payload not object", `{"v":1,"type":"join","payload":[1]}`, CodeBadMessage, ""},
		{"long id", `{"v":1,"type":"leave","id":"` + strings.Repeat("i", 65) + `"}`, CodeBadMessage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeClient([]byte(tt.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not *Error", err)
			}
			if e.Code != tt.code || e.RefID != tt.ref {
				t.Fatalf("got code %q ref %q (%s), want %q %q", e.Code, e.RefID, e.Message, tt.code, tt.ref)
			}
			if e.Message == "" {
				t.Fatal("empty message")
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	b, err := Encode(TypeFloor, "7", &Floor{ParticipantID: "p1", State: FloorGranted})
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeServer(b)
	if err != nil {
		t.Fatalf("DecodeServer(%s): %v", b, err)
	}
	if f := m.Payload.(*Floor); m.ID != "7" || f.ParticipantID != "p1" || f.State != FloorGranted {
		t.Fatalf("got %+v %+v", m, f)
	}
	if _, err := DecodeServer([]byte(`{"v":1,"type":"join"}`)); err == nil {
		t.Fatal("server decoder accepted a client-only type")
	}
}

func TestAsError(t *testing.T) {
	if e := AsError(Errorf(CodeFull, "room is full")); e.Code != CodeFull {
		t.Fatalf("got %v", e)
	}
	if e := AsError(errors.New("secret detail")); e.Code != CodeInternal || strings.Contains(e.Message, "secret") {
		t.Fatalf("internal error leaked: %v", e)
	}
}
