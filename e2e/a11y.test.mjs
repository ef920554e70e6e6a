// Accessibility checked by a tool: axe-core (WCAG 2 A/AA and best practices)
// on every page (the landing page, every lab the landing page links to, embed
// mode, the example guide page) in the light and dark themes: no serious or
// critical violation. The counts by impact go to e2e/artifacts/axe.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, serveDist, launch, openPage, setSpeed, waitForLeader } from './harness.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
// Light, dark from the system, and dark from the URL option.
const THEMES = [
  { name: 'light', colorScheme: 'light', option: '' },
  { name: 'dark', colorScheme: 'dark', option: '' },
  { name: 'theme=dark', colorScheme: 'light', option: 'theme=dark' },
];

let server;
let browser;
const summary = {};
const details = {};
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => {
  await browser?.close();
  server?.close();
  fs.mkdirSync(path.join(ROOT, 'e2e', 'artifacts'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'e2e', 'artifacts', 'axe.json'), JSON.stringify(summary, null, 2));
  fs.writeFileSync(path.join(ROOT, 'e2e', 'artifacts', 'axe-details.json'), JSON.stringify(details, null, 2));
});

// Runs axe in one frame (axe is evaluated, not a script tag: the CSP forbids inline scripts).
async function axe(frame) {
  await frame.evaluate(AXE);
  return frame.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes: false }), TAGS);
}

// Checks every frame of the page; records counts by impact under `name` and
// returns the serious and critical violations.
async function check(page, name) {
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const bad = [];
  for (const frame of page.frames()) {
    const { violations } = await axe(frame);
    for (const v of violations) {
      counts[v.impact] += v.nodes.length;
      (details[name] ??= []).push(...v.nodes.map((n) => `${v.impact} ${v.id} ${n.target.join(' ')}: ${n.failureSummary}`));
      if (v.impact === 'serious' || v.impact === 'critical') {
        bad.push(`${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`).join('\n    ')}`);
      }
    }
  }
  summary[name] = counts;
  return bad.map((b) => `${name}: ${b}`);
}

const withOption = (hash, option) => (option ? `${hash}${hash.includes('?') ? '&' : '?'}${option}` : hash);

async function labs() {
  const page = await openPage(browser, server.url);
  await page.waitForSelector('.landing');
  const hrefs = await page.locator('.sections li.ready a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  await page.context().close();
  assert.ok(hrefs.length >= 1);
  return hrefs;
}

// Each lab in use, so its states are on the page: Raft with a leader and a
// crash on the timeline; partial failure with a request, a paused server and
// a band; Paxos with a value chosen and a second proposal. Then paused with
// messages on the wire.
async function use(lab, href) {
  if (href.includes('consistency')) {
    // A history that fails, so the witness and the map's states are drawn; an operation selected.
    await lab.waitForSelector('[data-testid="history"] .op');
    await lab.locator('[data-testid="example"]').selectOption({ index: 1 });
    await lab.locator('[data-testid="history"] .op').first().click();
    return;
  }
  await lab.waitForSelector('.lab .node');
  if (href.includes('partial-failure')) {
    await lab.keyboard.press('c');
    await lab.locator('.node[data-node="S1"]').click();
    await lab.keyboard.press('p');
    await lab.waitForSelector('.timeline .band');
    return;
  }
  if (href.includes('raft-vs-paxos')) {
    // Both worlds past the leader crash, a server selected in both.
    await setSpeed(lab, 0);
    await lab.waitForFunction(() => Number(document.querySelector('.lab').dataset.now) > 1500, null, { timeout: 20000 });
    await lab.locator('[data-testid="panel-raft"] .node[data-node="S2"]').click();
    return;
  }
  if (href.includes('multi-paxos')) {
    // A slot chosen and known everywhere, then a second request on the wire.
    await lab.keyboard.press('c');
    await lab.waitForSelector('[data-testid="chosen"][data-state="known"]', { timeout: 20000 });
    await lab.keyboard.press('c');
    return;
  }
  if (href.includes('paxos')) {
    // A value chosen and known, then a second proposal on the wire.
    await lab.locator('.node[data-node="P1"]').click();
    await lab.keyboard.press('p');
    await lab.waitForSelector('[data-testid="chosen"][data-state="known"]', { timeout: 20000 });
    await lab.locator('.node[data-node="P2"]').click();
    await lab.keyboard.press('p');
    return;
  }
  await setSpeed(lab, 0.5);
  const first = await waitForLeader(lab);
  await lab.locator(`.node[data-node="${first.id}"]`).click();
  await lab.keyboard.press('x');
  await waitForLeader(lab, first.term + 1);
}

for (const theme of THEMES) {
  test(`no serious or critical violation on any page (${theme.name})`, async () => {
    const open = (url) => openPage(browser, url, { colorScheme: theme.colorScheme });
    const bad = []; // every page is checked before the verdict, so the counts are complete

    const landing = await open(server.url + withOption('#/', theme.option));
    await landing.waitForSelector('.landing');
    bad.push(...await check(landing, `landing (${theme.name})`));
    await landing.context().close();

    for (const href of await labs()) {
      const lab = await open(server.url + withOption(href, theme.option));
      await use(lab, href);
      if (!href.includes('consistency')) {
        await lab.keyboard.press('Space');
        for (let i = 0; i < 50 && await lab.locator('.in-flight li').count() === 0; i++) await lab.keyboard.press('ArrowRight');
      }
      // Every folded panel open, and a link that holds (the grid's cells in every state).
      await lab.locator('details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
      const cell = lab.locator('.link-grid .cell').first();
      if (await cell.count()) { await cell.click(); await cell.click(); }
      bad.push(...await check(lab, `lab ${href} (${theme.name})`));
      await lab.context().close();

      const embed = await open(server.url + withOption(`${href}?embed=1`, theme.option));
      await embed.waitForSelector('.lab');
      bad.push(...await check(embed, `embed ${href} (${theme.name})`));
      await embed.context().close();
    }

    if (!theme.option) {
      const guide = await open(`${server.url}guide-example.html`);
      await guide.frameLocator('iframe').locator('.lab').waitFor();
      bad.push(...await check(guide, `guide-example.html with its lab (${theme.name})`));
      await guide.context().close();
    }
    assert.deepEqual(bad, [], bad.join('\n'));
  });
}
