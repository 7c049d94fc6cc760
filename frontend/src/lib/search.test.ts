import { describe, expect, it } from 'vitest';
import {
  bodyFragments, canSearch, clearFilters, countsKey, fragmentText, isFiltered, withoutGroup, emptyFilters, hasFilters, parseSearch, safeHighlight, searchApiQuery, searchUrl,
  SEARCH_KINDS, SEARCH_LANGUAGES, toggleFilter, totalPages, valueLabel, type SearchState,
} from './search';
import { catalogs, ensureCatalog, LANGUAGES, translate } from './i18n';
// The theme vocabulary is the server's (served in GET /config); the test reads its one file.
import THEMES from '../../../server/theme/themes.json';

const parse = (qs: string) => parseSearch(new URLSearchParams(qs));

describe('parseSearch', () => {
  it('reads words, comma-separated filters, sort and page', () => {
    const s = parse('q=habitatge%20digne&kind=organisation,exchange_day&theme=housing&territory=t1&lang=ca,es&sort=date&page=3');
    expect(s).toEqual({
      q: 'habitatge digne',
      filters: { kind: ['organisation', 'exchange_day'], theme: ['housing'], territory: ['t1'], language: ['ca', 'es'] },
      year: '',
      sort: 'date',
      page: 3,
    });
  });
  it('falls back to the defaults for missing or odd values', () => {
    expect(parse('')).toEqual({ q: '', filters: emptyFilters(), year: '', sort: 'relevance', page: 1 });
    expect(parse('year=26').year).toBe('');
    expect(parse('year=2025').year).toBe('2025');
    expect(parse('sort=oldest&page=-2').sort).toBe('relevance');
    expect(parse('page=abc').page).toBe(1);
    expect(parse('page=1.5').page).toBe(1);
    expect(parse('kind=,organisation,,organisation').filters.kind).toEqual(['organisation']);
    expect(parse('q=%20%20').q).toBe('');
  });
});

describe('searchUrl', () => {
  it('keeps only what differs from the defaults', () => {
    expect(searchUrl(parse(''))).toBe('/search');
    expect(searchUrl(parse('q=salut&sort=relevance&page=1'))).toBe('/search?q=salut');
  });
  it('round-trips through parseSearch', () => {
    const qs = 'q=participaci%C3%B3+veïnal&kind=organisation%2Cpractice&lang=it&sort=date&page=2';
    const s = parse(qs);
    expect(parse(searchUrl(s).split('?')[1])).toEqual(s);
  });
  it('encodes words that look like URL syntax', () => {
    const s: SearchState = { ...parse(''), q: 'a&b=c #1' };
    expect(parse(searchUrl(s).split('?')[1]).q).toBe('a&b=c #1');
  });
});

describe('searchApiQuery', () => {
  it('uses the API parameter names and asks for a page size', () => {
    const p = new URLSearchParams(searchApiQuery(parse('q=salut&lang=ca,es&page=2'), 20));
    expect(p.get('q')).toBe('salut');
    expect(p.get('lang')).toBe('ca,es');
    expect(p.get('page')).toBe('2');
    expect(p.get('perPage')).toBe('20');
    expect(p.has('sort')).toBe(false);
  });
  it('turns a year into a date range', () => {
    const p = new URLSearchParams(searchApiQuery(parse('q=salut&year=2025')));
    expect(p.get('from')).toBe('2025-01-01');
    expect(p.get('to')).toBe('2025-12-31');
    expect(p.has('year')).toBe(false);
    expect(searchUrl(parse('q=salut&year=2025'))).toBe('/search?q=salut&year=2025');
  });
});

describe('filters', () => {
  it('toggles a value on and off and goes back to page 1', () => {
    const s = parse('q=x&page=4&kind=practice');
    const on = toggleFilter(s, 'kind', 'organisation', true);
    expect(on.filters.kind).toEqual(['practice', 'organisation']);
    expect(on.page).toBe(1);
    expect(toggleFilter(on, 'kind', 'practice', false).filters.kind).toEqual(['organisation']);
    expect(toggleFilter(on, 'kind', 'organisation', true).filters.kind).toEqual(['practice', 'organisation']);
    expect(s.filters.kind).toEqual(['practice']); // the original is untouched
  });
  it('clears every filter but keeps the words and the sort', () => {
    const s = clearFilters(parse('q=x&sort=date&theme=health&year=2024&page=2'));
    expect(hasFilters(s)).toBe(false);
    expect(s).toMatchObject({ q: 'x', sort: 'date', page: 1 });
  });
  it('can search with words or with a filter, not with neither', () => {
    expect(canSearch(parse(''))).toBe(false);
    expect(canSearch(parse('q=x'))).toBe(true);
    expect(canSearch(parse('theme=health'))).toBe(true);
    expect(canSearch(parse('year=2026'))).toBe(true);
  });
});

describe('totalPages', () => {
  it('is at least 1 and rounds up', () => {
    expect(totalPages(0, 20)).toBe(1);
    expect(totalPages(20, 20)).toBe(1);
    expect(totalPages(21, 20)).toBe(2);
  });
});

describe('safeHighlight', () => {
  it('keeps <mark> and escapes any other tag', () => {
    expect(safeHighlight('el <mark>habitatge</mark> &amp; més')).toBe('el <mark>habitatge</mark> &amp; més');
    expect(safeHighlight('<img src=x onerror=alert(1)><mark>a</mark>')).toBe('&lt;img src=x onerror=alert(1)><mark>a</mark>');
    expect(safeHighlight('<markup>')).toBe('&lt;markup>');
  });
});

describe('labels', () => {
  it('has a label for every kind, theme and language in all four catalogs', async () => {
    for (const l of LANGUAGES) await ensureCatalog(l);
    for (const cat of Object.values(catalogs)) {
      for (const k of SEARCH_KINDS) expect(cat[`search.kind.${k}`], k).toBeTruthy();
      for (const k of THEMES) expect(cat[`search.theme.${k}`], k).toBeTruthy();
      for (const k of SEARCH_LANGUAGES) expect(cat[`search.lang.${k}`], k).toBeTruthy();
    }
  });
  it('shows an unknown value as it is', () => {
    const t = (key: string, params?: Record<string, string | number>) => translate('ca', key, params);
    expect(valueLabel(t, 'kind', 'organisation')).toBe(catalogs.ca['search.kind.organisation']);
    expect(valueLabel(t, 'kind', 'poll')).toBe('poll');
  });
});

describe('fragments', () => {
  it('reads the plain text of a fragment', () => {
    expect(fragmentText('l&#39;<mark>habitatge</mark> &amp; el &lt;barri&gt;')).toBe("l'habitatge & el <barri>");
  });
  it('leaves out fragments that only repeat the title', () => {
    const title = "Jornada d'intercanvi: habitatge";
    const hl = ['Jornada d&#39;intercanvi: <mark>habitatge</mark>', 'Una tarda sobre l&#39;<mark>habitatge</mark>'];
    expect(bodyFragments(title, hl)).toEqual([hl[1]]);
    expect(bodyFragments('Altre', hl)).toEqual(hl);
  });
});

describe('counts of a filtered group', () => {
  it('takes one group off and keeps the rest', () => {
    const s = parse('q=x&kind=practice&lang=ca&year=2025&sort=date&page=3');
    const k = withoutGroup(s, 'kind');
    expect(k.filters).toMatchObject({ kind: [], language: ['ca'] });
    expect(k).toMatchObject({ year: '2025', page: 1, sort: 'relevance' });
    const y = withoutGroup(s, 'year');
    expect(y.year).toBe('');
    expect(y.filters.kind).toEqual(['practice']);
    expect(isFiltered(s, 'theme')).toBe(false);
    expect(isFiltered(s, 'year')).toBe(true);
  });
  it('gives the same key whatever the page or order', () => {
    expect(countsKey(parse('q=x&kind=a&page=2&sort=date'))).toBe(countsKey(parse('q=x&kind=a')));
    expect(countsKey(parse('q=x&kind=a'))).not.toBe(countsKey(parse('q=x&kind=b')));
  });
});
