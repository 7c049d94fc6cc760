package recording

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/teixit/teixit/media/ogg"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
)

// Download is a whole-session file ready to send.
type Download struct {
	Filename string
	// Path is a finished file (ffmpeg) the caller sends and then removes; empty when Write streams it.
	Path string
	// Write streams the chained-Ogg fallback.
	Write func(w io.Writer) error
	// Via says how it was made: "ffmpeg" or "chained-ogg".
	Via string
}

// Download prepares the whole session as one Ogg Opus file, without the redacted turns. With ffmpeg, the
// turns are mixed on one timeline: each starts at its place in the session (its startMs from the first turn's)
// and overlapping turns (a moderator over a speaker) play together, so the file lasts as long as the session's
// recorded span, not the sum of the turns. Without ffmpeg the segments are chained as they are (each a
// complete Ogg Opus stream with its own serial number), one after another. Same access as the manifest.
func (s *Service) Download(ctx context.Context, p *auth.Principal, dayID, token string) (*Download, error) {
	w, err := s.whoFor(ctx, p, dayID, errRecordingNotFound)
	if err != nil {
		return nil, err
	}
	ok, _, err := s.access(ctx, w, token)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errRecordingNotFound
	}
	m, d, err := s.sync(ctx, w.day)
	if err != nil {
		return nil, err
	}
	turns := playable(m, d)
	if len(turns) == 0 {
		return nil, apperr.New(apperr.Conflict, "recording_empty", "The recording has no finished turns yet.")
	}
	files, cleanup, err := s.segmentFiles(ctx, w.day.ID, turns)
	if err != nil {
		return nil, err
	}
	name := "exchange-day-" + w.day.ID + ".ogg"
	if s.ffmpeg != "" {
		delays := make([]int64, len(turns))
		for i, t := range turns {
			delays[i] = t.StartMS - turns[0].StartMS // playable sorts by start
		}
		path, err := s.mix(ctx, files, delays)
		if err == nil {
			cleanup()
			return &Download{Filename: name, Path: path, Via: "ffmpeg"}, nil
		}
		s.log.Warn("recording: ffmpeg mix failed; sending chained Ogg", "day", w.day.ID, "err", err)
	}
	return &Download{Filename: name, Via: "chained-ogg", Write: func(out io.Writer) error {
		defer cleanup()
		return writeChain(out, files)
	}}, nil
}

// segmentFiles gives the turns' segments as files: this node's recorder folder when it holds them, else a
// temporary copy from the media store (a recording made on another node; cleanup removes the copies).
func (s *Service) segmentFiles(ctx context.Context, dayID string, turns []recTurn) (files []string, cleanup func(), err error) {
	tmp := ""
	cleanup = func() {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
	}
	for _, t := range turns {
		local := filepath.Join(s.dir(dayID), t.seg.File)
		if s.opts.Dir != "" {
			if _, err := os.Stat(local); err == nil {
				files = append(files, local)
				continue
			}
		}
		if tmp == "" {
			if tmp, err = os.MkdirTemp("", "teixit-segments-"); err != nil {
				return nil, cleanup, err
			}
		}
		path := filepath.Join(tmp, t.seg.File)
		if err := s.copyAsset(ctx, t.seg.AssetID, path); err != nil {
			cleanup()
			return nil, func() {}, err
		}
		files = append(files, path)
	}
	return files, cleanup, nil
}

func (s *Service) copyAsset(ctx context.Context, id, path string) error {
	src, err := s.media.Open(ctx, id)
	if err != nil {
		return fmt.Errorf("recording: segment %s: %w", id, err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// mixFanIn bounds the files one ffmpeg process opens at once: a long session's hundreds of turns are mixed in
// groups (each into a lossless FLAC starting at its group's first turn) whose results are mixed in turn.
const mixFanIn = 32

// mix runs ffmpeg to put every file on one timeline, delayed by delays[i] ms, mixed (amix without
// normalisation, so one voice keeps its level) and encoded once as Ogg Opus into a temporary file.
func (s *Service) mix(ctx context.Context, files []string, delays []int64) (string, error) {
	return s.mixFanIn(ctx, files, delays, mixFanIn)
}

func (s *Service) mixFanIn(ctx context.Context, files []string, delays []int64, fanIn int) (string, error) {
	select {
	case s.dl <- struct{}{}:
		defer func() { <-s.dl }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	tmp, err := os.MkdirTemp("", "teixit-download-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(tmp, "session.ogg")
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	parts := 0
	var mixInto func(files []string, delays []int64, out string, final bool) error
	mixInto = func(files []string, delays []int64, out string, final bool) error {
		if len(files) > fanIn {
			var groups []string
			var starts []int64
			for i := 0; i < len(files); i += fanIn {
				j := min(i+fanIn, len(files))
				start := slices.Min(delays[i:j])
				rel := make([]int64, j-i)
				for k := range rel {
					rel[k] = delays[i+k] - start
				}
				parts++
				part := filepath.Join(tmp, fmt.Sprintf("part-%04d.flac", parts))
				if err := mixInto(files[i:j], rel, part, false); err != nil {
					return err
				}
				groups, starts = append(groups, part), append(starts, start)
			}
			return mixInto(groups, starts, out, final)
		}
		args := []string{"-nostdin", "-hide_banner", "-loglevel", "error"}
		var graph, labels strings.Builder
		for i, f := range files {
			args = append(args, "-i", f)
			fmt.Fprintf(&graph, "[%d:a]adelay=delays=%d:all=1[a%d];", i, max(delays[i], 0), i)
			fmt.Fprintf(&labels, "[a%d]", i)
		}
		fmt.Fprintf(&graph, "%samix=inputs=%d:duration=longest:normalize=0[out]", labels.String(), len(files))
		args = append(args, "-filter_complex", graph.String(), "-map", "[out]")
		if final {
			args = append(args, "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", "-y", out)
		} else { // a group: lossless, so the sound is encoded once
			args = append(args, "-c:a", "flac", "-f", "flac", "-y", out)
		}
		if b, err := exec.CommandContext(ctx, s.ffmpeg, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ffmpeg: %w: %s", err, strings.TrimSpace(string(b)))
		}
		return nil
	}
	if err := mixInto(files, delays, out, true); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	for i := 1; i <= parts; i++ { // the groups are no longer needed: only the session file is sent
		_ = os.Remove(filepath.Join(tmp, fmt.Sprintf("part-%04d.flac", i)))
	}
	return out, nil
}

// RemoveDownload deletes a finished ffmpeg file and its temporary folder.
func RemoveDownload(path string) { _ = os.RemoveAll(filepath.Dir(path)) }

// writeChain writes the files as one chained Ogg stream: every file is a complete Ogg stream (BOS … EOS),
// copied page by page with its serial number rewritten to its place in the chain (1, 2, …) and its CRC
// recomputed, so no two links share a serial. A file's last complete page is marked end-of-stream (a torn
// tail is dropped).
func writeChain(w io.Writer, files []string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for i, name := range files {
		if err := copyLink(bw, name, uint32(i+1)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func copyLink(w io.Writer, name string, serial uint32) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var prev []byte
	for {
		page, err := ogg.ReadPage(r)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, ogg.ErrTorn) {
				break
			}
			return err
		}
		ogg.SetSerial(page, serial)
		if prev != nil {
			if _, err := w.Write(ogg.Seal(prev)); err != nil {
				return err
			}
		}
		prev = page
	}
	if prev == nil {
		return nil
	}
	ogg.MarkEnd(prev)
	_, err = w.Write(ogg.Seal(prev))
	return err
}
