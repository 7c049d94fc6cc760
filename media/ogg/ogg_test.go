package ogg

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3/pkg/media/oggwriter"
)

// opusFile writes n audio pages with Pion's oggwriter, an independent writer of the same format.
func opusFile(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := oggwriter.NewWith(&buf, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		p := &rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Timestamp: uint32(i * 960)}, Payload: []byte{0xf8, 0xff, 0xfe, byte(i)}}
		if err := w.WriteRTP(p); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestScanAgreesWithPion(t *testing.T) {
	b := opusFile(t, 10)
	pages := Scan(b)
	if len(pages) != 12 { // OpusHead, OpusTags, ten audio pages
		t.Fatalf("got %d pages, want 12", len(pages))
	}
	if last := pages[len(pages)-1]; last.End() != int64(len(b)) || last.Granule == 0 {
		t.Fatalf("last page %+v of %d bytes", last, len(b))
	}
	torn := b[:len(b)-3]
	if got := len(Scan(torn)); got != 11 {
		t.Fatalf("a torn tail: %d pages, want 11", got)
	}
	bad := append([]byte(nil), b...)
	bad[pages[5].Offset+int64(pages[5].Size)-1] ^= 0xff
	if got := len(Scan(bad)); got != 5 {
		t.Fatalf("a corrupt sixth page: %d pages kept, want 5", got)
	}
}

func TestReadMarkAndSeal(t *testing.T) {
	b := opusFile(t, 3)
	r := bufio.NewReader(bytes.NewReader(b[:len(b)-2]))
	var pages [][]byte
	for {
		p, err := ReadPage(r)
		if errors.Is(err, io.EOF) {
			t.Fatal("a torn last page must not read as a clean end")
		}
		if errors.Is(err, ErrTorn) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if len(pages) != 4 {
		t.Fatalf("read %d whole pages before the torn one, want 4", len(pages))
	}
	last := pages[len(pages)-1]
	MarkEnd(last)
	SetSerial(last, 7)
	if len(Scan(last)) != 0 {
		t.Fatal("a changed page must fail its checksum until sealed")
	}
	got := Scan(Seal(last))
	if len(got) != 1 || got[0].Flags&FlagEOS == 0 {
		t.Fatalf("sealed page: %+v", got)
	}
	if _, err := ReadPage(bufio.NewReader(bytes.NewReader(nil))); !errors.Is(err, io.EOF) {
		t.Fatalf("empty input: %v, want io.EOF", err)
	}
	if _, err := ReadPage(bufio.NewReader(bytes.NewReader(bytes.Repeat([]byte("x"), 40)))); !errors.Is(err, ErrTorn) {
		t.Fatalf("not Ogg: %v, want ErrTorn", err)
	}
}
