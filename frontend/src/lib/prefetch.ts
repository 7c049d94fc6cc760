// Data asked for while a page's code is still loading (lazy pages): on a slow connection the page's chunk
// and its data then travel side by side. Kept tiny: it is part of the first page's bundle.
import type { ApiClient } from './api';

/** The network page's data: GET /territories/{id}/network with its filters, in one fixed order. */
export function networkPath(territory: string, filters: { theme?: string; kind?: string } = {}): string {
  const q = new URLSearchParams();
  if (filters.theme) q.set('theme', filters.theme);
  if (filters.kind) q.set('kind', filters.kind);
  const qs = q.toString();
  return `/territories/${encodeURIComponent(territory)}/network${qs ? '?' + qs : ''}`;
}

/** One practice, in the language its address asks for (?lang=), as the practice page reads it. */
export function practicePath(id: string, lang = ''): string {
  return '/practices/' + encodeURIComponent(id) + (lang ? '?lang=' + encodeURIComponent(lang) : '');
}

/** Starts the data request of a lazy page, when it has one worth starting early. */
export function prefetchFor(api: ApiClient, route: string, params: Record<string, string>, query: URLSearchParams): void {
  if (!params.id) return;
  const id = encodeURIComponent(params.id);
  if (route === 'network') api.prefetch(networkPath(params.id, { theme: query.get('theme') ?? '', kind: query.get('kind') ?? '' }));
  else if (route === 'practice') api.prefetch(practicePath(params.id, query.get('lang') ?? ''));
  else if (route === 'exchange-day' || route === 'exchange-day-summary') api.prefetch('/exchange-days/' + id);
  else if (route === 'organisation') api.prefetch('/organisations/' + id);
}
