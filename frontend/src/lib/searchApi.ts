// The search endpoints of the API (GET /search, /search/suggest) and the territory names the territory filter
// needs, fetched once per visit. Results only ever hold what the reader may see: the server filters by session.
import { api } from './session';
import { searchApiQuery, type SearchState } from './search';

export interface SearchHit {
  id: string;
  kind: string;
  /** "translation" when the words matched the record's translation into `language`, not the record itself. */
  via?: 'translation';
  /** Not published yet: shown to the people who may read the draft. */
  draft?: boolean;
  title: string;
  language: string;
  created: string;
  url: string;
  /** HTML: text already escaped by the server, matches inside <mark>. */
  highlights: string[];
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchResults {
  total: number;
  page: number;
  perPage: number;
  hits: SearchHit[];
  facets: Record<string, FacetValue[]>;
  tookMs: number;
}

export interface Suggestion {
  id: string;
  kind: string;
  title: string;
  url: string;
}

export interface Territory {
  id: string;
  name: string;
  level: string;
}

export const PER_PAGE = 20;

export function search(s: SearchState, perPage = PER_PAGE): Promise<SearchResults> {
  return api.get(`/search?${searchApiQuery(s, perPage)}`);
}

/** Title completions for what is being typed; at most 8. */
export async function suggest(q: string): Promise<Suggestion[]> {
  const res = await api.get<{ items?: Suggestion[] }>(`/search/suggest?${new URLSearchParams({ q })}`);
  return res?.items ?? [];
}

let territories: Promise<Map<string, string>> | null = null;

/** Territory id → name, asked once and kept; a failed request is asked again next time. */
export function territoryNames(): Promise<Map<string, string>> {
  territories ??= api
    .get<{ items?: Territory[] }>('/territories')
    .then((res) => new Map((res?.items ?? []).map((x) => [x.id, x.name])))
    .catch((err) => {
      territories = null;
      throw err;
    });
  return territories;
}
