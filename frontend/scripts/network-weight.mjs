// Measures the network page of a territory with 500 actors and 2,000 relations: the server's time to answer
// GET /territories/{id}/network (on loopback, 30 requests), and in the browser under slow-3G emulation
// (400 kbit/s, 400 ms round trip, CPU x4, as scripts/weight.mjs) the bytes transferred and the time until
// the page is usable (heading, holes and the actor list on screen) and until the drawing is there.
// Starts the real server with the demo data (harness startServer), loads the actors and relations through
// the API as the platform admin. Run `npm run build` first: node scripts/network-weight.mjs
import { launchBrowser, logInViaApi, startServer } from '../tests/harness.mjs';

const ACTORS = Number(process.env.ACTORS ?? 500);
const RELATIONS = Number(process.env.RELATIONS ?? 2000);
const KINDS = ['association', 'social_services', 'public_service', 'school', 'health_centre', 'parish', 'informal_group', 'business', 'other'];
const THEMES = ['housing', 'health', 'ageing_loneliness', 'childhood_youth', 'employment', 'public_space', 'coexistence', 'mobility', 'culture'];
const TYPES = ['collaborates', 'refers', 'funds', 'shares_space'];

async function pool(n, items, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

const server = await startServer({}, { seed: true });
const browser = await launchBrowser();
try {
  const ctx = await browser.newContext();
  const api = await logInViaApi(ctx, server.base, { email: 'admin@example.org', password: 'teixit-admin-demo-2026' });
  const raval = (await api.get('/territories?limit=100')).items.find((x) => x.name === 'el Raval');
  const assoc = (await api.get('/organisations?limit=50')).items.find((o) => o.name.startsWith('Associació Veïnal'));
  const t0 = Date.now();
  const ids = [];
  await pool(4, Array.from({ length: ACTORS }, (_, i) => i), async (i) => {
    const a = await api.post('/actors', { organisationId: assoc.id, name: `Actor ${String(i).padStart(3, '0')} del Raval`, kind: KINDS[i % KINDS.length],
      themes: [THEMES[i % THEMES.length]], territories: [raval.id], point: { lat: 41.375 + (i % 25) * 0.0004, lon: 2.165 + Math.floor(i / 25) * 0.0004 } });
    ids.push(a.id);
  });
  // Four relations from each actor, to the actors 18, 70, 156 and 276 places further round: 2,000 distinct
  // relations for 500 actors (no two offsets add up to 500, so no symmetric pair repeats).
  ids.sort();
  const rels = [];
  for (let i = 0; i < ids.length && rels.length < RELATIONS; i++) {
    TYPES.forEach((type, j) => {
      const off = (j + 1) * (j + 1) * 17 + j + 1;
      if (rels.length < RELATIONS) rels.push({ fromActorId: ids[i], toActorId: ids[(i + off) % ids.length], type });
    });
  }
  await pool(4, rels, (r) => api.post('/relations', { ...r, since: '2024', source: 'Mesura de càrrega' }));
  console.log(`loaded ${ids.length} actors and ${rels.length} relations through the API in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // server time on loopback (anonymous reader, like the page's first request)
  const times = [];
  let size = 0;
  for (let i = 0; i < 30; i++) {
    const s = performance.now();
    const res = await fetch(`${server.base}/api/v1/territories/${raval.id}/network`, { headers: { 'Accept-Encoding': 'gzip' } });
    const body = await res.arrayBuffer();
    times.push(performance.now() - s);
    size = body.byteLength;
  }
  const sorted = [...times].sort((x, y) => x - y);
  const graph = await api.get(`/territories/${raval.id}/network`);
  console.log(`GET /territories/{id}/network: ${graph.actors.length} actors, ${graph.relations.length} relations, ${(size / 1024).toFixed(0)} KB JSON (uncompressed)`);
  console.log(`  p50 ${sorted[14].toFixed(0)} ms, p90 ${sorted[26].toFixed(0)} ms, max ${sorted[29].toFixed(0)} ms (30 requests, loopback)`);

  // the page on a slow phone
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ca-ES' });
  const page = await phone.newPage();
  const cdp = await phone.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50000, uploadThroughput: 50000 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const types = new Map();
  const bytes = {};
  const files = [];
  // when each request started and finished (CDP's monotonic seconds), to see where the time goes
  const began = new Map();
  let t0net = null;
  cdp.on('Network.requestWillBeSent', (e) => {
    t0net ??= e.timestamp;
    began.set(e.requestId, e.timestamp);
  });
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, { type: e.type, url: e.response.url }));
  cdp.on('Network.loadingFinished', (e) => {
    const info = types.get(e.requestId);
    if (!info) return;
    bytes[info.type] = (bytes[info.type] ?? 0) + e.encodedDataLength;
    const at = (x) => (x - t0net).toFixed(2).padStart(5);
    files.push(`${info.type.padEnd(10)} ${(e.encodedDataLength / 1024).toFixed(1).padStart(7)} KB  ${at(began.get(e.requestId))}–${at(e.timestamp)} s  ${new URL(info.url).pathname}`);
  });
  const start = Date.now();
  await page.goto(`${server.base}/territories/${raval.id}/network`, { waitUntil: 'commit' });
  await page.locator('[data-testid="actors-list"] li').first().waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="network-holes"]').waitFor();
  const usable = Date.now() - start;
  await page.locator('[data-testid="network-graph"] svg').waitFor({ timeout: 120_000 });
  const drawn = Date.now() - start;
  await page.waitForLoadState('networkidle');
  for (const f of files) console.log('  ' + f);
  const total = Object.values(bytes).reduce((x, y) => x + y, 0);
  console.log(`network page, slow 3G (400 kbit/s, 400 ms RTT), CPU x4, 360 px: ${(total / 1024).toFixed(1)} KB transferred`);
  for (const [t, b] of Object.entries(bytes)) console.log(`  ${t}: ${(b / 1024).toFixed(1)} KB`);
  console.log(`  usable (heading, holes, list on screen) after ${(usable / 1000).toFixed(1)} s; drawing (clustered) after ${(drawn / 1000).toFixed(1)} s`);
} finally {
  await browser.close();
  await server.stop();
}
