// The shortcut from a practice transfer to its evaluation: the adopting centre's admin opens the transfer,
// starts an evaluation in groups about it (subject and organisation filled in), and the transfer's page then
// lists it. Axe-clean at 1280 and 360 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

describe('evaluation shortcut from a transfer', () => {
  let server;
  let browser;
  const shots = screenshotDir();
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('starts an evaluation of a transfer from its page', async () => {
    const origin = await browser.newContext();
    const pere = await signUpViaApi(origin, server.base, { email: 'pere@example.org', name: 'Pere', language: 'ca' });
    const assoc = await pere.post('/organisations', { name: 'Associació Veïnal', kind: 'association' });
    const practice = await pere.post('/practices', {
      title: "Sessió grupal d'acollida", summary: 'Una primera acollida en grup.', problem: "Les llistes d'espera eren llargues.",
      context: { organisationId: assoc.id, targetPopulation: 'Persones que demanen cita' }, themes: ['coexistence'],
      steps: [{ title: 'Convocatòria', detail: 'Cada dilluns' }], resources: { people: 'Dues', time: '3 hores', budget: 'Cap' },
      results: 'De 6 a 2 setmanes.', evidence: 'Registre de cites.', contact: 'acollida@example.org', language: 'ca',
      evaluation: { summary: 'Semestral', indicators: [{ name: 'Dies', value: '14' }] },
    });
    await pere.post(`/practices/${practice.id}/publish`, {});
    await origin.close();

    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    ctx.setDefaultTimeout(60_000);
    const olga = await signUpViaApi(ctx, server.base, { email: 'olga@example.org', name: 'Olga', language: 'ca' });
    const dept = await olga.post('/organisations', { name: 'Benestar Social', kind: 'municipality' });
    const transfer = await olga.post(`/practices/${practice.id}/transfers`, { organisationId: dept.id });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));

    await page.goto(`${server.base}/transfers/${transfer.id}`);
    const shortcut = page.getByTestId('evaluate-shortcut');
    await shortcut.getByText("Encara no s'ha avaluat.").waitFor();
    await checkPage(page, 'evaluation-shortcut-transfer', { shots });
    await shortcut.getByTestId('evaluate-start').click();
    await page.getByTestId('evaluation-new-form').waitFor();
    assert.ok(await page.getByTestId('subject-from').isChecked(), 'the transfer is what is evaluated');
    assert.match(await page.locator('#en-title').inputValue(), /Sessió grupal d'acollida/);
    await page.locator('#en-areas').fill('Adaptació al barri\nEl que hem après');
    await checkPage(page, 'evaluation-shortcut-new', { shots });
    await page.getByTestId('evaluation-create').click();
    await page.getByTestId('edition-phase').waitFor();

    await page.goto(`${server.base}/transfers/${transfer.id}`);
    await shortcut.getByTestId('evaluation-of').getByText("Sessió grupal d'acollida").waitFor();
    const [ev] = (await (await ctx.request.get(`${server.base}/api/v1/evaluations?subject=transfer:${transfer.id}`)).json()).items;
    assert.deepEqual(ev.subject.kind, 'transfer');
    assert.equal(ev.subject.ref, transfer.id);
  });
});
