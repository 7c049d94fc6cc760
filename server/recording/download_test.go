package recording_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/teixit/teixit/media/ogg"
	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/testkit"
)

// oggLinks checks that b is a whole, valid Ogg physical stream (every page's CRC checked) and returns its
// links: the serial of each logical stream in order, with its page count and whether it ended with EOS.
func oggLinks(t *testing.T, b []byte) (serials []uint32, eos []bool) {
	t.Helper()
	pages := ogg.Scan(b)
	if len(pages) == 0 {
		t.Fatal("no Ogg pages")
	}
	last := pages[len(pages)-1]
	if int(last.Offset)+last.Size != len(b) {
		t.Fatalf("the file has %d bytes after its last valid page", len(b)-int(last.Offset)-last.Size)
	}
	for _, p := range pages {
		serial := binary.LittleEndian.Uint32(b[p.Offset+14 : p.Offset+18])
		if p.Flags&0x02 != 0 { // beginning of stream
			serials, eos = append(serials, serial), append(eos, false)
			if !bytes.HasPrefix(b[p.Offset+int64(27+int(b[p.Offset+26])):], []byte("OpusHead")) {
				t.Fatalf("link %d does not start with OpusHead", len(serials))
			}
		} else if len(serials) == 0 || serials[len(serials)-1] != serial {
			t.Fatalf("page of serial %d outside its link", serial)
		}
		if p.Flags&0x04 != 0 {
			eos[len(eos)-1] = true
		}
	}
	return serials, eos
}

func probeSeconds(t *testing.T, b []byte) float64 {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		return -1
	}
	path := filepath.Join(t.TempDir(), "session.ogg")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	d, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	return d
}

// TestDownloadBothPaths: the whole session as one file, through ffmpeg (the turns mixed on the session's
// timeline) and through the chained-Ogg fallback (one after another); same access as the manifest.
func TestDownloadBothPaths(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.standardSession(t) // 50 + 30 + 20 packets of 20 ms = 2 s of audio
	dl := f.base + "/recording/download"
	for name, c := range map[string]*testkit.Client{"anonymous": nil, "outsider": f.outsider, "other organisation": f.ot} {
		if r := f.a.Do(c, "GET", dl, nil); r.Status != 404 {
			t.Errorf("%s downloads: %d", name, r.Status)
		}
	}

	t.Run("chained Ogg fallback", func(t *testing.T) {
		f.a.Recordings.SetFFmpeg("off")
		r := f.a.Do(f.member, "GET", dl, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "audio/ogg" || r.Header.Get("X-Teixit-Download") != "chained-ogg" ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %v", r.Status, r.Header)
		}
		serials, eos := oggLinks(t, r.Body)
		if len(serials) != 3 || serials[0] == serials[1] || serials[1] == serials[2] || serials[0] == serials[2] {
			t.Fatalf("links: %v", serials)
		}
		for i, e := range eos {
			if !e {
				t.Errorf("link %d does not end with an end-of-stream page", i+1)
			}
		}
		// ffprobe reports one link's duration for chained files: add up each link's last granule (48 kHz).
		var total float64
		pages := ogg.Scan(r.Body)
		for i, p := range pages {
			if i == len(pages)-1 || pages[i+1].Flags&0x02 != 0 {
				total += float64(p.Granule) / 48000
			}
		}
		if total < 1.9 || total > 2.1 {
			t.Errorf("chained duration %.2f s, want 2 s", total)
		}
	})
	t.Run("ffmpeg", func(t *testing.T) {
		if _, err := exec.LookPath("ffmpeg"); err != nil {
			t.Skip("ffmpeg is not installed (CI installs it)")
		}
		f.a.Recordings.SetFFmpeg("")
		r := f.a.Do(f.member, "GET", dl, nil)
		if r.Status != 200 || r.Header.Get("X-Teixit-Download") != "ffmpeg" {
			t.Fatalf("download: %d %v %s", r.Status, r.Header, r.Body)
		}
		serials, eos := oggLinks(t, r.Body)
		if len(serials) != 1 || !eos[0] {
			t.Fatalf("ffmpeg's file should be one logical stream: %v %v", serials, eos)
		}
		// Mixed on one timeline: each turn starts at its startMs (from the first turn's) and lasts its audio
		// (50, 30, 20 packets of 20 ms). The fixture writes a turn's packets faster than real time, so the
		// turns overlap on the session clock: played one after another they would last 2 s, mixed they end
		// with the latest one.
		m := f.manifest(t, f.member, f.base+"/recording")
		audio := []float64{1.0, 0.6, 0.4}
		want := 0.0
		for i, tv := range m.Turns {
			want = max(want, float64(tv.StartMs-m.Turns[0].StartMs)/1000+audio[i])
		}
		d := probeSeconds(t, r.Body)
		t.Logf("mixed download %.2f s, session span %.2f s (the turns' audio adds up to 2 s)", d, want)
		if d >= 0 && (d < want-0.1 || d > want+0.1) {
			t.Errorf("ffprobe duration %.2f s, want the session's span %.2f s", d, want)
		}
	})
}

// TestMixInGroups: a session of 20 turns mixed with a fan-in of 3 (so ffmpeg never opens more than three files
// at once: groups of three, then groups of those, in three rounds) puts each turn at its place on the timeline
// exactly as one mix would: the file lasts from the first turn's start to the last turn's end.
func TestMixInGroups(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg is not installed (CI installs it)")
	}
	f := newFixture(t, nil)
	f.a.Recordings.SetFFmpeg("")
	dir := t.TempDir()
	var files []string
	var delays []int64
	for i := range 20 {
		path := filepath.Join(dir, fmt.Sprintf("turn-%02d.ogg", i))
		tone := fmt.Sprintf("sine=frequency=%d:duration=0.3", 300+10*i)
		if b, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", tone, "-c:a", "libopus", "-f", "ogg", path).CombinedOutput(); err != nil {
			t.Fatalf("making turn %d: %v %s", i, err, b)
		}
		files, delays = append(files, path), append(delays, int64(i)*100) // each turn 100 ms after the last: they overlap
	}
	out, err := f.a.Recordings.MixFanIn(t.Context(), files, delays, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer recording.RemoveDownload(out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if serials, eos := oggLinks(t, b); len(serials) != 1 || !eos[0] {
		t.Fatalf("one Ogg Opus stream expected: %v %v", serials, eos)
	}
	want := 1.9 + 0.3 // the last turn starts at 1.9 s and lasts 0.3 s
	if d := probeSeconds(t, b); d >= 0 && (d < want-0.1 || d > want+0.1) {
		t.Errorf("mixed in groups: %.2f s, want %.2f s", d, want)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*.flac"))
	if len(left) != 0 {
		t.Errorf("group files left behind: %v", left)
	}
}
