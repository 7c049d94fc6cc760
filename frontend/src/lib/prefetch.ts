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

/** Starts the data request of a lazy page, when it has one worth starting early. */
export function prefetchFor(api: ApiClient, route: string, params: Record<string, string>, query: URLSearchParams): void {
  if (route === 'network' && params.id) {
    api.prefetch(networkPath(params.id, { theme: query.get('theme') ?? '', kind: query.get('kind') ?? '' }));
  }
}
