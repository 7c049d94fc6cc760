// The audit log of sensitive actions (server/audit) and the admins' one-time password reset links.
import type { ApiClient, Page } from './api';
import './accountI18n';

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorName?: string;
  onBehalfOf?: string;
  organisationId?: string;
  action: string;
  target?: string;
  detail?: string;
}

/** The action codes the pages have words for (labels: `audit.action.<code>`). */
export const AUDIT_ACTIONS = ['account.deleted', 'account.token_created', 'account.token_revoked', 'account.password_changed', 'account.signed_out_everywhere', 'account.password_reset', 'account.reset_link_issued', 'account.exported', 'organisation.member_invited', 'organisation.invitation_withdrawn', 'organisation.member_added', 'organisation.member_removed', 'organisation.role_changed', 'contribution.moderated', 'contribution.assisted', 'ballot.assisted', 'comment.moderated', 'actor.moderated', 'recording.link_created', 'recording.links_revoked', 'recording.turns_removed', 'evaluation.group_changed', 'exchange.rapporteur_set'];

/** The log's path: the whole platform's (platform admins) or one organisation's (its admins). */
export const auditPath = (org = '') => (org ? `/organisations/${encodeURIComponent(org)}/audit` : '/admin/audit');

export function listAudit(api: ApiClient, org = '', before = ''): Promise<Page<AuditEntry>> {
  const q = new URLSearchParams({ limit: '50' });
  if (before) q.set('before', before);
  return api.get<Page<AuditEntry>>(`${auditPath(org)}?${q}`);
}

export interface ResetLink {
  link: string;
  expiresAt: string;
}

export const issueResetLink = (api: ApiClient, email: string) => api.post<ResetLink>('/admin/password-reset-links', { email });
