// Neighbourhood diagnoses: the shapes the API returns (server/diagnosis/README.md), the phase order shown on
// the timeline and one small function per route the pages use.
import type { ApiClient, Page } from './api';

export const PHASES = ['gathering', 'synthesis', 'prioritisation', 'action_plan', 'follow_up'] as const;
export type Phase = (typeof PHASES)[number];
export const KINDS = ['need', 'asset', 'proposal'] as const;
export type Kind = (typeof KINDS)[number];
export const SWOT = ['strength', 'weakness', 'opportunity', 'threat'] as const;
export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;

export interface Settings {
  allowNicknames: boolean;
  preModeration: boolean;
  votesPerPerson: number;
}

export interface Diagnosis {
  id: string;
  title: string;
  description: string;
  territoryId: string;
  organisationIds: string[];
  themes: string[];
  phase: string;
  schedule?: { name: string; start?: string; end?: string }[];
  settings?: Settings;
  isOrganiser?: boolean;
}

export interface Point {
  lat: number;
  lon: number;
}

export interface Contribution {
  id: string;
  diagnosisId: string;
  kind: Kind;
  theme: string;
  text: string;
  language: string;
  point?: Point;
  authorKind: 'account' | 'nickname' | 'assisted';
  nickname?: string;
  status: 'published' | 'pending' | 'hidden';
  supports: number;
  mediaIds: string[];
  citedBy: string[];
  mine: boolean;
  supportedByMe: boolean;
  reports?: number;
  /** What the reporters wrote (the moderation queue, for organisers; never who). */
  reportReasons?: string[];
  hideReason?: string;
  createdAt: string;
}

export interface ContributionInput {
  kind: string;
  theme: string;
  text: string;
  point?: Point;
  mediaIds?: string[];
  nickname?: string;
  assisted?: { consent: boolean; note?: string };
}

export interface Finding {
  id: string;
  diagnosisId: string;
  swot: string;
  title: string;
  text: string;
  contributionIds: string[];
}

export interface Priority {
  rank: number;
  targetId: string;
  type: 'finding' | 'need';
  title: string;
  votes: number;
}

export interface Measurement {
  date: string;
  value: number;
  note?: string;
}

export interface Indicator {
  id: string;
  name: string;
  unit: string;
  baseline: number;
  target: number;
  measurements: Measurement[];
}

export interface Action {
  id: string;
  diagnosisId: string;
  title: string;
  description: string;
  responsibleOrganisationId: string;
  findingIds: string[];
  status: string;
  indicators: Indicator[];
  /** The practice the action adopts and its transfer's stage. */
  practice?: { practiceId: string; title: string; transferId: string; stage: string } | null;
}

export interface Count {
  value: string;
  count: number;
}

export interface IndicatorTrend {
  actionId: string;
  actionTitle: string;
  indicatorId: string;
  name: string;
  unit: string;
  baseline: number;
  target: number;
  latest: number | null;
  progress: number | null;
  measurements: Measurement[];
}

export interface Dashboard {
  phase: string;
  contributions: number;
  byKind: Count[];
  byTheme: Count[];
  perWeek: Count[];
  supports: number;
  findings: number;
  ballots: number;
  priorities: Priority[];
  actions: number;
  indicators: IndicatorTrend[];
}

export interface Territory {
  id: string;
  name: string;
  level: 'city' | 'district' | 'neighbourhood' | 'other';
  parentId?: string;
  ancestors: string[];
  boundary?: GeoJSONGeometry;
}

export type GeoJSONGeometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

export interface MediaAsset {
  id: string;
  mime: string;
  class: 'image' | 'audio' | 'document';
  url: string;
}

/** Where each phase stands against the current one: done, now or later. */
export function phaseState(phase: string, current: string): 'done' | 'now' | 'later' {
  const i = PHASES.indexOf(phase as Phase);
  const c = PHASES.indexOf(current as Phase);
  if (i === c) return 'now';
  return i < c ? 'done' : 'later';
}

/** Findings may be written while gathering and during synthesis (server rule). */
export function findingsOpen(phase: string): boolean {
  return phase === 'gathering' || phase === 'synthesis';
}

const enc = encodeURIComponent;

export async function listDiagnoses(api: ApiClient): Promise<Diagnosis[]> {
  const page = await api.request<{ items?: Diagnosis[] }>('GET', '/diagnoses?limit=50');
  return page.items ?? [];
}

/** The organising organisations' names (an unreadable one keeps its id with no name). */
export function organisersOf(api: ApiClient, d: Diagnosis): Promise<{ id: string; name: string }[]> {
  return Promise.all((d.organisationIds ?? []).map((o) => api.getOrganisation(o).then((x) => ({ id: o, name: x.name }), () => ({ id: o, name: '' }))));
}

export function getDiagnosis(api: ApiClient, id: string): Promise<Diagnosis> {
  return api.request<Diagnosis>('GET', `/diagnoses/${enc(id)}`);
}

/** Moves the diagnosis to a phase; an earlier one is a reopening, which must be said (reopen). */
export function setPhase(api: ApiClient, id: string, phase: string, reopen = false): Promise<Diagnosis> {
  return updateDiagnosis(api, id, reopen ? { phase, reopen } : { phase });
}

/** What starts a diagnosis (all but phase) or changes one (any part; the territory never changes). */
export interface DiagnosisInput {
  title?: string;
  description?: string;
  territoryId?: string;
  /** The first is the organisation in charge (the lead). */
  organisationIds?: string[];
  themes?: string[];
  phase?: string;
  /** Confirms a move back to an earlier phase. */
  reopen?: boolean;
  schedule?: { name: string; start?: string; end?: string }[];
  settings?: Partial<Settings>;
}

export function createDiagnosis(api: ApiClient, input: DiagnosisInput): Promise<Diagnosis> {
  return api.post<Diagnosis>('/diagnoses', input);
}

export function updateDiagnosis(api: ApiClient, id: string, input: DiagnosisInput): Promise<Diagnosis> {
  return api.patch<Diagnosis>(`/diagnoses/${enc(id)}`, input);
}

/** The step after `phase`, or null after the last one. */
export function nextPhase(phase: string): Phase | null {
  const i = PHASES.indexOf(phase as Phase);
  return i >= 0 && i < PHASES.length - 1 ? PHASES[i + 1] : null;
}

/** The dates a form shows for each phase ('' when none). */
export type PhaseDateFields = Record<Phase, { start: string; end: string }>;

export function datesFromSchedule(schedule: Diagnosis['schedule'] = []): PhaseDateFields {
  const out = Object.fromEntries(PHASES.map((p) => [p, { start: '', end: '' }])) as PhaseDateFields;
  for (const s of schedule) if (s.name in out) out[s.name as Phase] = { start: s.start ?? '', end: s.end ?? '' };
  return out;
}

/** The schedule the API takes: the phases that have a date, in order, without empty dates. */
export function scheduleFromDates(dates: PhaseDateFields): NonNullable<DiagnosisInput['schedule']> {
  return PHASES.filter((p) => dates[p].start || dates[p].end).map((p) => ({
    name: p,
    ...(dates[p].start ? { start: dates[p].start } : {}),
    ...(dates[p].end ? { end: dates[p].end } : {}),
  }));
}

/** The phases whose end comes before their start (the server refuses them). */
export function badPhaseDates(dates: PhaseDateFields): Phase[] {
  return PHASES.filter((p) => dates[p].start && dates[p].end && dates[p].end < dates[p].start);
}

/**
 * Territories in tree order (each parent followed by its children, by name), with their depth, for a
 * picker; a territory whose parent is not in the list starts a tree of its own.
 */
export function territoryOptions(all: Territory[]): { territory: Territory; depth: number }[] {
  const ids = new Set(all.map((x) => x.id));
  const byName = (a: Territory, b: Territory) => a.name.localeCompare(b.name);
  const out: { territory: Territory; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (x: Territory, depth: number) => {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    out.push({ territory: x, depth });
    for (const c of all.filter((c) => c.parentId === x.id).sort(byName)) walk(c, depth + 1);
  };
  for (const r of all.filter((x) => !x.parentId || !ids.has(x.parentId)).sort(byName)) walk(r, 0);
  return out;
}

export interface ContributionFilter {
  cursor?: string;
  kind?: string;
  theme?: string;
  sort?: string;
  status?: string;
  limit?: number;
}

export function listContributions(api: ApiClient, id: string, f: ContributionFilter = {}): Promise<Page<Contribution>> {
  const q = new URLSearchParams({ limit: String(f.limit ?? 50) });
  for (const k of ['kind', 'theme', 'sort', 'status', 'cursor'] as const) if (f[k]) q.set(k, f[k]!);
  return api.get(`/diagnoses/${enc(id)}/contributions?${q}`);
}

export function contribute(api: ApiClient, id: string, input: ContributionInput): Promise<Contribution> {
  return api.post(`/diagnoses/${enc(id)}/contributions`, input);
}

/** The author (or the facilitator who typed it) changes a contribution while gathering. */
export function updateContribution(api: ApiClient, contributionId: string, input: { kind?: string; theme?: string; text?: string }): Promise<Contribution> {
  return api.patch(`/contributions/${enc(contributionId)}`, input);
}

/** The author (or the facilitator who typed it) withdraws a contribution while gathering. */
export function withdrawContribution(api: ApiClient, contributionId: string): Promise<void> {
  return api.del(`/contributions/${enc(contributionId)}`);
}

export function support(api: ApiClient, contributionId: string, on: boolean): Promise<Contribution> {
  return api.request(on ? 'POST' : 'DELETE', `/contributions/${enc(contributionId)}/support`);
}

export function report(api: ApiClient, contributionId: string, reason: string): Promise<void> {
  return api.post(`/contributions/${enc(contributionId)}/report`, { reason });
}

export function moderationQueue(api: ApiClient, id: string): Promise<Page<Contribution>> {
  return api.get(`/diagnoses/${enc(id)}/moderation?limit=100`);
}

export function moderate(api: ApiClient, contributionId: string, action: 'publish' | 'hide', reason: string): Promise<Contribution> {
  return api.post(`/contributions/${enc(contributionId)}/moderation`, { action, reason });
}

export async function listFindings(api: ApiClient, id: string): Promise<Finding[]> {
  return (await api.get<Page<Finding>>(`/diagnoses/${enc(id)}/findings?limit=100`)).items ?? [];
}

export function createFinding(api: ApiClient, id: string, input: { swot: string; title: string; text: string; contributionIds: string[] }): Promise<Finding> {
  return api.post(`/diagnoses/${enc(id)}/findings`, input);
}

/** Casts a ballot: the caller's own, or, with `assisted`, one a facilitator enters for a person who agreed. */
export function vote(api: ApiClient, id: string, votes: Record<string, number>, assisted?: { consent: boolean }): Promise<unknown> {
  return api.post(`/diagnoses/${enc(id)}/ballot`, assisted ? { votes, assisted } : { votes });
}

export async function priorities(api: ApiClient, id: string): Promise<{ ballots: number; items: Priority[] }> {
  const p = await api.get<{ ballots: number; items?: Priority[] }>(`/diagnoses/${enc(id)}/priorities`);
  return { ballots: p.ballots ?? 0, items: p.items ?? [] };
}

export async function listActions(api: ApiClient, id: string): Promise<Action[]> {
  return (await api.get<Page<Action>>(`/diagnoses/${enc(id)}/actions?limit=100`)).items ?? [];
}

export interface ActionInput {
  title: string;
  description: string;
  responsibleOrganisationId: string;
  findingIds: string[];
  status: string;
  indicators: { name: string; unit: string; baseline: number; target: number }[];
  /** Makes the action "adopt this practice": the responsible organisation's transfer starts with it. */
  adoptPracticeId?: string;
}

export function createAction(api: ApiClient, id: string, input: ActionInput): Promise<Action> {
  return api.post(`/diagnoses/${enc(id)}/actions`, input);
}

export function updateAction(api: ApiClient, actionId: string, input: Partial<ActionInput> & { indicators?: (Partial<Indicator> & { name: string })[] }): Promise<Action> {
  return api.patch(`/actions/${enc(actionId)}`, input);
}

export function addMeasurement(api: ApiClient, actionId: string, indicatorId: string, m: { date: string; value: number; note?: string }): Promise<Action> {
  return api.post(`/actions/${enc(actionId)}/indicators/${enc(indicatorId)}/measurements`, m);
}

export function dashboard(api: ApiClient, id: string): Promise<Dashboard> {
  return api.get(`/diagnoses/${enc(id)}/dashboard`);
}

export function getTerritory(api: ApiClient, id: string): Promise<Territory> {
  return api.get(`/territories/${enc(id)}`);
}

/** An area drawn around a territory on its map: one of its parts, or a neighbour. */
export interface Area {
  id: string;
  name: string;
  level: Territory['level'];
  relation: 'part' | 'neighbour';
  boundary: GeoJSONGeometry;
}

/** A named place on a territory's map: an actor of the network directory that has a place. */
export interface NamedPlace {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface MapContext {
  areas: Area[];
  places: NamedPlace[];
}

/** What a territory's map names around it when there is no background map: its parts and neighbours
 * (outlined) and the directory's actors that have a place in it. Either part missing leaves it empty: the
 * map still shows the territory and the contributions. */
export async function mapContext(api: ApiClient, territoryId: string): Promise<MapContext> {
  const [s, actors] = await Promise.all([
    api.get<{ areas: Area[] }>(`/territories/${enc(territoryId)}/surroundings`).catch(() => ({ areas: [] })),
    api.get<Page<{ id: string; name: string; point: { lat: number; lon: number } | null }>>(`/actors?territory=${enc(territoryId)}&limit=100`)
      .then((p) => p.items ?? []).catch(() => []),
  ]);
  return {
    areas: s.areas ?? [],
    places: actors.filter((a) => a.point).map((a) => ({ id: a.id, name: a.name, lat: a.point!.lat, lon: a.point!.lon })),
  };
}

export async function listTerritories(api: ApiClient, q: { parent?: string; level?: string } = {}): Promise<Territory[]> {
  const p = new URLSearchParams({ limit: '100' });
  if (q.parent) p.set('parent', q.parent);
  if (q.level) p.set('level', q.level);
  return (await api.get<Page<Territory>>(`/territories?${p}`)).items ?? [];
}

/** Uploads a photo or voice note for a contribution; the answer's id goes into mediaIds. */
export function uploadMedia(api: ApiClient, file: Blob, filename: string): Promise<MediaAsset> {
  const form = new FormData();
  form.append('file', file, filename);
  return api.upload<MediaAsset>('/media?purpose=contribution', form);
}

/** A short one-line version of a long text, for lists and checkboxes. */
export function excerpt(text: string, max = 90): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : t.slice(0, max - 1).trimEnd() + '…';
}
