// Evaluations in the API (server/evaluation): editions, groups, items attributed to groups, merged points,
// measures followed with indicators, the report and the comparison between editions.

type Client = {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
};

export const PHASES = ['preparation', 'groups', 'synthesis', 'prioritisation', 'follow_up'] as const;
export type Phase = (typeof PHASES)[number];
export type ItemKind = 'strength' | 'weakness';
export const MODES = ['in_person', 'online', 'both'] as const;

export interface Area { id: string; name: string; question?: string }
export interface Evaluation {
  id: string; title: string; description: string; organisationIds: string[];
  subject: { kind: string; ref?: string; name?: string }; lastEdition: number; isOrganiser: boolean;
}
export interface Edition {
  id: string; evaluationId: string; number: number; title: string; dates: string[]; mode: string; areas: Area[];
  roles: string[]; partnerOrganisationIds: string[]; inviteCode?: string; groupSize: number; threshold: number;
  votesPerPerson: number; phase: Phase; groupsFormed: boolean; groups: number; previousId?: string;
  report: { published: boolean; visibility: 'members' | 'public'; summary: string; publishedAt?: string };
  me?: { groupId?: string; facilitator: boolean; voted: boolean }; isOrganiser: boolean;
}
export interface Person { userId: string; name: string; role: string; team?: string; groupId?: string }
export interface Group {
  id: string; editionId: string; number: number; name: string; facilitatorId?: string; size?: number;
  sizeHidden: boolean; members?: Person[]; items: number;
}
export interface Item { id: string; editionId: string; groupId: string; groupName: string; areaId: string; kind: ItemKind; text: string; mergedId?: string; mine: boolean }

export interface Point { id: string; editionId: string; areaId: string; kind: ItemKind; text: string; itemIds: string[]; groups: number; votes: number; previousId?: string }
export interface Measurement { date: string; value: number; note?: string }
export interface Indicator { id: string; name: string; unit: string; baseline: number; target: number; measurements: Measurement[] }
export interface Measure {
  id: string; editionId: string; title: string; description: string; responsibleTeam: string; due?: string;
  pointIds: string[]; status: string; indicators: Indicator[];
}
export interface Count { value: string; count: number }
export interface Synthesis {
  editionId: string; phase: Phase; participants: number; items: number; byGroup: Count[]; byArea: Count[];
  byKind: Count[]; votes: number; points: Point[]; unmerged: Item[]; measures: Measure[];
}
export interface Suggestion { kind: 'item' | 'point'; id: string; text: string; score: number }
export interface Reviewed { measure: Measure; status?: string; note?: string }
export interface Comparison {
  editionId: string; previousId?: string; raisedAgain: Point[]; new: Point[]; noLongerRaised: Point[];
  counts: { kind: ItemKind; status: 'raised_again' | 'new' | 'no_longer_raised'; count: number }[];
}
export interface Report {
  evaluation: Evaluation; edition: Edition; participants: number; groups: number; items: number;
  strengths: Point[]; weaknesses: Point[]; measures: Measure[]; reviews: Reviewed[]; comparison: Comparison;
}

const enc = encodeURIComponent;
const ed = (id: string) => `/evaluation-editions/${enc(id)}`;

export const listEvaluations = (c: Client) => c.get<{ items: Evaluation[] }>('/evaluations').then((r) => r.items);
/** The evaluations of one diagnosis action or practice transfer (the shortcut on their pages). */
export const evaluationsOf = (c: Client, kind: 'diagnosis_action' | 'transfer', ref: string) =>
  c.get<{ items: Evaluation[] }>(`/evaluations?subject=${encodeURIComponent(`${kind}:${ref}`)}`).then((r) => r.items);
export const getEvaluation = (c: Client, id: string) => c.get<Evaluation & { editions: Edition[] }>(`/evaluations/${enc(id)}`);
export const createEvaluation = (c: Client, body: unknown) => c.post<{ evaluation: Evaluation; edition: Edition }>('/evaluations', body);
export const newEdition = (c: Client, evalId: string, body: unknown) => c.post<Edition>(`/evaluations/${enc(evalId)}/editions`, body);
export const getEdition = (c: Client, id: string) => c.get<Edition>(ed(id));
export const updateEdition = (c: Client, id: string, body: unknown) => c.patch<Edition>(ed(id), body);
export const inviteMembers = (c: Client, id: string) => c.post<{ added: number; total: number }>(`${ed(id)}/participants/members`);
export const join = (c: Client, id: string, code = '') => c.post<Edition>(`${ed(id)}/participants/me`, code ? { code } : {});
export const formGroups = (c: Client, id: string) => c.post<{ items: Group[] }>(`${ed(id)}/groups/formation`).then((r) => r.items);
export const listGroups = (c: Client, id: string) => c.get<{ items: Group[] }>(`${ed(id)}/groups`).then((r) => r.items);
export const getGroup = (c: Client, id: string) => c.get<Group & { edition: Edition; items: Item[] }>(`/evaluation-groups/${enc(id)}`);
export const addItem = (c: Client, groupId: string, body: { areaId: string; kind: ItemKind; text: string }) =>
  c.post<Item>(`/evaluation-groups/${enc(groupId)}/items`, body);
export const synthesis = (c: Client, id: string) => c.get<Synthesis>(`${ed(id)}/synthesis`);
export const similar = (c: Client, itemId: string) => c.get<{ items: Suggestion[] }>(`/evaluation-items/${enc(itemId)}/similar`).then((r) => r.items);
export const merge = (c: Client, id: string, body: unknown) => c.post<Point>(`${ed(id)}/points`, body);
export const vote = (c: Client, id: string, pointIds: string[]) => c.post(`${ed(id)}/ballot`, { pointIds });
export const createMeasure = (c: Client, id: string, body: unknown) => c.post<Measure>(`${ed(id)}/measures`, body);
export const reviews = (c: Client, id: string) => c.get<{ items: Reviewed[] }>(`${ed(id)}/reviews`).then((r) => r.items);
export const review = (c: Client, id: string, measureId: string, body: { status: string; note: string }) =>
  c.put<Reviewed>(`${ed(id)}/reviews/${enc(measureId)}`, body);
export const getReport = (c: Client, id: string) => c.get<Report>(`${ed(id)}/report`);
export const publishReport = (c: Client, id: string, body: { visibility: string; summary: string }) => c.post<Edition>(`${ed(id)}/report`, body);

/** The invitation link of an edition: opening it signed in offers to take part with the code. */
export function inviteLink(origin: string, edition: Edition): string {
  return `${origin}/evaluation-editions/${enc(edition.id)}?code=${enc(edition.inviteCode ?? '')}`;
}

/** Items of a group's table by area then kind, in the guide's order. */
export function byArea(areas: Area[], items: Item[]): { area: Area; strengths: Item[]; weaknesses: Item[] }[] {
  return areas.map((area) => ({
    area,
    strengths: items.filter((i) => i.areaId === area.id && i.kind === 'strength'),
    weaknesses: items.filter((i) => i.areaId === area.id && i.kind === 'weakness'),
  }));
}
