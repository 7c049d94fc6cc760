import { describe, expect, it } from 'vitest';
import { clusterByKind, type GraphActor, type GraphRelation } from './network';

const actor = (id: string, kind: GraphActor['kind']): GraphActor => ({ id, name: id, kind, themes: [], onTeixit: false, relations: 0 });
const rel = (from: string, to: string): GraphRelation => ({ from, to, type: 'collaborates', status: 'confirmed' });

describe('clusterByKind', () => {
  it('counts actors per kind and relations between kinds either way round', () => {
    const c = clusterByKind([actor('a', 'school'), actor('b', 'school'), actor('c', 'parish')], [rel('a', 'c'), rel('c', 'b'), rel('a', 'b'), rel('a', 'gone')]);
    expect(c.nodes.sort((x, y) => x.id.localeCompare(y.id))).toEqual([{ id: 'parish', kind: 'parish', count: 1 }, { id: 'school', kind: 'school', count: 2 }]);
    expect(c.links.sort((x, y) => x.count - y.count)).toEqual([{ from: 'school', to: 'school', count: 1 }, { from: 'parish', to: 'school', count: 2 }]);
  });
});
