package sfu

import (
	"context"
	"time"

	"github.com/teixit/teixit/media/room"
	"github.com/teixit/teixit/media/signal"
)

var errJoined = signal.Errorf(signal.CodeConflict, "already joined")

// awaitJoin reads until a valid join arrives, answering anything else with
// an error, and returns it with its message id.
func awaitJoin(ctx context.Context, conn Conn) (*signal.Join, string, error) {
	for {
		data, err := conn.ReadMessage(ctx)
		if err != nil {
			return nil, "", err
		}
		m, err := signal.DecodeClient(data)
		if err != nil {
			writeError(ctx, conn, signal.AsError(err), "")
			continue
		}
		if m.Type != signal.TypeJoin {
			writeError(ctx, conn, signal.Errorf(signal.CodeNotJoined, "send join first"), m.ID)
			continue
		}
		return m.Payload.(*signal.Join), m.ID, nil
	}
}

// handle applies one decoded client message; the error, if any, is sent
// back to the client tagged with the message id.
func (p *peer) handle(m signal.Message) error {
	switch pl := m.Payload.(type) {
	case *signal.SDP:
		if m.Type == signal.TypeAnswer {
			return p.onAnswer(pl.SDP)
		}
		return p.onOffer(m.ID, pl.SDP)
	case *signal.Candidate:
		return p.onCandidate(pl)
	case *signal.Join:
		return errJoined
	}
	switch m.Type {
	case signal.TypeICERestart:
		p.negotiate(true)
		return nil
	case signal.TypeEnd:
		return p.room.endBy(p)
	}
	return p.room.command(p, m)
}

// command runs one floor-control or chat message under the room lock and
// broadcasts what changed.
func (r *sfuRoom) command(p *peer, m signal.Message) error {
	var kick *peer
	var drops []*downTrack
	r.mu.Lock()
	if r.dead || r.peers[p.id] != p {
		r.mu.Unlock()
		return room.ErrEnded
	}
	var err error
	switch m.Type {
	case signal.TypeRaiseHand, signal.TypeLowerHand:
		if m.Type == signal.TypeRaiseHand {
			err = r.st.RaiseHand(p.id)
		} else {
			err = r.st.LowerHand(p.id)
		}
		if err == nil {
			r.upsertLocked(p.id)
			r.queueLocked()
		}
	case signal.TypeGrantFloor:
		t := m.Payload.(*signal.Target).ParticipantID
		var revoked string
		already := r.st.Floor() == t
		if revoked, err = r.st.GrantFloor(p.id, t); err == nil {
			if !already {
				r.consentLocked(t) // before routing: the new turn is not recorded until they agree
			}
			r.routeAllLocked()
			if revoked != "" {
				r.broadcastLocked(signal.TypeFloor, &signal.Floor{ParticipantID: revoked, State: signal.FloorRevoked})
			}
			r.broadcastLocked(signal.TypeFloor, &signal.Floor{ParticipantID: t, State: signal.FloorGranted})
			r.upsertLocked(revoked, t)
			r.queueLocked()
		}
	case signal.TypeRevokeFloor:
		t := m.Payload.(*signal.Target).ParticipantID
		if err = r.st.RevokeFloor(p.id, t); err == nil {
			r.routeAllLocked()
			r.broadcastLocked(signal.TypeFloor, &signal.Floor{ParticipantID: t, State: signal.FloorRevoked})
			r.upsertLocked(t)
		}
	case signal.TypeMute, signal.TypeUnmute:
		t := m.Payload.(*signal.Target).ParticipantID
		if m.Type == signal.TypeMute {
			err = r.st.Mute(p.id, t)
		} else {
			err = r.st.Unmute(p.id, t)
		}
		if err == nil {
			r.routeAllLocked()
			r.upsertLocked(t)
		}
	case signal.TypeRemove:
		t := m.Payload.(*signal.Target).ParticipantID
		if err = r.st.Remove(p.id, t); err == nil {
			kick = r.peers[t]
			delete(r.peers, t)
			for _, s := range r.sources[t] {
				r.routeLocked(s, nil)
			}
			delete(r.sources, t)
			drops = r.dropOwnedLocked(t)
			r.routeAllLocked()
			r.leftLocked(t)
			r.schedule()
		}
	case signal.TypeSetQuestion:
		sq := m.Payload.(*signal.SetQuestion)
		var lowered []string
		if lowered, err = r.st.SetQuestion(p.id, sq.Index, sq.KeepHands == nil || *sq.KeepHands); err == nil {
			r.broadcastLocked(signal.TypeQuestion, &signal.Question{Index: r.st.Question()})
			r.questionLocked()
			if len(lowered) > 0 {
				r.upsertLocked(lowered...)
				r.queueLocked()
			}
		}
	case signal.TypeChat:
		var line signal.ChatLine
		if line, err = r.st.Chat(p.id, m.Payload.(*signal.ChatSend).Text, time.Now()); err == nil {
			r.broadcastLocked(signal.TypeChat, &line)
		}
	case signal.TypeRecordingConsent:
		if err = r.st.SetConsent(p.id, *m.Payload.(*signal.RecordingConsent).Consent); err == nil {
			r.consentLocked(p.id)
			r.upsertLocked(p.id)
		}
	case signal.TypeSpeaking:
		if r.st.SetSpeaking(p.id, m.Payload.(*signal.Speaking).Level < speakingThreshold) {
			r.upsertLocked(p.id)
		}
	default:
		err = signal.Errorf(signal.CodeUnknown, "unexpected message type %q", m.Type)
	}
	r.mu.Unlock()
	if kick != nil {
		kick.finish(signal.TypeEnded, &signal.Ended{Reason: "removed by a moderator"})
	}
	removeDowns(drops)
	return err
}

// endBy ends the room at the host's request.
func (r *sfuRoom) endBy(p *peer) error {
	r.mu.Lock()
	err := r.st.End(p.id)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	if r.cfg.Ended != nil {
		r.cfg.Ended()
	}
	r.end("ended by the host")
	return nil
}
