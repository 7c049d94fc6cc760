// A small client for the Teixit JSON API (/api/v1). It keeps the CSRF token in memory and sends it on every
// state-changing request, and turns every error response into an ApiError with the API's one error shape.

export type Language = 'ca' | 'es' | 'it' | 'en';

export interface Membership {
  organisationId: string;
  role: Role;
}

export interface User {
  id: string;
  email: string;
  name: string;
  language: Language;
  platformAdmin: boolean;
  memberships?: Membership[];
}

export interface SessionResponse {
  user: User | null;
  /** The signed-in person's organisations and roles (kept on the session store's user). */
  memberships?: Membership[];
  csrfToken: string;
}

export type Role = 'admin' | 'professional' | 'member';
export const ROLES: Role[] = ['admin', 'professional', 'member'];

export type OrgKind = 'association' | 'services_centre' | 'housing_entity' | 'municipality' | 'network' | 'other';
export const ORG_KINDS: OrgKind[] = ['association', 'services_centre', 'housing_entity', 'municipality', 'network', 'other'];

export interface Organisation {
  id: string;
  name: string;
  kind: OrgKind;
  description: string;
  createdAt: string;
  memberCount: number;
  myRole?: Role | null;
  /** Exchange-day recordings are deleted this many days after they were made; 0 keeps them. */
  recordingRetentionDays?: number;
  /** Members see each other's email addresses (the admins' choice; admins always do). */
  membersSeeEmails?: boolean;
}

export type InvitationState = 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'expired';

/** An invitation to join an organisation (its admins see the organisation's; a person their own). */
export interface MembershipInvitation {
  id: string;
  organisationId: string;
  organisationName: string;
  email: string;
  role: Role;
  state: InvitationState;
  invitedByName?: string;
  createdAt: string;
  expiresAt: string;
}

export interface Member {
  userId: string;
  name: string;
  email?: string; // for the organisation's admins and the person (every member where the admins chose so)
  role: Role;
  joinedAt: string;
}

export type TokenScope = 'read' | 'write';

export interface Token {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface NewToken extends Token {
  token: string;
}

/** One of my signed-in browsers. */
export interface SessionInfo {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type RegistrationMode = 'open' | 'members' | 'invite';
export type SummaryVisibility = 'public' | 'members';
export type RecordingVisibility = 'members' | 'public' | 'none';

/** One guide question of an exchange day's agenda, in order. */
export interface AgendaItem {
  id?: string;
  text: string;
  minutes?: number;
}

export interface ExchangeDay {
  id: string;
  hostOrgId: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  agenda: AgendaItem[];
  registrationMode: RegistrationMode;
  capacity: number;
  summaryVisibility: SummaryVisibility;
  recordingVisibility: RecordingVisibility;
  /** Cameras allowed in the live session (off by default). */
  video: boolean;
  status: 'scheduled' | 'cancelled';
  registeredCount: number;
  waitlistCount: number;
  myRegistration: 'registered' | 'waitlisted' | null;
  canManage: boolean;
  inviteCode?: string;
}

export interface ExchangeDayInput {
  hostOrgId?: string;
  title?: string;
  description?: string;
  startsAt?: string;
  endsAt?: string;
  timeZone?: string;
  agenda?: AgendaItem[];
  registrationMode?: RegistrationMode;
  inviteCode?: string;
  capacity?: number;
  summaryVisibility?: SummaryVisibility;
  recordingVisibility?: RecordingVisibility;
  video?: boolean;
}

export interface LiveStatus {
  state: 'open' | 'not_open' | 'ended' | 'cancelled';
  opensAt: string;
}

export interface IceServersResponse {
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
}

/** An error answered by the API, or a network failure (status 0, code "network"). */
/** Why one field was refused, as data: a reason code (e.g. "length") and its parameters ({min: 3, max: 200}). */
export interface FieldReason {
  code: string;
  params?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Each refused field's reason as a sentence in the language we sent as Accept-Language. */
  readonly fields: Record<string, string>;
  /** Seconds to wait, from the Retry-After header (rate limiting), or null. */
  readonly retryAfter: number | null;
  /** Each refused field's reason as data. */
  readonly reasons: Record<string, FieldReason>;
  /** The code's parameters. */
  readonly params: Record<string, unknown>;

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, retryAfter: number | null = null,
    reasons: Record<string, FieldReason> = {}, params: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
    this.reasons = reasons;
    this.params = params;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Builds an ApiError from any error response: the documented shape when the body has it, otherwise a code made
 * from the status so that callers never have to look at raw bodies.
 */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const retry = res.headers.get('Retry-After');
  const retryAfter = retry !== null && /^\d+$/.test(retry.trim()) ? Number(retry.trim()) : null;
  const e = (body as { error?: unknown } | null)?.error;
  if (e && typeof e === 'object') {
    const { code, message, fields, reasons, params } = e as { code?: unknown; message?: unknown; fields?: unknown; reasons?: unknown; params?: unknown };
    const cleanFields: Record<string, string> = {};
    if (fields && typeof fields === 'object') {
      for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
        if (typeof v === 'string') cleanFields[k] = v;
      }
    }
    const cleanReasons: Record<string, FieldReason> = {};
    if (reasons && typeof reasons === 'object') {
      for (const [k, v] of Object.entries(reasons as Record<string, unknown>)) {
        const r = v as FieldReason | null;
        if (r && typeof r.code === 'string') cleanReasons[k] = { code: r.code, params: r.params && typeof r.params === 'object' ? r.params : {} };
      }
    }
    return new ApiError(
      res.status,
      typeof code === 'string' && code ? code : `http_${res.status}`,
      typeof message === 'string' ? message : res.statusText,
      cleanFields,
      retryAfter,
      cleanReasons,
      params && typeof params === 'object' ? (params as Record<string, unknown>) : {},
    );
  }
  return new ApiError(res.status, `http_${res.status}`, res.statusText, {}, retryAfter);
}

export interface ApiClientOptions {
  base?: string;
  fetch?: typeof fetch;
  /** Current UI language, sent as Accept-Language so the server can answer messages in it. */
  language?: () => string;
  /** Called on any 401 answer: the session has ended (expired, or logged out in another tab). */
  onUnauthenticated?: () => void;
}

/** How long a prefetched answer stays good for the page that asks for it. */
const PREFETCH_FRESH_MS = 10_000;

export class ApiClient {
  private csrfToken = '';
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly language: () => string;
  private readonly onUnauthenticated: () => void;
  /** GET answers asked for ahead of the page that needs them (prefetch), each taken once by get(). */
  private readonly ahead = new Map<string, { at: number; answer: Promise<unknown> }>();

  constructor(opts: ApiClientOptions = {}) {
    this.base = opts.base ?? '/api/v1';
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.language = opts.language ?? (() => '');
    this.onUnauthenticated = opts.onUnauthenticated ?? (() => {});
  }

  setCsrfToken(token: string): void {
    this.csrfToken = token ?? '';
  }

  get hasCsrfToken(): boolean {
    return this.csrfToken !== '';
  }

  /** Sends one request; resolves with the parsed JSON body (undefined for 204) or rejects with an ApiError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const lang = this.language();
    if (lang) headers['Accept-Language'] = lang;
    const form = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
    if (UNSAFE.has(method.toUpperCase()) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(this.base + path, {
        method: method.toUpperCase(),
        headers,
        body: body === undefined ? undefined : form ? (body as FormData) : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (err) {
      throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
    }
    if (!res.ok) {
      const err = await errorFromResponse(res);
      if (res.status === 401) this.onUnauthenticated();
      throw err;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string): Promise<T> {
    const early = this.ahead.get(path);
    if (early) {
      this.ahead.delete(path);
      if (Date.now() - early.at < PREFETCH_FRESH_MS) return early.answer as Promise<T>;
    }
    return this.request<T>('GET', path);
  }
  /**
   * Starts a GET now, for a page whose code is still loading: the page's own get() of the same path (within a
   * few seconds) takes this answer instead of asking again, so the data and the page's code arrive together
   * on a slow connection instead of one after the other.
   */
  prefetch(path: string): void {
    const answer = this.request('GET', path);
    answer.catch(() => {}); // the page's get() sees the failure; nothing to report before it asks
    this.ahead.set(path, { at: Date.now(), answer });
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  /** Sends a multipart form (file uploads); the browser sets its Content-Type with the boundary. */
  upload<T>(path: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, form);
  }
  del(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  // Endpoints, named as in the API contract.
  session(): Promise<SessionResponse> {
    return this.get('/auth/session');
  }
  register(input: { email: string; password: string; name: string; language: Language }): Promise<SessionResponse> {
    return this.post('/auth/register', input);
  }
  login(input: { email: string; password: string }): Promise<SessionResponse> {
    return this.post('/auth/login', input);
  }
  logout(): Promise<void> {
    return this.request('POST', '/auth/logout');
  }
  updateMe(input: { name?: string; language?: Language }): Promise<User> {
    return this.patch('/me', input);
  }
  exportMe(): Promise<unknown> {
    return this.get('/me/export');
  }
  deleteMe(): Promise<void> {
    return this.del('/me');
  }
  listTokens(): Promise<Page<Token>> {
    return this.get('/tokens');
  }
  createToken(input: { name: string; scopes: TokenScope[]; expiresInDays: number }): Promise<NewToken> {
    return this.post('/tokens', input);
  }
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<void> {
    return this.post('/me/password', input);
  }
  listSessions(): Promise<Page<SessionInfo>> {
    return this.get('/me/sessions');
  }
  signOutEverywhere(): Promise<void> {
    return this.del('/me/sessions');
  }
  requestPasswordReset(email: string): Promise<void> {
    return this.post('/auth/password-reset', { email });
  }
  completePasswordReset(input: { token: string; newPassword: string }): Promise<void> {
    return this.post('/auth/password-reset/complete', input);
  }
  revokeToken(id: string): Promise<void> {
    return this.del(`/tokens/${encodeURIComponent(id)}`);
  }
  listOrganisations(cursor = '', limit = 20): Promise<Page<Organisation>> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    return this.get(`/organisations?${q}`);
  }
  createOrganisation(input: { name: string; kind: OrgKind; description: string }): Promise<Organisation> {
    return this.post('/organisations', input);
  }
  getOrganisation(id: string): Promise<Organisation> {
    return this.get(`/organisations/${encodeURIComponent(id)}`);
  }
  updateOrganisation(id: string, input: { name?: string; kind?: OrgKind; description?: string; recordingRetentionDays?: number; membersSeeEmails?: boolean }): Promise<Organisation> {
    return this.patch(`/organisations/${encodeURIComponent(id)}`, input);
  }
  listMembers(id: string): Promise<Page<Member>> {
    return this.get(`/organisations/${encodeURIComponent(id)}/members`);
  }
  /** Invites an address; the answer is the same whether or not it has an account. */
  inviteMember(id: string, input: { email: string; role: Role; language: string }): Promise<MembershipInvitation> {
    return this.post(`/organisations/${encodeURIComponent(id)}/invitations`, input);
  }
  listInvitations(id: string): Promise<Page<MembershipInvitation>> {
    return this.get(`/organisations/${encodeURIComponent(id)}/invitations`);
  }
  withdrawInvitation(id: string, invitationId: string): Promise<void> {
    return this.del(`/organisations/${encodeURIComponent(id)}/invitations/${encodeURIComponent(invitationId)}`);
  }
  myInvitations(): Promise<Page<MembershipInvitation>> {
    return this.get('/me/invitations');
  }
  acceptInvitation(invitationId: string): Promise<Member> {
    return this.post(`/me/invitations/${encodeURIComponent(invitationId)}/accept`, {});
  }
  declineInvitation(invitationId: string): Promise<void> {
    return this.post(`/me/invitations/${encodeURIComponent(invitationId)}/decline`, {});
  }
  setMemberRole(id: string, userId: string, role: Role): Promise<Member> {
    return this.patch(`/organisations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, { role });
  }
  removeMember(id: string, userId: string): Promise<void> {
    return this.del(`/organisations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`);
  }
  listExchangeDays(opts: { upcoming?: boolean; org?: string; cursor?: string; limit?: number } = {}): Promise<Page<ExchangeDay>> {
    const q = new URLSearchParams({ limit: String(opts.limit ?? 20) });
    if (opts.upcoming) q.set('upcoming', 'true');
    if (opts.org) q.set('org', opts.org);
    if (opts.cursor) q.set('cursor', opts.cursor);
    return this.get(`/exchange-days?${q}`);
  }
  createExchangeDay(input: ExchangeDayInput): Promise<ExchangeDay> {
    return this.post('/exchange-days', input);
  }
  getExchangeDay(id: string): Promise<ExchangeDay> {
    return this.get(`/exchange-days/${encodeURIComponent(id)}`);
  }
  updateExchangeDay(id: string, input: ExchangeDayInput): Promise<ExchangeDay> {
    return this.patch(`/exchange-days/${encodeURIComponent(id)}`, input);
  }
  cancelExchangeDay(id: string): Promise<ExchangeDay> {
    return this.post(`/exchange-days/${encodeURIComponent(id)}/cancel`);
  }
  registerForExchangeDay(id: string, inviteCode?: string): Promise<ExchangeDay> {
    return this.post(`/exchange-days/${encodeURIComponent(id)}/registration`, inviteCode ? { inviteCode } : {});
  }
  unregisterFromExchangeDay(id: string): Promise<void> {
    return this.del(`/exchange-days/${encodeURIComponent(id)}/registration`);
  }
  /** Whether the live session can be joined now (public): open, not_open (opensAt), ended or cancelled. */
  liveStatus(id: string): Promise<LiveStatus> {
    return this.get(`/exchange-days/${encodeURIComponent(id)}/live/status`);
  }
  liveIceServers(id: string): Promise<IceServersResponse> {
    return this.get(`/exchange-days/${encodeURIComponent(id)}/live/ice-servers`);
  }
}
