// "Find anything": the search page keeps its query, filters, sort and page in the URL (/search?q=…&kind=…), so
// Back works and a search can be shared as a link. These helpers turn that URL into a state and back, and build
// the API query from it. Several values of one filter are comma-separated and mean "any of them".
import type { Translate } from './i18n';

/** The facet groups shown as checkboxes, in the order they appear on the page. */
export const FACET_GROUPS = ['kind', 'theme', 'territory', 'language'] as const;
export type FacetGroup = (typeof FACET_GROUPS)[number];

/** The URL and API parameter of each facet group (the API filters languages with `lang`). */
const PARAM: Record<FacetGroup, string> = { kind: 'kind', theme: 'theme', territory: 'territory', language: 'lang' };

export type SearchSort = 'relevance' | 'date';

export interface SearchState {
  q: string;
  filters: Record<FacetGroup, string[]>;
  /** One year ("2026") or "" for any: the API filters it as from 1 January to 31 December. */
  year: string;
  sort: SearchSort;
  page: number;
}

/** Kinds of things the search finds; each has a plain label in the catalogs (`search.kind.<kind>`). */
export const SEARCH_KINDS = ['organisation', 'exchange_day', 'diagnosis', 'contribution', 'finding', 'action', 'practice', 'transfer', 'comment',
  'evaluation', 'evaluation_item', 'evaluation_point', 'evaluation_measure', 'evaluation_report'];
/** Languages content is written in (`search.lang.<code>`). */
export const SEARCH_LANGUAGES = ['ca', 'es', 'it', 'en'];

export function emptyFilters(): Record<FacetGroup, string[]> {
  return { kind: [], theme: [], territory: [], language: [] };
}

function list(v: string | null): string[] {
  if (!v) return [];
  const out: string[] = [];
  for (const s of v.split(',')) {
    const x = s.trim();
    if (x && !out.includes(x)) out.push(x);
  }
  return out;
}

/** Reads the state from the page URL's query; anything missing or odd falls back to the default. */
export function parseSearch(query: URLSearchParams): SearchState {
  const filters = emptyFilters();
  for (const g of FACET_GROUPS) filters[g] = list(query.get(PARAM[g]));
  const page = Number(query.get('page'));
  return {
    q: (query.get('q') ?? '').trim(),
    filters,
    year: /^\d{4}$/.test(query.get('year') ?? '') ? (query.get('year') as string) : '',
    sort: query.get('sort') === 'date' ? 'date' : 'relevance',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

function toParams(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q.trim()) p.set('q', s.q.trim());
  for (const g of FACET_GROUPS) if (s.filters[g].length) p.set(PARAM[g], s.filters[g].join(','));
  if (s.year) p.set('year', s.year);
  if (s.sort === 'date') p.set('sort', 'date');
  if (s.page > 1) p.set('page', String(s.page));
  return p;
}

/** The page URL for a state: only what differs from the defaults, so links stay short. */
export function searchUrl(s: SearchState): string {
  const p = toParams(s).toString();
  return p ? `/search?${p}` : '/search';
}

/** The API query string (without "?") for a state. */
export function searchApiQuery(s: SearchState, perPage = 20): string {
  const p = toParams(s);
  if (s.year) {
    p.delete('year');
    p.set('from', `${s.year}-01-01`);
    p.set('to', `${s.year}-12-31`);
  }
  p.set('perPage', String(perPage));
  return p.toString();
}

/** Every filter group, the year included. */
export type FilterGroup = FacetGroup | 'year';
export const FILTER_GROUPS: FilterGroup[] = [...FACET_GROUPS, 'year'];

export function isFiltered(s: SearchState, g: FilterGroup): boolean {
  return g === 'year' ? s.year !== '' : s.filters[g].length > 0;
}

/**
 * The same search with one group's filter taken off (first page, default order). The server counts facets
 * among the results, so once "Exchange day" is ticked the other kinds vanish; this search's counts for that
 * group are what ticking one more value would give, and let the group stay a list of "any of these" choices.
 */
export function withoutGroup(s: SearchState, g: FilterGroup): SearchState {
  return { ...s, filters: g === 'year' ? s.filters : { ...s.filters, [g]: [] }, year: g === 'year' ? '' : s.year, sort: 'relevance', page: 1 };
}

/** Identifies a search's counts: the same words and filters give the same facets whatever the page or order. */
export function countsKey(s: SearchState): string {
  return searchApiQuery({ ...s, sort: 'relevance', page: 1 }, 1);
}

/** A fresh search for some words: no filters, best match first, first page. */
export function newSearch(q: string): SearchState {
  return { q: q.trim(), filters: emptyFilters(), year: '', sort: 'relevance', page: 1 };
}

export function hasFilters(s: SearchState): boolean {
  return s.year !== '' || FACET_GROUPS.some((g) => s.filters[g].length > 0);
}

/** Whether there is anything to ask the server: words, or at least one filter. */
export function canSearch(s: SearchState): boolean {
  return s.q.trim() !== '' || hasFilters(s);
}

/** The state after ticking or unticking one value; changing the filters goes back to the first page. */
export function toggleFilter(s: SearchState, group: FacetGroup, value: string, on: boolean): SearchState {
  const current = s.filters[group].filter((v) => v !== value);
  return { ...s, filters: { ...s.filters, [group]: on ? [...current, value] : current }, page: 1 };
}

export function clearFilters(s: SearchState): SearchState {
  return { ...s, filters: emptyFilters(), year: '', page: 1 };
}

export function totalPages(total: number, perPage: number): number {
  return perPage > 0 ? Math.max(1, Math.ceil(total / perPage)) : 1;
}

/**
 * Highlighted fragments come from the server as escaped text with <mark> around matches. As a second safety,
 * any "<" that does not open or close a <mark> is escaped, so nothing else can become markup.
 */
export function safeHighlight(html: string): string {
  return html.replace(/<(?!\/?mark>)/g, '&lt;');
}

/** A plain label for a facet value from the catalogs (`search.<group>.<value>`), or the raw value when unknown. */
export function valueLabel(t: Translate, prefix: 'kind' | 'theme' | 'lang', value: string): string {
  const key = `search.${prefix}.${value}`;
  const text = t(key);
  return text === key ? value : text;
}

/** Plain text of a highlighted fragment: tags dropped, the few entities an HTML escaper writes turned back. */
export function fragmentText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|#34|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'", apos: "'", amp: '&' })[e] ?? '')
    .trim();
}

/** The fragments worth showing under a result: the ones that only repeat its title are left out. */
export function bodyFragments(title: string, highlights: string[]): string[] {
  const t = title.trim();
  return highlights.filter((h) => fragmentText(h) !== t);
}
