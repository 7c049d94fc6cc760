// Network work in the browser, on a server loaded with the demo data (el Raval has six actors and four
// relations, and its diagnosis raises the digital divide, which no actor works on): an organiser adds an
// actor and a relation to an organisation on Teixit through the forms, the other side confirms it on its
// actor page, and the network page's table, list and map show them; the page names the uncovered theme.
// An organiser invites a school that is not on Teixit; the school opens the link on a phone, creates its
// organisation and accepts, and the organiser follows the invitation's state. Every page passes axe-core at 1280 and 360 px with no sideways scroll; screenshots are written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, openSignedInPage, signUpViaApi, startServer } from './harness.mjs';

const JORDI = { email: 'jordi@example.org', password: 'servei-social-prop-2026' }; // professional of the association
const LUCIA = { email: 'lucia@example.org', password: 'barrio-vivo-2026' }; // admin of the housing foundation
const ADMIN = { email: 'admin@example.org', password: 'teixit-admin-demo-2026' }; // platform admin

describe('network: actors, relations and the network page', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({}, { seed: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('adds an actor and a relation, the other side confirms, and the page shows them and its holes', async () => {
    const org = await openSignedInPage(browser, server.base, 1280, JORDI);
    const other = await openSignedInPage(browser, server.base, 360, LUCIA);
    const raval = (await org.api.get('/territories?limit=100')).items.find((x) => x.name === 'el Raval');
    const foundation = (await other.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Fundación Vivienda Social Barcelona');
    assert.ok(raval && foundation, 'the seed has el Raval and the foundation');
    // the foundation joins the network of el Raval as itself
    const fActor = await other.api.post('/actors', { organisationId: foundation.id, self: true, kind: 'association', themes: ['housing'], territories: [raval.id] });

    const op = org.page;
    await op.goto(`${server.base}/territories/${raval.id}`);
    await op.getByTestId('territory-network').click();
    await op.getByRole('heading', { level: 1, name: 'Who works on what in el Raval' }).waitFor();
    const holes = op.getByTestId('uncovered-themes');
    assert.match(await holes.innerText(), /Digital divide/, 'the page names the theme nobody works on');
    await op.getByTestId('network-graph').waitFor();
    await checkPage(op, 'network-01-page');

    // --- an actor through the form: the error summary first, then saved
    await op.getByTestId('add-actor').locator('summary').click();
    await op.getByTestId('af-submit').click();
    await op.getByTestId('error-summary').waitFor();
    await op.getByLabel('Name', { exact: true }).fill('Casal de Gent Gran Raval');
    await op.getByLabel('What it is').selectOption('public_service');
    await op.getByTestId('pe-theme-ageing_loneliness').check();
    await op.getByLabel('Who it works with').fill('Persones grans del barri');
    await op.getByTestId('af-submit').click();
    await op.getByTestId('actors-list').getByRole('link', { name: 'Casal de Gent Gran Raval' }).waitFor();

    // --- a relation to the foundation, which is on Teixit: it waits for the foundation
    await op.getByTestId('add-relation').locator('summary').click();
    const rf = op.getByTestId('relation-form');
    await rf.getByLabel('From').selectOption({ label: 'Associació Veïnal del Raval Nord' });
    await rf.getByLabel('Relation').selectOption('refers');
    await rf.getByLabel('To').selectOption({ label: 'Fundación Vivienda Social Barcelona' });
    await rf.getByLabel('Since when').fill('2024-03');
    await rf.getByLabel('How do you know').fill('Protocol d\'habitatge del barri');
    await rf.getByTestId('rf-submit').click();
    await op.getByTestId('live-region').filter({ hasText: 'the other side has been asked' }).waitFor();
    const row = op.getByTestId('relations-table').getByRole('row').filter({ hasText: 'Fundación Vivienda Social Barcelona' });
    assert.match(await row.innerText(), /refers people to[\s\S]*waiting for confirmation/);
    await checkPage(op, 'network-02-added');

    // --- the foundation confirms on its actor page (a phone)
    const lp = other.page;
    await lp.goto(`${server.base}/actors/${fActor.id}`);
    await lp.getByRole('heading', { level: 1, name: 'Fundación Vivienda Social Barcelona' }).waitFor();
    await checkPage(lp, 'network-03-to-confirm');
    await lp.getByTestId('confirm-relation').click();
    await lp.getByTestId('actor-relations').getByText('confirmed by both sides').waitFor();
    await checkPage(lp, 'network-04-confirmed');

    // --- the organiser's page now shows it confirmed, in the table and on the map
    await op.reload();
    await op.getByTestId('network-graph').waitFor();
    assert.match(await row.innerText(), /confirmed by both sides/);
    const graph = await org.api.get(`/territories/${raval.id}/network`);
    assert.equal(graph.actors.length, 8, 'six demo actors, the foundation and the new one');
    assert.equal(await op.getByTestId('graph-node').count(), graph.actors.length, 'the map draws every actor');
    assert.equal(await op.getByTestId('actors-list').getByRole('listitem').count(), graph.actors.length, 'the list holds every actor');
    assert.ok(!(await op.getByTestId('isolated-actors').innerText()).includes('Fundación'), 'the foundation is no longer isolated');
    await checkPage(op, 'network-05-confirmed');
  });

  it('a finding shows a practice from another city; the organiser adopts it and the plan shows its transfer', async () => {
    const admin = await openSignedInPage(browser, server.base, 1280, ADMIN);
    const girona = await admin.api.post('/territories', { name: 'Girona', level: 'city' });
    const author = await openSignedInPage(browser, server.base, 1280, LUCIA);
    const foundation = (await author.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Fundación Vivienda Social Barcelona');
    const pr = await author.api.post('/practices', {
      title: 'Veïns que visiten la gent gran que viu sola', language: 'ca', themes: ['ageing_loneliness'],
      summary: 'Una xarxa de veïns visita cada setmana persones grans que viuen soles en pisos sense ascensor.',
      problem: 'Moltes persones grans no surten de casa i ningú no en sap les necessitats.',
      context: { organisationId: foundation.id, territory: girona.id, targetPopulation: 'Persones grans que viuen soles' },
      steps: [{ title: 'Mapa de portals', detail: 'Qui viu sol a cada escala' }], resources: { people: 'Voluntariat del barri' },
      results: 'Cap persona sense visita durant un any.', evidence: 'Registre de visites.', evaluation: { summary: 'Avaluació anual' },
      contact: 'visites@example.org',
    });
    await author.api.post(`/practices/${pr.id}/publish`, {});

    const org = await openSignedInPage(browser, server.base, 1280, JORDI);
    const op = org.page;
    const raval = (await org.api.get('/territories?limit=100')).items.find((x) => x.name === 'el Raval');
    const diag = (await org.api.get(`/diagnoses?territory=${raval.id}`)).items.find((d) => d.title === 'Diagnosi comunitària del Raval 2026');
    await op.goto(`${server.base}/diagnoses/${diag.id}`);
    const finding = op.getByTestId('finding').filter({ hasText: 'Gent gran aïllada a casa' });
    await finding.getByText('Practices that addressed this elsewhere').click();
    const item = finding.getByTestId('similar-practice').filter({ hasText: 'Veïns que visiten la gent gran que viu sola' });
    await item.waitFor();
    const said = await item.innerText();
    assert.match(said, /Fundación Vivienda Social Barcelona, Girona/, 'it says who and where');
    assert.match(said, /same theme: Older people and loneliness/, 'it says why');
    await checkPage(op, 'network-06-finding-practices');

    // --- "adopt this practice": an action of the plan, and the association's transfer starts
    await item.getByTestId('adopt-practice').click();
    await item.getByLabel('Organisation that adopts it').selectOption({ label: 'Associació Veïnal del Raval Nord' });
    await item.getByTestId('adopt-confirm').click();
    const action = op.getByTestId('action').filter({ hasText: 'Veïns que visiten la gent gran que viu sola' });
    await action.getByTestId('action-practice').waitFor();
    assert.match(await action.getByTestId('action-transfer-stage').innerText(), /Transfer: interested/);
    await checkPage(op, 'network-07-adopted');

    // --- the association moves its transfer on; the plan shows the new stage
    const href = await action.getByTestId('action-transfer-stage').getAttribute('href');
    await org.api.patch(`/transfers/${href.split('/').pop()}`, { status: 'planning' });
    await op.reload();
    await action.getByTestId('action-transfer-stage').filter({ hasText: 'Transfer: planning' }).waitFor();

    // --- the practice shows the neighbourhood that adopted it, and where its need is raised now
    const pp = author.page;
    await pp.goto(`${server.base}/practices/${pr.id}`);
    await pp.getByTestId('practice-adopted-by').getByText('Associació Veïnal del Raval Nord, from the diagnosis of el Raval: planning').waitFor();
    await pp.getByTestId('practice-needs-now').getByText('A finding of the diagnosis of el Raval').first().waitFor();
    await checkPage(pp, 'network-08-practice');
  });
  it('invites a school to Teixit; the school opens the link on a phone, joins and accepts; the organiser follows it', async () => {
    const org = await openSignedInPage(browser, server.base, 1280, JORDI);
    const raval = (await org.api.get('/territories?limit=100')).items.find((x) => x.name === 'el Raval');
    const assoc = (await org.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Associació Veïnal del Raval Nord');
    const school = await org.api.post('/actors', { organisationId: assoc.id, name: 'Escola Drassanes', kind: 'school', themes: ['childhood_youth'],
      territories: [raval.id], contact: { email: 'escola.drassanes@example.org', public: false } });

    const op = org.page;
    await op.goto(`${server.base}/actors/${school.id}`);
    const panel = op.getByTestId('actor-invitations');
    await panel.getByText('Your organisation has not invited this actor yet.').waitFor();
    await panel.getByText('Invite this actor').click();
    const form = op.getByTestId('invite-form');
    assert.equal(await form.getByLabel('Their email').inputValue(), 'escola.drassanes@example.org', 'the contact email is proposed');
    await form.getByLabel('Their email').fill('not an email');
    await form.getByTestId('invite-submit').click();
    await op.getByTestId('error-summary').waitFor();
    await form.getByLabel('Their email').fill('escola.drassanes@example.org');
    await form.getByLabel('Their name (optional)').fill('Marta');
    await form.getByLabel('A few words from you (optional)').fill('Us volem al mapa del barri!');
    await form.getByTestId('invite-submit').click();
    const sent = op.getByTestId('invitation-sent');
    await sent.waitFor();
    assert.match(await sent.innerText(), /sends no email: pass this link on yourself/, 'without email the organiser gets the link');
    const link = await op.getByTestId('invitation-link').inputValue();
    assert.match(link, /\/actor-invitations\/[a-z0-9]+#[A-Za-z0-9_-]+$/);
    assert.equal(await panel.getByTestId('invitation-state').innerText(), 'sent, not opened yet');
    await checkPage(op, 'network-09-invitation-sent');

    // --- the school opens the link on a phone, signed out
    const school360 = await openSignedInPage(browser, server.base, 360, null);
    const sp = school360.page;
    assert.ok(link.startsWith(server.base), 'a full address to pass on');
    await sp.goto(link);
    await sp.getByRole('heading', { level: 1, name: 'Associació Veïnal del Raval Nord invites Escola Drassanes' }).waitFor();
    assert.ok(!sp.url().includes('#'), 'the key leaves the address bar');
    await sp.getByText('Us volem al mapa del barri!').waitFor();
    await sp.getByTestId('invitation-login').waitFor();
    await checkPage(sp, 'network-10-invitation-open');

    // --- it creates an account, comes back to the page (the key was kept), creates its organisation and accepts
    await signUpViaApi(school360.ctx, server.base, { email: 'marta.escola@example.org', name: 'Marta' });
    await sp.reload();
    await sp.getByRole('heading', { level: 2, name: 'Accept' }).waitFor();
    await sp.getByRole('button', { name: 'Create it and accept' }).waitFor();
    await checkPage(sp, 'network-11-invitation-accept');
    await sp.getByRole('button', { name: 'Create it and accept' }).click();
    await sp.getByTestId('invitation-state').filter({ hasText: 'This invitation was accepted.' }).waitFor();
    await checkPage(sp, 'network-12-invitation-accepted');

    // --- the organiser follows it: opened, then accepted; the school is on Teixit
    await op.reload();
    await panel.getByTestId('invitation-state').filter({ hasText: 'accepted' }).waitFor();
    assert.match(await op.getByTestId('actor-kind').innerText(), /On Teixit/i);
    const notes = await org.api.get('/notifications');
    assert.ok(JSON.stringify(notes).includes('invitation_accepted'), 'the organiser was told');
  });
  it('a territory of 2,000 actors stays usable on a phone: the list first, the drawing clustered by kind', async () => {
    // The "graph of 2,000 actors": loaded through the API as an organiser would (8 at a time), with a
    // relation from each of the first 1,000 to the actor 18 places further on.
    const org = await openSignedInPage(browser, server.base, 360, JORDI);
    const raval = (await org.api.get('/territories?limit=100')).items.find((x) => x.name === 'el Raval');
    const assoc = (await org.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Associació Veïnal del Raval Nord');
    const kinds = ['association', 'social_services', 'public_service', 'school', 'health_centre', 'parish', 'informal_group', 'business', 'other'];
    const ids = new Array(2000);
    const pool = async (n, count, fn) => {
      let i = 0;
      await Promise.all(Array.from({ length: n }, async () => { while (i < count) await fn(i++); }));
    };
    await pool(8, ids.length, async (i) => {
      ids[i] = (await org.api.post('/actors', { organisationId: assoc.id, name: `Entitat ${String(i).padStart(4, '0')}`, kind: kinds[i % kinds.length],
        themes: ['coexistence'], territories: [raval.id] })).id;
    });
    await pool(8, 1000, (i) => org.api.post('/relations', { fromActorId: ids[i], toActorId: ids[i + 18], type: 'collaborates', since: '2025', source: 'Mapa d’entitats' }));

    const p = org.page;
    await p.goto(`${server.base}/territories/${raval.id}/network`);
    await p.getByRole('heading', { level: 1, name: 'Who works on what in el Raval' }).waitFor();
    const list = p.getByTestId('actors-list');
    await list.waitFor();
    assert.equal(await list.getByRole('listitem').count(), 50, 'the list shows 50 actors at a time');
    await p.getByRole('button', { name: /more/i }).first().waitFor();
    await p.getByTestId('relations-table').waitFor();
    const graph = p.getByTestId('network-graph');
    await graph.waitFor();
    const listFirst = await p.evaluate(() => {
      const l = document.querySelector('[data-testid="actors-list"]');
      const g = document.querySelector('[data-testid="network-graph"]');
      return !!(l && g && l.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(listFirst, 'above 300 actors the list comes before the drawing');
    const nodes = await graph.getByTestId('graph-node').count();
    assert.ok(nodes >= 1 && nodes <= kinds.length, `the drawing has one circle per kind, not one per actor (${nodes})`);
    assert.match(await graph.locator('figcaption').innerText(), /2,0\d\d|20\d\d/, 'the caption says how many actors it groups');
    await checkPage(p, 'network-13-two-thousand-actors');
  });
});
