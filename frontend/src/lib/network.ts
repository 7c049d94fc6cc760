// Network work: actors of a territory, their relations and the network page (server/network).
import { ApiError, type ApiClient, type Page } from './api';
import { networkPath } from './prefetch';
import { describeError, type FormErrors } from './errors';
import type { Translate } from './i18n';
import { myMemberships } from './exchange';

export const ACTOR_KINDS = ['association', 'social_services', 'public_service', 'school', 'health_centre', 'parish', 'informal_group', 'business', 'other'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export const RELATION_TYPES = ['collaborates', 'refers', 'funds', 'shares_space'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];
export type RelationStatus = 'stated' | 'proposed' | 'confirmed';

export interface Contact {
  email: string;
  phone: string;
  web: string;
  address: string;
  public: boolean;
}

export interface Actor {
  id: string;
  name: string;
  kind: ActorKind;
  description: string;
  themes: string[];
  population: string;
  territories: string[];
  point: { lat: number; lon: number } | null;
  contact: Contact | null;
  organisationId: string;
  onTeixit: boolean;
  stewardOrganisationId: string;
  status: 'published' | 'pending' | 'hidden';
  hiddenReason?: string;
  claim: { organisationId: string; at: string } | null;
  canEdit: boolean;
  canModerate: boolean;
  suggestedByMe: boolean;
}

export interface ActorInput {
  organisationId?: string;
  self?: boolean;
  name?: string;
  kind?: string;
  description?: string;
  themes?: string[];
  population?: string;
  territories?: string[];
  contact?: Contact;
}

export interface Relation {
  id: string;
  fromActorId: string;
  toActorId: string;
  fromName: string;
  toName: string;
  type: RelationType;
  since: string;
  until: string;
  source: string;
  note: string;
  status: RelationStatus;
  proposedByActorId: string;
  canConfirm: boolean;
  canRemove: boolean;
}

export interface RelationInput {
  fromActorId: string;
  toActorId: string;
  type: string;
  since: string;
  until?: string;
  source: string;
  note?: string;
}

export interface GraphActor {
  id: string;
  name: string;
  kind: ActorKind;
  themes: string[];
  onTeixit: boolean;
  point?: { lat: number; lon: number };
  relations: number;
}

/** One edge of the network page (no id: it is `from:type:to`, ends sorted for the two-way types). */
export interface GraphRelation {
  from: string;
  to: string;
  type: RelationType;
  status: RelationStatus;
}

export interface Graph {
  territory: { id: string; name: string };
  actors: GraphActor[];
  relations: GraphRelation[];
  uncoveredThemes: { theme: string; needs: number }[];
  isolated: string[];
  truncated: boolean;
}

const enc = encodeURIComponent;

export function getNetwork(api: ApiClient, territory: string, filters: { theme?: string; kind?: string } = {}): Promise<Graph> {
  return api.get<Graph>(networkPath(territory, filters));
}

export const getActor = (api: ApiClient, id: string) => api.get<Actor>(`/actors/${enc(id)}`);
export const createActor = (api: ApiClient, input: ActorInput) => api.post<Actor>('/actors', input);
export const updateActor = (api: ApiClient, id: string, input: ActorInput) => api.patch<Actor>(`/actors/${enc(id)}`, input);
export const moderateActor = (api: ApiClient, id: string, decision: 'publish' | 'hide', reason = '') =>
  api.post<Actor>(`/actors/${enc(id)}/moderation`, { decision, reason });
export const claimActor = (api: ApiClient, id: string, organisationId: string) => api.post<Actor>(`/actors/${enc(id)}/claim`, { organisationId });
export const decideClaim = (api: ApiClient, id: string, accept: boolean) => api.post<Actor>(`/actors/${enc(id)}/claim/decision`, { accept });
export const pendingActors = (api: ApiClient, territory: string) =>
  api.get<Page<Actor>>(`/actors?status=pending&territory=${enc(territory)}&limit=100`).then((p) => p.items ?? []);
export const actorRelations = (api: ApiClient, id: string) => api.get<Page<Relation>>(`/actors/${enc(id)}/relations`).then((p) => p.items ?? []);
export const proposeRelation = (api: ApiClient, input: RelationInput) => api.post<Relation>('/relations', input);
// Relation ids are "<from>:<type>:<to>", letters, digits, ':' and '_' only: sent as they are (the server
// does not unescape %3A in paths).
export const confirmRelation = (api: ApiClient, id: string) => api.post<Relation>(`/relations/${relPath(id)}/confirm`);
export const removeRelation = (api: ApiClient, id: string) => api.del(`/relations/${relPath(id)}`);
const relPath = (id: string) => (/^[a-z0-9:_-]+$/.test(id) ? id : enc(id));

/** Error codes of the network API that the pages explain in their own words. */
export const NETWORK_CODES = ['relation_exists', 'not_published', 'organisation_already_actor', 'not_awaiting_confirmation',
  'already_on_teixit', 'claim_pending', 'already_published', 'concurrent_change', 'invitation_pending', 'invitation_expired',
  'invitation_withdrawn', 'invitation_answered', 'already_organiser', 'too_many_organisers'];

/** describeError, with the network's own conflicts in plain words. */
export function networkError(err: unknown, t: Translate): FormErrors {
  const out = describeError(err, t);
  if (err instanceof ApiError && NETWORK_CODES.includes(err.code)) out.summary = t(`network.error.${err.code}`);
  return out;
}

/** Groups actors for a drawing too big to show one by one: one group per kind, with the relations between groups. */
export function clusterByKind(actors: GraphActor[], relations: GraphRelation[]) {
  const kindOf = new Map(actors.map((a) => [a.id, a.kind]));
  const groups = new Map<string, number>();
  for (const a of actors) groups.set(a.kind, (groups.get(a.kind) ?? 0) + 1);
  const links = new Map<string, number>();
  for (const r of relations) {
    const a = kindOf.get(r.from);
    const b = kindOf.get(r.to);
    if (!a || !b) continue;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    links.set(key, (links.get(key) ?? 0) + 1);
  }
  return {
    nodes: [...groups].map(([kind, count]) => ({ id: kind, kind: kind as ActorKind, count })),
    links: [...links].map(([key, count]) => {
      const [from, to] = key.split('|');
      return { from, to, count };
    }),
  };
}

/** Above this many actors the map draws one circle per kind instead of one per actor. */
export const CLUSTER_ABOVE = 300;

/** The organisations the signed-in person is an admin or professional of, with their names (they add actors in their name). */
export async function staffOrganisations(api: ApiClient): Promise<{ id: string; name: string }[]> {
  const staff = (await myMemberships(api)).filter((m) => m.role === 'admin' || m.role === 'professional');
  const orgs = await Promise.all(staff.map((m) => api.get<{ id: string; name: string }>(`/organisations/${enc(m.organisationId)}`).catch(() => null)));
  return orgs.filter((o): o is { id: string; name: string } => !!o).map((o) => ({ id: o.id, name: o.name }));
}

/** A practice that addressed a need elsewhere, and why it came up. */
export interface PracticeMatch {
  practiceId: string;
  title: string;
  themes: string[];
  organisationId: string;
  organisationName: string;
  territoryId: string;
  territoryName: string;
  elsewhere: boolean;
  why: { sharedThemes: string[]; words: string[] };
}

/** A need raised now (a contribution or a finding of a diagnosis) like a practice. */
export interface NeedMatch {
  kind: 'contribution' | 'finding';
  id: string;
  text: string;
  diagnosisId: string;
  territoryId: string;
  territoryName: string;
  why: { sharedThemes: string[]; words: string[] };
}

export const practicesFor = (api: ApiClient, kind: 'contribution' | 'finding' | 'action', id: string) =>
  api.get<Page<PracticeMatch>>(`/${kind}s/${enc(id)}/practices`).then((p) => p.items ?? []);
export const needsFor = (api: ApiClient, practiceId: string) => api.get<Page<NeedMatch>>(`/practices/${enc(practiceId)}/needs`).then((p) => p.items ?? []);

/** An invitation to an actor's contact: to join Teixit, or to organise a diagnosis. */
export type InvitationState = 'sent' | 'opened' | 'accepted' | 'declined' | 'withdrawn' | 'expired';
export interface Invitation {
  id: string;
  actorId: string;
  actorName: string;
  purpose: 'teixit' | 'diagnosis';
  diagnosisId: string;
  diagnosisTitle: string;
  inviterOrganisationId: string;
  inviterName: string;
  email?: string;
  name: string;
  message: string;
  language: string;
  state: InvitationState;
  mailed: boolean;
  openedAt: string | null;
  answeredAt: string | null;
  answeredOrganisationId?: string;
  declineReason?: string;
  expiresAt: string;
  createdAt: string;
  canWithdraw: boolean;
  actorOnTeixit: boolean;
  actorOrganisationId?: string;
  /** Only in the answer to the organiser who sent it: the link to pass on. */
  link?: string;
}
export interface InvitationInput {
  purpose: 'teixit' | 'diagnosis';
  diagnosisId?: string;
  email?: string;
  name?: string;
  message?: string;
  language?: string;
}
export const actorInvitations = (api: ApiClient, actorId: string) =>
  api.get<Page<Invitation>>(`/actors/${enc(actorId)}/invitations`).then((p) => p.items ?? []);
export const inviteActor = (api: ApiClient, actorId: string, input: InvitationInput) => api.post<Invitation>(`/actors/${enc(actorId)}/invitations`, input);
export const withdrawInvitation = (api: ApiClient, id: string) => api.post<Invitation>(`/actor-invitations/${enc(id)}/withdraw`);
export const openInvitation = (api: ApiClient, id: string, key: string) => api.post<Invitation>(`/actor-invitations/${enc(id)}/open`, { key });
export const acceptInvitation = (api: ApiClient, id: string, key: string, organisationId: string) =>
  api.post<Invitation>(`/actor-invitations/${enc(id)}/accept`, { key, organisationId });
export const declineInvitation = (api: ApiClient, id: string, key: string, reason: string) =>
  api.post<Invitation>(`/actor-invitations/${enc(id)}/decline`, { key, reason });
