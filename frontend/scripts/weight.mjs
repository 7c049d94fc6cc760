// Measures what the first page costs a person on a slow phone connection: gzipped JS + CSS transferred and the
// time until the main heading and the menu are on screen and usable, under slow-3G emulation (400 kbit/s,
// 400 ms round trip) and a 4x slower CPU. Budgets: 100 KB and 5 s; exits 1 when over.
//
// By default it serves frontend/dist itself with gzip (as any production server or proxy should) and answers
// /api/v1/auth/session as "nobody signed in". Set TEIXIT_WEIGHT_BASE_URL to measure a running server instead.
// Run `npm run build` first.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/harness.mjs';

const BUDGET_BYTES = 100 * 1024;
const BUDGET_MS = 5000;
const KBIT = 400;
const RTT_MS = 400;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml' };

function serveDist() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/v1/auth/session') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ user: null, csrfToken: '', memberships: [] }));
    }
    let file = path.join(dist, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    let body;
    try {
      body = await readFile(file);
    } catch {
      file = path.join(dist, 'index.html');
      body = await readFile(file);
    }
    const headers = { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      body = zlib.gzipSync(body, { level: 9 });
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function measure(base) {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ca-ES' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: RTT_MS,
      downloadThroughput: (KBIT * 1000) / 8,
      uploadThroughput: (KBIT * 1000) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });

    const types = new Map();
    const bytes = { Script: 0, Stylesheet: 0, Document: 0, other: 0 };
    const files = [];
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, { type: e.type, url: e.response.url }));
    cdp.on('Network.loadingFinished', (e) => {
      const info = types.get(e.requestId);
      if (!info) return;
      const key = info.type in bytes ? info.type : 'other';
      bytes[key] += e.encodedDataLength;
      files.push({ type: info.type, url: new URL(info.url).pathname, bytes: e.encodedDataLength });
    });

    const start = Date.now();
    await page.goto(base + '/', { waitUntil: 'commit' });
    await page.waitForFunction(
      () => {
        const h1 = document.querySelector('main h1');
        const nav = document.querySelector('nav a[href="/organisations"]');
        const visible = (el) => el && el.getBoundingClientRect().height > 0;
        return visible(h1) && visible(nav) && document.querySelector('#language-switcher');
      },
      null,
      { timeout: 60_000, polling: 50 },
    );
    const usableMs = Date.now() - start;
    // Usable means it reacts: a click on the menu must route in-app without a page load.
    await page.click('nav a[href="/organisations"]');
    await page.waitForURL('**/organisations');
    await page.waitForLoadState('networkidle');
    return { usableMs, bytes, files };
  } finally {
    await browser.close();
  }
}

const external = process.env.TEIXIT_WEIGHT_BASE_URL?.replace(/\/$/, '');
const server = external ? null : await serveDist();
const base = external ?? `http://127.0.0.1:${server.address().port}`;
let result;
try {
  result = await measure(base);
} finally {
  server?.close();
}

const jsCss = result.bytes.Script + result.bytes.Stylesheet;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`Teixit first page (${external ? base : 'frontend/dist served with gzip'}), slow 3G ${KBIT} kbit/s, ${RTT_MS} ms RTT, CPU x4:`);
for (const f of result.files) console.log(`  ${f.type.padEnd(11)} ${kb(f.bytes).padStart(9)}  ${f.url}`);
console.log(`  JS ${kb(result.bytes.Script)} + CSS ${kb(result.bytes.Stylesheet)} = ${kb(jsCss)} transferred (budget ${kb(BUDGET_BYTES)})`);
console.log(`  HTML ${kb(result.bytes.Document)}`);
console.log(`  usable (heading and menu shown, interactive) after ${(result.usableMs / 1000).toFixed(2)} s (budget ${BUDGET_MS / 1000} s)`);
const over = [];
if (jsCss > BUDGET_BYTES) over.push('bytes');
if (result.usableMs > BUDGET_MS) over.push('time');
console.log(over.length ? `OVER BUDGET: ${over.join(', ')}` : 'within budget');
process.exit(over.length ? 1 : 0);
