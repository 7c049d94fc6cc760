package sfu

import (
	"context"
	"sync"
	"time"

	"github.com/pion/webrtc/v3"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/signal"
)

type fanKey struct {
	owner string // "" for the floor
	kind  webrtc.RTPCodecType
}

// sfuRoom couples a room.Room with its connections and media routing. mu
// guards everything below it; the lock order is SFU.mu → sfuRoom.mu →
// peer.negMu → fanout.mu.
type sfuRoom struct {
	s   *SFU
	id  string
	cfg RoomConfig

	mu      sync.Mutex
	st      *room.Room
	peers   map[string]*peer // participant ID → current connection
	sources map[string][]*source
	fans    map[fanKey]*fanout
	timer   *time.Timer
	turns   int
	dead    bool // ended or forgotten: admit must not use it

	closeOnce sync.Once
}

func newRoom(s *SFU, id string, rc RoomConfig) *sfuRoom {
	r := &sfuRoom{
		s: s, id: id, cfg: rc,
		st:      room.New(room.Config{Questions: rc.Questions, Capacity: rc.Capacity, Grace: s.cfg.Grace}),
		peers:   map[string]*peer{},
		sources: map[string][]*source{}, fans: map[fanKey]*fanout{},
	}
	if rc.Open != nil {
		var on bool
		r.cfg.Hooks, on = rc.Open()
		r.st.SetRecording(on)
	}
	r.questionLocked()
	r.fans[fanKey{"", webrtc.RTPCodecTypeAudio}] = newFanout("floor", "", webrtc.RTPCodecTypeAudio, opusCodec)
	if rc.Video {
		r.fans[fanKey{"", webrtc.RTPCodecTypeVideo}] = newFanout("floor", "", webrtc.RTPCodecTypeVideo, vp8Codec)
	}
	return r
}

// admit joins (or rejoins) a participant and returns its connection, with
// the welcome and the first offer queued.
func (r *sfuRoom) admit(ctx context.Context, info ParticipantInfo, j *signal.Join, ref string, conn Conn) (*peer, error) {
	pe, err := newPeer(r, info, j.AudioOnly, conn)
	if err != nil {
		writeError(ctx, conn, signal.AsError(err), ref)
		return nil, err
	}
	r.mu.Lock()
	if r.dead {
		r.mu.Unlock()
		pe.closePC()
		if nr, err := r.s.room(r.id, r.cfg); err == nil && nr != r {
			return nr.admit(ctx, info, j, ref, conn)
		}
		writeError(ctx, conn, room.ErrEnded, ref)
		return nil, room.ErrEnded
	}
	var part *room.Participant
	if j.ResumeToken != "" {
		part, err = r.st.Rejoin(j.ResumeToken, info.UserID)
	} else {
		name := j.DisplayName
		if name == "" {
			name = info.DisplayName
		}
		part, err = r.st.Join(info.UserID, name, info.Role, j.AudioOnly)
	}
	if err != nil {
		r.mu.Unlock()
		pe.closePC()
		writeError(ctx, conn, signal.AsError(err), ref)
		return nil, err
	}
	part.AudioOnly = j.AudioOnly
	pe.id = part.ID
	pe.info = ParticipantInfo{UserID: part.UserID, DisplayName: part.DisplayName, Role: part.Role}
	old := r.peers[part.ID]
	r.peers[part.ID] = pe
	subs := r.ownFansLocked(part, j.AudioOnly)
	var fans []*fanout
	for k, f := range r.fans {
		if k.owner != part.ID && (k.kind == webrtc.RTPCodecTypeAudio || !j.AudioOnly) {
			fans = append(fans, f)
		}
	}
	pe.sendMsg(signal.TypeWelcome, ref, &signal.Welcome{You: part.ID, Role: string(part.Role), ResumeToken: part.Token(),
		Revision: signal.Revision, Room: r.st.State()})
	r.upsertLocked(part.ID)
	r.schedule()
	r.mu.Unlock()

	if old != nil {
		old.finish(signal.TypeEnded, &signal.Ended{Reason: "replaced by a new connection"})
	}
	for _, f := range fans {
		pe.addDown(f)
	}
	pe.negotiate(false)
	for _, sub := range subs {
		sub.p.addDown(sub.f)
		sub.p.negotiate(false)
	}
	return pe, nil
}

// detach is called once when pe's session is over. A participant that left
// or was removed is gone; one whose connection dropped keeps its place for
// the grace period.
func (r *sfuRoom) detach(pe *peer, left bool) {
	r.mu.Lock()
	var keep []*source
	for _, s := range r.sources[pe.id] {
		if s.peer == pe {
			r.routeLocked(s, nil)
		} else {
			keep = append(keep, s)
		}
	}
	r.sources[pe.id] = keep
	if r.peers[pe.id] != pe {
		r.mu.Unlock()
		return
	}
	delete(r.peers, pe.id)
	delete(r.sources, pe.id)
	var drops []*downTrack
	if !r.dead {
		if left {
			if r.st.Leave(pe.id) == nil {
				drops = r.dropOwnedLocked(pe.id)
				r.leftLocked(pe.id)
			}
		} else {
			r.st.Disconnect(pe.id, time.Now())
			r.upsertLocked(pe.id)
		}
		r.routeAllLocked()
		r.schedule()
	}
	r.unlockAfterLeaving(drops)
}

// unlockAfterLeaving ends a change that took participants away (detach, expire): it releases the room's
// lock, removes the tracks that carried the gone participants' media from their subscribers and, if nobody
// is left, forgets the room. Both run without r.mu: forgetIfEmpty takes the SFU's lock before the room's.
func (r *sfuRoom) unlockAfterLeaving(drops []*downTrack) {
	empty := r.emptyLocked()
	r.mu.Unlock()
	removeDowns(drops)
	if empty {
		r.forgetIfEmpty()
	}
}

func (r *sfuRoom) emptyLocked() bool { return r.st.Len() == 0 && len(r.peers) == 0 }

// forgetIfEmpty removes the room from the SFU, holding both locks so a
// concurrent admit either sees the room dead or keeps it alive.
func (r *sfuRoom) forgetIfEmpty() {
	r.s.mu.Lock()
	r.mu.Lock()
	if r.emptyLocked() && !r.dead {
		r.dead = true
		if r.timer != nil {
			r.timer.Stop()
		}
		if r.s.rms[r.id] == r {
			delete(r.s.rms, r.id)
		}
	}
	gone := r.dead
	r.mu.Unlock()
	if gone {
		r.closedLocked()
	}
	r.s.mu.Unlock()
}

// closedLocked runs RoomConfig.Closed once; the caller holds the SFU's lock
// and the room is dead, with every source routed nowhere.
func (r *sfuRoom) closedLocked() {
	if r.cfg.Closed != nil {
		r.closeOnce.Do(r.cfg.Closed)
	}
}

// dropOwnedLocked forgets the fanouts owned by a participant who is gone and
// returns their subscribers' downTracks, to be removed without the lock.
func (r *sfuRoom) dropOwnedLocked(id string) []*downTrack {
	var drops []*downTrack
	for k, f := range r.fans {
		if k.owner == id {
			delete(r.fans, k)
			drops = append(drops, *f.downs.Load()...)
		}
	}
	return drops
}

func removeDowns(ds []*downTrack) {
	for _, d := range ds {
		d.peer.removeDown(d)
	}
}

// schedule arms the timer for the next grace expiry.
func (r *sfuRoom) schedule() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if next, ok := r.st.NextExpiry(); ok && !r.dead {
		r.timer = time.AfterFunc(time.Until(next), r.expire)
	}
}

func (r *sfuRoom) expire() {
	r.mu.Lock()
	if r.dead {
		r.mu.Unlock()
		return
	}
	var drops []*downTrack
	gone := r.st.Expire(time.Now())
	for _, id := range gone {
		drops = append(drops, r.dropOwnedLocked(id)...)
		r.leftLocked(id)
	}
	if len(gone) > 0 {
		r.routeAllLocked()
	}
	r.schedule()
	r.unlockAfterLeaving(drops)
}

// end closes the room for everyone.
func (r *sfuRoom) end(reason string) {
	r.mu.Lock()
	if r.dead && r.st.Ended() {
		r.mu.Unlock()
		return
	}
	r.dead = true
	r.st.ForceEnd()
	if r.timer != nil {
		r.timer.Stop()
	}
	for _, ss := range r.sources {
		for _, s := range ss {
			r.routeLocked(s, nil)
		}
	}
	peers := make([]*peer, 0, len(r.peers))
	for _, p := range r.peers {
		peers = append(peers, p)
	}
	r.mu.Unlock()
	r.s.forget(r, true)
	for _, p := range peers {
		p.finish(signal.TypeEnded, &signal.Ended{Reason: reason})
	}
}

func (r *sfuRoom) broadcastLocked(typ string, payload any) {
	b, err := signal.Encode(typ, "", payload)
	if err != nil {
		r.s.log.Error("sfu: encode", "type", typ, "err", err)
		return
	}
	for _, p := range r.peers {
		p.send(b)
	}
}

// upsertLocked sends the current entry of each participant that changed:
// one small message per change, never the whole list (which would cost
// O(participants²) bytes per join in a large room).
func (r *sfuRoom) upsertLocked(ids ...string) {
	for _, id := range ids {
		if v, err := r.st.View(id); err == nil {
			r.broadcastLocked(signal.TypeParticipant, &v)
		}
	}
}

// leftLocked announces that a participant is gone, and the queue it left.
func (r *sfuRoom) leftLocked(id string) {
	r.broadcastLocked(signal.TypeLeft, &signal.Target{ParticipantID: id})
	r.queueLocked()
}

func (r *sfuRoom) queueLocked() {
	r.broadcastLocked(signal.TypeQueue, &signal.Queue{Queue: r.st.Queue()})
}

// routeAllLocked points every source at the fanout the floor rules allow.
func (r *sfuRoom) routeAllLocked() {
	for id, ss := range r.sources {
		for _, s := range ss {
			r.routeLocked(s, r.destLocked(id, s.kind))
		}
	}
}

func (r *sfuRoom) destLocked(id string, kind webrtc.RTPCodecType) *fanout {
	if !r.st.CanPublish(id) {
		return nil
	}
	p, err := r.st.Participant(id)
	if err != nil {
		return nil
	}
	if p.Role.Moderates() {
		return r.fans[fanKey{id, kind}]
	}
	return r.fans[fanKey{"", kind}]
}

// routeLocked switches s to f, ending and starting recorder turns.
func (r *sfuRoom) routeLocked(s *source, f *fanout) {
	old := s.dest.Swap(f)
	if old == f {
		return
	}
	if old != nil {
		s.setSink(nil)
	}
	if f == nil {
		return
	}
	if f.kind == webrtc.RTPCodecTypeVideo {
		s.requestKeyframe()
	}
	if r.cfg.Hooks != nil {
		r.turns++
		t := Turn{Number: r.turns, ParticipantID: s.peer.id, UserID: s.peer.info.UserID,
			Question: r.st.Question(), Kind: s.kind, Start: time.Now()}
		if s.kind == webrtc.RTPCodecTypeVideo {
			t.RequestKeyframe = s.requestKeyframe
		}
		info := s.peer.info // as admitted; the room knows the current role (a listener given the floor speaks)
		if part, err := r.st.Participant(s.peer.id); err == nil {
			info.Role = part.Role
		}
		if k := r.cfg.Hooks.OnTrack(t, info, webrtc.RTPCodecParameters{RTPCodecCapability: s.track.Codec().RTPCodecCapability, PayloadType: s.track.PayloadType()}); k != nil {
			s.setSink(k)
		}
	}
}

// addSource registers a publisher track and routes it.
func (r *sfuRoom) addSource(pe *peer, s *source) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.peers[pe.id] != pe || r.dead {
		return false
	}
	r.sources[pe.id] = append(r.sources[pe.id], s)
	r.routeLocked(s, r.destLocked(pe.id, s.kind))
	if s.kind == webrtc.RTPCodecTypeAudio && r.st.SetMic(pe.id, true) {
		r.upsertLocked(pe.id) // the room now receives this person's sound: every page may say so
	}
	return true
}

// subscription is a fanout to add to a peer after the room lock is released.
type subscription struct {
	p *peer
	f *fanout
}

// ownFansLocked creates the fanouts of a host or moderator as it joins, so
// subscribers have its m-lines negotiated before it sends its first packet.
func (r *sfuRoom) ownFansLocked(part *room.Participant, audioOnly bool) []subscription {
	if !part.Role.Moderates() {
		return nil
	}
	var subs []subscription
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		k := fanKey{part.ID, kind}
		codec := opusCodec
		if kind == webrtc.RTPCodecTypeVideo {
			if !r.cfg.Video || audioOnly {
				continue
			}
			codec = vp8Codec
		}
		if r.fans[k] != nil {
			continue
		}
		f := newFanout(part.ID, part.ID, kind, codec)
		r.fans[k] = f
		for id, o := range r.peers {
			if id != part.ID && (kind == webrtc.RTPCodecTypeAudio || !o.audioOnly) {
				subs = append(subs, subscription{o, f})
			}
		}
	}
	return subs
}

func (r *sfuRoom) removeSource(pe *peer, s *source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routeLocked(s, nil)
	ss := r.sources[pe.id]
	for i, x := range ss {
		if x == s {
			r.sources[pe.id] = append(ss[:i:i], ss[i+1:]...)
			break
		}
	}
	if s.kind != webrtc.RTPCodecTypeAudio || r.peers[pe.id] != pe || r.dead {
		return
	}
	for _, x := range r.sources[pe.id] {
		if x.kind == webrtc.RTPCodecTypeAudio {
			return
		}
	}
	if r.st.SetMic(pe.id, false) {
		r.upsertLocked(pe.id)
	}
}

func (r *sfuRoom) setSpeaking(id string, speaking bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.dead && r.st.SetSpeaking(id, speaking) {
		r.upsertLocked(id)
	}
}
