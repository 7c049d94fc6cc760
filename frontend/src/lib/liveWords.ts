// How the live room describes people, in words rather than icons only.
import type { LiveParticipant } from './liveSession';
import { MANAGING_ROLES } from './liveSession';

export type ParticipantState = 'away' | 'speaking' | 'noSound' | 'hasFloor' | 'muted' | 'handRaised' | 'micOn' | 'listening';

/**
 * One state per person, the most important first: away, speaking (heard right now, from the room's speaking
 * flag), not heard although they may speak (the server receives no sound from them), has the floor, muted,
 * hand raised, microphone on, listening.
 */
export function participantState(p: LiveParticipant): ParticipantState {
  if (!p.connected) return 'away';
  if (p.speaking && !p.muted) return 'speaking';
  if (p.mic === false && !p.muted && (p.hasFloor || MANAGING_ROLES.includes(p.role))) return 'noSound';
  if (p.hasFloor && !p.muted) return 'hasFloor';
  if (p.muted) return 'muted';
  if (p.handRaised) return 'handRaised';
  if (MANAGING_ROLES.includes(p.role)) return 'micOn';
  return 'listening';
}
