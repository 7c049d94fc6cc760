// Shared pieces of the browser tests: build and start the real Go server on a free port with a fresh data
// folder, launch Debian's Chromium through playwright-core, and check pages with axe-core.
//
// Environment:
//   TEIXIT_TEST_BASE_URL  use a server that is already running instead of building one (e.g. http://127.0.0.1:8080)
//   TEIXIT_TEST_BINARY    run this server binary (built with the current frontend/dist) instead of `go build`
//                         in each test file (`npm run test:browser` builds one for all of them)
//   CHROMIUM_PATH         browser to drive (default /usr/bin/chromium)
//   TEIXIT_SCREENSHOTS    folder for checkPage's screenshots of every page it checks; without it checkPage
//                         takes one only of a page that fails its checks (in a new folder under the temp dir)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
export const frontendDir = path.resolve(here, '..');
export const repoRoot = path.resolve(frontendDir, '..');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Fake microphone and camera, and no permission prompt, for the live-session tests. */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'];

/** Launches Chromium; `{ fakeMedia: true }` adds FAKE_MEDIA_ARGS. */
export function launchBrowser({ fakeMedia = false } = {}) {
  const args = fakeMedia ? [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args, headless: true });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(base, proc, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) throw new Error(`server exited early with code ${proc.exitCode}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${base} not ready after ${ms} ms`);
}

/**
 * Starts the real server (built from ./server with the current frontend/dist embedded) and returns its base
 * URL and a stop function that kills it and removes its data. extraEnv adds TEIXIT_* settings.
 * `{ seed: true }` first runs the binary's `seed` command on the fresh data folder (Barcelona's territories,
 * demo organisations and the demo accounts of server/seed), before `serve` takes the folder's lock.
 */
export async function startServer(extraEnv = {}, { seed = false } = {}) {
  if (process.env.TEIXIT_TEST_BASE_URL) {
    if (Object.keys(extraEnv).length || seed) throw new Error('this test needs its own server settings; unset TEIXIT_TEST_BASE_URL');
    const base = process.env.TEIXIT_TEST_BASE_URL.replace(/\/$/, '');
    await waitReady(base, null, 10_000);
    return { base, stop: async () => {} };
  }
  const index = readFileSync(path.join(frontendDir, 'dist', 'index.html'), 'utf8');
  if (!index.includes('/assets/')) throw new Error('frontend/dist holds the placeholder: run `npm run build` first');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'teixit-browser-'));
  let bin = process.env.TEIXIT_TEST_BINARY && path.resolve(process.env.TEIXIT_TEST_BINARY);
  if (!bin) {
    bin = path.join(tmp, 'teixit');
    try {
      execFileSync('go', ['build', '-o', bin, './server'], { cwd: repoRoot, stdio: 'inherit' });
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  const dataDir = path.join(tmp, 'data');
  mkdirSync(dataDir);
  const log = createWriteStream(path.join(tmp, 'server.log'));
  const env = { ...process.env, TEIXIT_DATA_DIR: dataDir, TEIXIT_LOG_LEVEL: 'warn',
    // live-session sockets on loopback and free ports, so tests never clash with a running server
    TEIXIT_RTC_UDP_ADDR: '127.0.0.1', TEIXIT_RTC_UDP_PORT: '0', TEIXIT_TURN_PORT: '0', ...extraEnv };
  if (seed) {
    try {
      execFileSync(bin, ['seed'], { env, stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  // The port is chosen just before the server starts (after the seed, which can take a while): a port found
  // free earlier may have been handed to another socket meanwhile. Should it be taken all the same, the
  // first start tries another; a restart keeps its address.
  let port = await freePort();
  let base = `http://127.0.0.1:${port}`;
  env.TEIXIT_ADDR = `127.0.0.1:${port}`;
  let proc;
  const launch = async () => {
    proc = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.pipe(log, { end: false });
    proc.stderr.pipe(log, { end: false });
    try {
      await waitReady(base, proc);
    } catch (err) {
      proc.kill('SIGKILL');
      throw new Error(`${err.message}; log: ${readFileSync(path.join(tmp, 'server.log'), 'utf8').slice(-2000)}`);
    }
  };
  const removeLater = () => setTimeout(() => rmSync(tmp, { recursive: true, force: true }), 1000).unref();
  const halt = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test(err.message)) {
        removeLater();
        throw err;
      }
      port = await freePort();
      base = `http://127.0.0.1:${port}`;
      env.TEIXIT_ADDR = `127.0.0.1:${port}`;
    }
  }
  const stop = async () => {
    await halt();
    rmSync(tmp, { recursive: true, force: true });
  };
  /** Stops the server as an operator would (SIGTERM) and starts it again on the same data and address. */
  const restart = async () => {
    await halt();
    await launch().catch((err) => {
      removeLater();
      throw err;
    });
  };
  return { base, stop, restart };
}

let shotsDir;

/** The folder for this run's screenshots (the same one for every call in a test file's process). */
export function screenshotDir() {
  if (shotsDir) return shotsDir;
  shotsDir = process.env.TEIXIT_SCREENSHOTS || mkdtempSync(path.join(os.tmpdir(), 'teixit-shots-'));
  mkdirSync(shotsDir, { recursive: true });
  return shotsDir;
}

/** The browser tests' desktop and phone viewports. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

/**
 * Checks the page as it is now, at each width in turn: axe-core clean (axeViolations) and no sideways scroll.
 * A full-page screenshot `<name>-<width>.png` goes to `shots` (default: screenshotDir()) when TEIXIT_SCREENSHOTS
 * asks for them, and always for a width that fails (a picture of what went wrong). Waits for
 * network idle first unless `idle: false` (pages with a live connection or playing media never go idle). The
 * height is `height` when given, else 900 at desktop widths and 740 below 1000 px. Puts the viewport back as
 * it was.
 */
export async function checkPage(page, name, { shots, widths = [DESKTOP.width, PHONE.width], idle = true, height } = {}) {
  shots ??= screenshotDir();
  if (idle) await page.waitForLoadState('networkidle');
  const raw = await rawKeysShown(page);
  assert.deepEqual(raw, [], `${name} shows catalog keys instead of words (a part's catalog not loaded?)`);
  const start = page.viewportSize();
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: height ?? (width >= 1000 ? DESKTOP.height : PHONE.height) });
      // the new layout is drawn before it is looked at
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const violations = await axeViolations(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (process.env.TEIXIT_SCREENSHOTS || violations.length > 0 || overflow > 0) {
        await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
      }
      assert.deepEqual(violations, [], `${name} at ${width} px:\n${violations.join('\n')}`);
      assert.ok(overflow <= 0, `${name} scrolls sideways at ${width} px by ${overflow}px`);
    }
  } finally {
    if (start) await page.setViewportSize(start).catch(() => {});
  }
}

// Every catalog key of the app (main catalogs and parts), to catch a page that shows one instead of its text.
const catalogKeys = (() => {
  const dir = path.join(frontendDir, 'src', 'i18n');
  const files = [path.join(dir, 'ca.json'), ...readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name, 'ca.json'))];
  return files.flatMap((f) => Object.keys(JSON.parse(readFileSync(f, 'utf8'))).flatMap((k) => [k, k.replace(/\.(one|other)$/, '')]));
})();

/** The catalog keys the page shows as text (none, when every part's catalog arrived). */
export async function rawKeysShown(page) {
  const text = await page.evaluate(() => document.body.innerText);
  const words = new Set(text.split(/[^\w.]+/).map((w) => w.replace(/\.+$/, '')));
  return [...new Set(catalogKeys.filter((k) => k.includes('.') && words.has(k)))];
}

/**
 * A new page in a context of its own (its own cookie jar) at desktop width, in English, failing the test on
 * any page error. `testFlag` sets localStorage 'teixit.test', which exposes the room's session and peer
 * connection to the test (window.__teixitLiveSession, __teixitLivePC in the live room).
 */
export async function openPage(browser, { testFlag = false } = {}) {
  const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', bypassCSP: true, reducedMotion: 'reduce' });
  ctx.setDefaultTimeout(60_000); // the machine is shared: be patient, the assertions stay strict
  if (testFlag) await ctx.addInitScript(() => localStorage.setItem('teixit.test', '1'));
  const p = await ctx.newPage();
  p.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
  return p;
}

/**
 * A page in a context of its own at `width` (900 px high), in British English (or `lang`: ca, es, it), signed in
 * through the API as `who` (e.g. a demo account of the seed, whose language is then set to `lang` so tests read
 * what they expect) or signed out when `who` is null. Page errors are logged. Resolves with `{ ctx, api, page }`
 * (api: logInViaApi's helpers, null when signed out).
 */
export async function openSignedInPage(browser, base, width, who, lang = 'en') {
  const locale = { en: 'en-GB', ca: 'ca-ES', es: 'es-ES', it: 'it-IT' }[lang];
  const ctx = await browser.newContext({ locale, bypassCSP: true, viewport: { width, height: 900 } });
  ctx.setDefaultTimeout(60_000);
  const api = who ? await logInViaApi(ctx, base, who) : null;
  if (api) await api.patch('/me', { language: lang }); // the demo accounts speak Catalan; most tests read English
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`page error (${who?.email ?? 'anonymous'}): ${e.message}`));
  return { ctx, api, page };
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page; resolves with a readable list of violations. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }),
  );
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`);
}

/**
 * Registers a new account through the API with the browser context's cookie jar (so the context is then
 * signed in) and returns a `post(path, data)` that sends JSON with the session's CSRF token and returns the
 * parsed answer, failing the test on any non-2xx status.
 */
export async function signUpViaApi(ctx, base, { email, name, password = 'a quiet street in Gràcia', language = 'en' }) {
  const api = (p) => `${base}/api/v1${p}`;
  const ok = async (res) => {
    assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  let csrf = (await ok(await ctx.request.get(api('/auth/session')))).csrfToken;
  const reg = await ok(await ctx.request.post(api('/auth/register'), {
    headers: { 'X-CSRF-Token': csrf },
    data: { email, password, name, language },
  }));
  csrf = reg.csrfToken || csrf;
  const post = async (p, data) => ok(await ctx.request.post(api(p), { headers: { 'X-CSRF-Token': csrf }, data }));
  return { user: reg.user, post };
}

/**
 * Signs an existing account in through the API with the browser context's cookie jar (e.g. a demo account
 * of the seed) and returns `{ user, get, post, patch }` helpers that send the session's CSRF token and fail
 * the test on any non-2xx status.
 */
export async function logInViaApi(ctx, base, { email, password }) {
  const api = (p) => `${base}/api/v1${p}`;
  const ok = async (res) => {
    assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
    return res.status() === 204 ? undefined : res.json();
  };
  let csrf = (await ok(await ctx.request.get(api('/auth/session')))).csrfToken;
  const session = await ok(await ctx.request.post(api('/auth/login'), { headers: { 'X-CSRF-Token': csrf }, data: { email, password } }));
  csrf = session.csrfToken || csrf;
  const headers = () => ({ 'X-CSRF-Token': csrf });
  return {
    user: session.user,
    get: async (p) => ok(await ctx.request.get(api(p))),
    post: async (p, data) => ok(await ctx.request.post(api(p), { headers: headers(), data })),
    patch: async (p, data) => ok(await ctx.request.patch(api(p), { headers: headers(), data })),
  };
}
