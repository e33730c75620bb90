import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import {
  bearer,
  entryBody,
  followedParcours,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../support/api';
import { API_RESOURCE, TestIdentityProvider } from '../support/identity-provider';
import { listenInRange } from '../support/ports';

/** Debian's chromium (apt-get install chromium): Playwright's own browser download cannot run here. */
const CHROMIUM = process.env.PARCOURS_TEST_CHROMIUM ?? '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (chromiumMissing)
  console.warn(`console browser test skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);
const describeWithChromium: jest.Describe = chromiumMissing ? (describe.skip as jest.Describe) : describe;

const APP_PORTS = { from: 2800, to: 2824 };
const IDP_PORTS = { from: 2825, to: 2849 };
const SHOTS = join(__dirname, '../../test-results/console');
const RECENT = new Date(Date.now() - 40 * 86400_000).toISOString().slice(0, 10);
const YESTERDAY = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The agents of the provider, with the claims the API maps. */
const AGENTS = {
  'slai-arrageois': { role: 'slai', territory: 'ARRAGEOIS' },
  'ref-calaisis': { role: 'referent', referentId: 'ref-cal-1', organisationId: 'org-cal' },
  'dep-admin': { role: 'departement' },
  'etat-drees': { role: 'etat' },
  'dpo-1': { role: 'dpo' },
  'no-role': { role: 'visitor' },
  'slai-short': { role: 'slai', territory: 'ARRAGEOIS' },
};

interface Echeance {
  parcoursId: string;
  kind: string;
  territory: string;
  daysLate: number;
}

describeWithChromium('the supervision console in a browser', () => {
  const idp = new TestIdentityProvider(AGENTS, new Set(['slai-short']));
  let api: TestApi;
  let browser: Browser;
  let base: string;
  let expected: Echeance[];
  let pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const issuer = await idp.listen(IDP_PORTS);
    // The app's port first: its redirect URI is part of its configuration.
    const probe = net.createServer();
    const port = await listenInRange(probe, APP_PORTS);
    await new Promise((resolve) => probe.close(resolve));
    base = `http://127.0.0.1:${port}`;
    const client = {
      clientId: 'parcours-console',
      clientSecret: 'console-secret-of-the-test-provider',
      redirectUri: `${base}/console/callback`,
    };
    // The wall clock: the provider issues its tokens at the real time.
    api = await startApi('embedded', () => new Date(), {
      PARCOURS_OIDC_ISSUER: issuer,
      PARCOURS_OIDC_AUDIENCE: API_RESOURCE,
      PARCOURS_CONSOLE_CLIENT_ID: client.clientId,
      PARCOURS_CONSOLE_CLIENT_SECRET: client.clientSecret,
      PARCOURS_CONSOLE_REDIRECT_URI: client.redirectUri,
      PARCOURS_CONSOLE_SCOPES: 'openid parcours',
      PARCOURS_CONSOLE_RESOURCE: API_RESOURCE,
    });
    await idp.start(client);
    await seedReferenceData(api);
    const dep = bearer(tokens.departement());
    await api.http
      .post('/api/organisations')
      .set(dep)
      .send({ organisationId: 'org-cal', name: 'CCAS Calais', kind: 'ccas_cias', territories: ['CALAISIS'] })
      .expect(201);
    await api.http
      .post('/api/referents')
      .set(dep)
      .send({
        referentId: 'ref-cal-1',
        organisationId: 'org-cal',
        territory: 'CALAISIS',
        displayName: 'Dominique C',
      })
      .expect(201);
    // Three parcours of the Arrageois late in different ways, one of the Calaisis followed by its référent.
    await followedParcours(api);
    for (const [enteredOn, lastName] of [
      ['2025-03-03', 'Durand'],
      ['2025-09-01', 'Petit'],
    ]) {
      await api.http
        .post('/api/parcours')
        .set(bearer(tokens.system()))
        .send(
          entryBody({
            enteredOn,
            rightOpenedOn: enteredOn,
            demandOn: enteredOn,
            person: { ...entryBody().person, lastName },
          }),
        )
        .expect(201);
    }
    // One entered forty days ago: the indicators of the last twelve months count it.
    await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .send(
        entryBody({
          enteredOn: RECENT,
          rightOpenedOn: RECENT,
          demandOn: RECENT,
          person: { ...entryBody().person, lastName: 'Roux' },
        }),
      )
      .expect(201);
    const calais = await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .send(entryBody({ territory: 'CALAISIS', person: { ...entryBody().person, lastName: 'Lefebvre' } }))
      .expect(201);
    const slaiCalais = bearer(tokens.slai('CALAISIS'));
    await api.http
      .post(`/api/parcours/${calais.body.id}/orientations`)
      .set(slaiCalais)
      .send({ track: 'social', organisationId: 'org-cal', decidedOn: '2025-01-20', notifiedOn: '2025-01-21' })
      .expect(201);
    await api.http
      .post(`/api/parcours/${calais.body.id}/referent`)
      .set(slaiCalais)
      .send({ referentId: 'ref-cal-1', assignedOn: '2025-01-22' })
      .expect(201);
    await api.app.listen(port, '127.0.0.1');
    await projectionsCaughtUp(api);
    const overdue = await api.http
      .get('/api/echeances?status=overdue&pageSize=500')
      .set(bearer(tokens.slai()))
      .expect(200);
    expected = overdue.body.items;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  beforeEach(() => (pageErrors = []));
  afterEach(() => expect(pageErrors).toEqual([]));

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await idp.stop();
  });

  async function signIn(login: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      locale: 'fr-FR',
    });
    const page = await context.newPage();
    // A script error, or anything the security policy refused (DSFR styles, icons, fonts), fails the test.
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(message.text());
    });
    await page.goto(`${base}/console/`);
    // The provider's development login form: any password.
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    return { context, page };
  }

  async function ready(page: Page): Promise<void> {
    await page.waitForSelector('body[data-ready="true"]');
  }

  /** axe-core in the page (evaluated through the DevTools protocol: the page's CSP allows no injected script). */
  async function expectAccessible(page: Page, name: string): Promise<void> {
    await page.evaluate(AXE);
    const violations = (await page.evaluate(
      'axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
    )) as { id: string; impact: string; nodes: number }[];
    expect({
      page: name,
      violations: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    }).toEqual({
      page: name,
      violations: [],
    });
  }

  async function screenshots(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}-1280x800.png`), fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.screenshot({ path: join(SHOTS, `${name}-768x1024.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  const tableRows = (page: Page, id: string) =>
    page.$$eval(`#${id} tbody tr`, (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );

  it('signs a SLAI in through the provider, holding the tokens on the server, and lists the overdue échéances oldest first', async () => {
    const { context, page } = await signIn('slai-arrageois');
    await page.waitForURL(`${base}/console/`);
    await ready(page);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'parcours_console')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/console',
    });
    // Nothing of the session in the page's reach: no readable cookie, no token in the storages (the DSFR keeps its colour scheme).
    expect(await page.evaluate('document.cookie')).toBe('');
    const stored = (await page.evaluate(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }])',
    )) as string;
    expect(stored).not.toMatch(/eyJ|token/i);
    await expect(page.textContent('#agent')).resolves.toBe('SLAI – ARRAGEOIS');

    expect(expected.length).toBeGreaterThan(2);
    expect(expected.every((e) => e.territory === 'ARRAGEOIS')).toBe(true);
    const rows = await tableRows(page, 'table-echeances');
    expect(rows.map((r) => [r[1], Number(r[6])])).toEqual(expected.map((e) => [e.parcoursId, e.daysLate]));
    const days = rows.map((r) => Number(r[6]));
    expect(days).toEqual([...days].sort((a, b) => b - a));
    await expectAccessible(page, 'échéances');
    await screenshots(page, 'echeances');

    // Filtered by kind: only that kind's rows, still the most late first.
    const kind = expected[expected.length - 1].kind;
    await page.selectOption('#kind', kind);
    await page.click('#filtres button[type="submit"]');
    const label = await page.$eval(`#kind option[value="${kind}"]`, (o) => o.textContent ?? '');
    const count = expected.filter((e) => e.kind === kind).length;
    await page.locator('#total', { hasText: new RegExp(`^${count} `) }).waitFor();
    const filtered = await tableRows(page, 'table-echeances');
    expect(filtered.map((r) => r[1])).toEqual(
      expected.filter((e) => e.kind === kind).map((e) => e.parcoursId),
    );
    expect(filtered.every((r) => r[0] === label)).toBe(true);
    expect(page.url()).toBe(`${base}/console/?territory=ARRAGEOIS&kind=${kind}`);

    // The CSV holds the table's rows.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Télécharger en CSV'),
    ]);
    expect(download.suggestedFilename()).toBe('echeances-en-retard.csv');
    const csv = readFileSync((await download.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('Échéance;Parcours;Territoire;Organisme;Référent;Échue le;Jours de retard');
    expect(csv.slice(1).map((l) => l.split(';')[1])).toEqual(filtered.map((r) => r[1]));
    expect(csv.slice(1).map((l) => Number(l.split(';')[6]))).toEqual(filtered.map((r) => Number(r[6])));

    // A row opens its parcours.
    await page.click(`#table-echeances tbody tr:first-child a`);
    await page.waitForURL(`${base}/console/parcours/${filtered[0][1]}`);
    await ready(page);
    await expect(page.textContent('h1')).resolves.toContain(filtered[0][1]);
    const timeline = await tableRows(page, 'table-chronologie');
    expect(timeline[0].slice(0, 2)).toEqual([
      'Entrée dans le parcours',
      expect.stringMatching(/^\d\d\/\d\d\/\d{4}$/),
    ]);
    expect(timeline[0][3]).toBe('caf-flow');
    const open = (await tableRows(page, 'table-echeances-parcours')).map((r) => r[0]);
    expect(open).toEqual(expect.arrayContaining([label]));
    await expectAccessible(page, 'parcours');
    await screenshots(page, 'parcours');
    await context.close();
  });

  it('works from the keyboard: the skip link to the content, the filters, then a row opened with Enter', async () => {
    const { context, page } = await signIn('slai-arrageois');
    await page.waitForURL(`${base}/console/`);
    await ready(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Contenu');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('contenu');
    // Territoire, organisme, référent, kind, Filtrer, then the first row's parcours.
    const focused: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      focused.push(
        (await page.evaluate('document.activeElement.id || document.activeElement.textContent')) as string,
      );
    }
    expect(focused).toEqual([
      'territory',
      'organisation',
      'referent',
      'kind',
      'Filtrer',
      expected[0].parcoursId,
    ]);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/parcours/${expected[0].parcoursId}`);
    await context.close();
  });

  it("shows the référents' caseloads against their cap, and the CALPAE indicators as known at a date", async () => {
    const { context, page } = await signIn('slai-arrageois');
    await page.waitForURL(`${base}/console/`);
    await page.click('text=Charge des référents');
    await page.waitForURL(`${base}/console/referents`);
    await ready(page);
    await page.waitForSelector('#table-referents');
    const board = await api.http.get('/api/supervision').set(bearer(tokens.slai())).expect(200);
    const rows = await tableRows(page, 'table-referents');
    expect(rows.map((r) => [Number(r[2]), Number(r[3]), Number(r[6])])).toEqual(
      board.body.referents.map((r: { caseload: number; cap: number; overdue: number }) => [
        r.caseload,
        r.cap,
        r.overdue,
      ]),
    );
    expect(rows[0][0]).toBe('Camille D');
    expect(await page.$$eval('svg.console-chart rect.bar', (bars) => bars.length)).toBe(rows.length);
    await expectAccessible(page, 'référents');
    await screenshots(page, 'referents');

    await page.click('text=Indicateurs');
    await page.waitForURL(`${base}/console/indicateurs`);
    await ready(page);
    await page.waitForSelector('#table-indicateurs');
    const entrants = async () => {
      const all = await tableRows(page, 'table-indicateurs');
      const row = all.find((r) => r[0].startsWith('calpae.new_entrants'))!;
      return row.slice(1).reduce((sum, cell) => sum + (Number(cell) || 0), 0);
    };
    expect(await page.$$eval('svg.console-chart', (charts) => charts.length)).toBe(14);
    expect(await entrants()).toBe(1);
    await expectAccessible(page, 'indicateurs');
    await screenshots(page, 'indicateurs');
    // As known yesterday: nothing of what was recorded today.
    await page.fill('#asOf', YESTERDAY);
    await page.click('text=Redessiner');
    const [y, m, d] = YESTERDAY.split('-');
    await page.waitForSelector(`#table-indicateurs caption:has-text("${d}/${m}/${y}")`);
    expect(await entrants()).toBe(0);
    await context.close();
  });

  it('shows the Département who read a parcours', async () => {
    const { context, page } = await signIn('dep-admin');
    await page.waitForURL(`${base}/console/`);
    await page.goto(`${base}/console/parcours/${expected[0].parcoursId}`);
    await ready(page);
    const reads = await tableRows(page, 'table-consultations');
    expect(reads.some((r) => r[1] === 'slai-arrageois' && r[2] === 'SLAI')).toBe(true);
    await expectAccessible(page, 'parcours (Département)');
    await screenshots(page, 'parcours-departement');
    await context.close();
  });

  it('lets the DPO examine who read a parcours, and nothing else', async () => {
    const { context, page } = await signIn('dpo-1');
    await page.waitForURL(`${base}/console/`);
    await ready(page);
    expect(await page.$$eval('.fr-nav__item', (items) => items.length)).toBe(1);
    await page.fill('#parcours', expected[0].parcoursId);
    await page.click('text=Voir qui l’a consulté');
    await page.waitForURL(`${base}/console/parcours/${expected[0].parcoursId}`);
    await ready(page);
    expect((await tableRows(page, 'table-consultations')).some((r) => r[1] === 'dep-admin')).toBe(true);
    await expectAccessible(page, 'consultations (DPO)');
    await context.close();
  });

  it('refreshes an access token about to end, on the server', async () => {
    const { context, page } = await signIn('slai-short');
    await page.waitForURL(`${base}/console/`);
    await ready(page);
    const exchanged = idp.tokenRequests;
    // The token lives 35 s; the console refreshes it when less than 30 s are left.
    await page.waitForTimeout(6000);
    expect(await page.evaluate("fetch('/console/api/echeances?status=overdue').then((r) => r.status)")).toBe(
      200,
    );
    expect(idp.tokenRequests).toBe(exchanged + 1);
    expect(await page.evaluate("fetch('/console/api/echeances?status=overdue').then((r) => r.status)")).toBe(
      200,
    );
    expect(idp.tokenRequests).toBe(exchanged + 1);
    await context.close();
  });

  it('does not let a référent of another territoire see anything of the Arrageois', async () => {
    const { context, page } = await signIn('ref-calaisis');
    await page.waitForURL(`${base}/console/`);
    await ready(page);
    const rows = await tableRows(page, 'table-echeances');
    const arrageois = new Set(expected.map((e) => e.parcoursId));
    expect(rows.some((r) => arrageois.has(r[1]))).toBe(false);
    const asked = (await page.evaluate(
      "fetch('/console/api/echeances?territory=ARRAGEOIS&status=overdue').then((r) => r.json())",
    )) as { items?: unknown[] };
    expect(asked.items ?? []).toEqual([]);
    expect(
      await page.evaluate(`fetch('/console/api/parcours/${expected[0].parcoursId}').then((r) => r.status)`),
    ).toBe(403);
    await context.close();
  });

  it('refuses the État (403 page) and answers a session-less call with 401', async () => {
    const { context, page } = await signIn('etat-drees');
    await page.waitForSelector('h1');
    await expect(page.textContent('h1')).resolves.toBe('Accès refusé');
    expect((await context.cookies()).find((c) => c.name === 'parcours_console')).toBeUndefined();
    expect(await page.evaluate("fetch('/console/api/echeances').then((r) => r.status)")).toBe(401);
    await context.close();
    const stranger = await signIn('no-role');
    await stranger.page.waitForSelector('h1');
    await expect(stranger.page.textContent('main')).resolves.toMatch(/pas de rôle reconnu/);
    await stranger.context.close();
  });
});
