// The side-by-side page: both panels run under one scrubber, one
// partition acts on both worlds, a row of the differences table travels
// both to the moment that shows it, the counters follow the scrubber, the
// pair's scenario goes out as a link and comes back, a bad file is said
// and changes nothing, and each world has its safety checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage, setSpeed } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = '#/raft-vs-paxos';
const lab = (page, name) => page.locator('.lab').getAttribute(name);

async function open() {
  const page = await openPage(browser, `${server.url}${LAB}`);
  await page.waitForSelector('.lab.versus [data-testid="panel-paxos"] .node');
  return page;
}

async function pause(page) {
  if (await lab(page, 'data-playing') === 'true') await page.keyboard.press('Space');
}

test('the guide links the page; both panels run at one moment and elect a leader', async () => {
  const page = await openPage(browser, server.url);
  await page.locator('.sections li.ready a', { hasText: 'Raft vs Paxos' }).click();
  await page.waitForSelector('.lab.versus [data-testid="panel-raft"] .node');
  await setSpeed(page, 0);
  await page.waitForFunction(() => Number(document.querySelector('.lab').dataset.now) > 600, null, { timeout: 20000 });
  await pause(page);
  assert.equal(await lab(page, 'data-now'), await lab(page, 'data-now-paxos'));
  assert.equal(await page.locator('[data-testid="panel-raft"]').getAttribute('data-leader'), 'S1');
  assert.equal(await page.locator('[data-testid="panel-paxos"]').getAttribute('data-leader'), 'S1');
  // The whole run's counters, as the CLI reports them.
  for (const side of ['raft', 'paxos']) {
    const committed = Number(await page.locator(`[data-testid="counters-${side}"] [data-testid="committed-run"]`).textContent());
    assert.ok(committed >= 10, `${side}: ${committed}`);
    assert.match(await page.locator(`[data-testid="counters-${side}"] [data-testid="crash-to-commit-run"]`).textContent(), /^\d+ ms \(S1 crashed at 1200 ms\)/);
  }
  // Stepping keeps one moment.
  await page.keyboard.press('ArrowRight');
  assert.equal(await lab(page, 'data-now'), await lab(page, 'data-now-paxos'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('while playing, the logs, the slot table and both event logs wait for a pause; paused, they show the moment', async () => {
  const page = await open();
  if (await lab(page, 'data-playing') === 'false') await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.playing === 'true');
  for (const side of ['raft', 'paxos']) {
    const panel = page.locator(`[data-testid="panel-${side}"]`);
    assert.match(await panel.locator('[data-testid="log-paused"]').textContent(), /^Pause \(Space\) to read what happened in (Raft|Multi-Paxos)\.$/);
    assert.equal(await panel.locator('[data-testid="event-log"]').count(), 0, side);
  }
  await page.waitForFunction(() => Number(document.querySelector('.lab').dataset.now) > 300, null, { timeout: 20000 });
  await pause(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-paused"]').length === 0);
  for (const side of ['raft', 'paxos']) {
    const log = page.locator(`[data-testid="panel-${side}"] [data-testid="event-log"]`);
    await page.waitForFunction((s) => document.querySelectorAll(`[data-testid="panel-${s}"] [data-testid="event-log"] li`).length > 0, side);
    // Newest first, and none after the moment shown.
    const now = Number(await lab(page, 'data-now'));
    const times = (await log.locator('li time').allTextContents()).map((t) => Number(t.replace(/[^0-9]/g, '')));
    assert.ok(times.every((t) => t <= now), `${side}: ${times[0]} ≤ ${now}`);
    assert.deepEqual([...times].sort((a, b) => b - a), times, `${side}: newest first`);
  }
  assert.equal(await page.locator('[data-testid="panel-raft"] .log-row').count(), 5);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('one partition and one crash act on both worlds', async () => {
  const page = await open();
  await pause(page);
  assert.equal(await lab(page, 'data-raft-partitioned'), 'false');
  await page.getByRole('button', { name: '✂ Partition…' }).click();
  await page.locator('[data-testid="panel-raft"] .node[data-node="S2"]').click();
  await page.getByRole('button', { name: /Cut off the picked nodes/ }).click();
  assert.equal(await lab(page, 'data-raft-partitioned'), 'true');
  assert.equal(await lab(page, 'data-paxos-partitioned'), 'true');
  await page.locator('[data-testid="panel-paxos"] .node[data-node="S3"]').click();
  await page.keyboard.press('x');
  for (const side of ['raft', 'paxos']) {
    assert.equal(await page.locator(`[data-testid="panel-${side}"] .node[data-node="S3"]`).getAttribute('data-role'), 'down', side);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a differences row travels both panels to the moment that shows it', async () => {
  const page = await open();
  await pause(page);
  const button = page.locator('[data-testid="seek-diff-3"]');
  const at = await button.getAttribute('data-at');
  assert.ok(Number(at) > 1200, `after the crash: ${at}`);
  await button.click();
  await page.waitForFunction((t) => document.querySelector('.lab').dataset.now === t, at, { timeout: 20000 });
  assert.equal(await lab(page, 'data-now-paxos'), at);
  // The moment Multi-Paxos's new leader takes over.
  assert.equal(await page.locator('[data-testid="panel-paxos"]').getAttribute('data-leader'), 'S4');
  assert.equal(await page.locator('[data-testid="panel-paxos"] .node[data-node="S1"]').getAttribute('data-role'), 'down');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/// Waits until both worlds stand at `t` and nothing is being computed.
async function settledAt(page, t) {
  await page.waitForFunction((t) => {
    const lab = document.querySelector('.lab');
    return lab && lab.dataset.now === String(t) && lab.dataset.nowPaxos === String(t)
      && !document.querySelector('[data-testid="computing"]');
  }, t, { timeout: 20000 });
}

const counter = (page, side, id) => page.locator(`[data-testid="counters-${side}"] [data-testid="${id}"]`).textContent();

test('the counters follow the scrubber; the whole run stays as it is', async () => {
  const page = await open();
  await pause(page);
  await page.keyboard.press('Home');
  await settledAt(page, 0);
  for (const side of ['raft', 'paxos']) {
    assert.equal(await counter(page, side, 'committed'), '0', side);
    assert.equal(await counter(page, side, 'crash-to-commit'), 'no leader crashed', side);
  }
  const run = { raft: await counter(page, 'raft', 'committed-run'), paxos: await counter(page, 'paxos', 'committed-run') };
  // After the crash and the next commit: the now column has the failover.
  const button = page.locator('[data-testid="seek-diff-3"]');
  const at = await button.getAttribute('data-at');
  await button.click();
  await settledAt(page, at);
  for (const side of ['raft', 'paxos']) {
    const now = Number(await counter(page, side, 'committed'));
    assert.ok(now > 0 && now <= Number(run[side]), `${side}: ${now} of ${run[side]}`);
    assert.match(await counter(page, side, 'crash-to-commit'), /S1 crashed at 1200 ms/);
  }
  // Back to the start: the now column follows again; the whole run does not move.
  await page.keyboard.press('Home');
  await settledAt(page, 0);
  await page.waitForFunction(() => document.querySelector('[data-testid="counters-raft"] [data-testid="committed"]').textContent === '0', null, { timeout: 10000 });
  assert.equal(await counter(page, 'raft', 'committed-run'), run.raft);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a share link reopens the same pair at the same moment', async () => {
  const page = await open();
  await pause(page);
  const button = page.locator('[data-testid="seek-diff-3"]');
  const at = await button.getAttribute('data-at');
  await button.click();
  await settledAt(page, at);
  // Something of the learner's own: a crash of S2 in both, recorded in the link.
  await page.locator('[data-testid="panel-raft"] .node[data-node="S2"]').click();
  await page.keyboard.press('x');
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  assert.match(link, /#\/raft-vs-paxos\?s=.+&t=\d+$/);
  const t = link.match(/&t=(\d+)$/)[1];
  const hashes = [await lab(page, 'data-trace-hash'), await lab(page, 'data-trace-hash-paxos')];
  await page.context().close();

  const again = await openPage(browser, link);
  await again.waitForSelector('.lab.versus [data-testid="panel-paxos"] .node');
  await settledAt(again, t);
  assert.deepEqual([await lab(again, 'data-trace-hash'), await lab(again, 'data-trace-hash-paxos')], hashes);
  for (const side of ['raft', 'paxos']) {
    assert.equal(await again.locator(`[data-testid="panel-${side}"] .node[data-node="S2"]`).getAttribute('data-role'), 'down', side);
  }
  assert.equal(await again.locator('[data-testid="problem"]').count(), 0);
  assert.deepEqual(again.errors, []);
  await again.context().close();
});

test('a bad file says what is wrong and where, as text, and the run stays', async () => {
  const page = await open();
  await pause(page);
  const before = [await lab(page, 'data-now'), await lab(page, 'data-trace-hash'), await lab(page, 'data-trace-hash-paxos')];
  const bad = JSON.stringify({ version: 2, lab: 'raft-vs-paxos', nodes: { server: 3, client: 1 }, params: { raft: { keys: 0 } } });
  await page.locator('[data-testid="import"]').setInputFiles({ name: '<b>pair</b>.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  const problem = page.locator('[data-testid="problem"]');
  await problem.waitFor();
  const text = await problem.textContent();
  assert.match(text, /<b>pair<\/b>\.json was not loaded: params\.raft\.keys/);
  assert.match(text, /The current run is unchanged\./);
  assert.equal(await problem.locator('b').count(), 0, 'the name is text, not markup');
  assert.deepEqual([await lab(page, 'data-now'), await lab(page, 'data-trace-hash'), await lab(page, 'data-trace-hash-paxos')], before);
  // Another lab's file: the page says so.
  await page.locator('[data-testid="problem"] button').click();
  const election = JSON.stringify({ version: 2, lab: 'raft-election', nodes: { server: 3 } });
  await page.locator('[data-testid="import"]').setInputFiles({ name: 'election.json', mimeType: 'application/json', buffer: Buffer.from(election) });
  await page.waitForFunction(() => /not one of Raft vs Paxos/.test(document.querySelector('[data-testid="problem"]')?.textContent ?? ''), null, { timeout: 10000 });
  assert.deepEqual([await lab(page, 'data-now'), await lab(page, 'data-trace-hash'), await lab(page, 'data-trace-hash-paxos')], before);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the holes run: the row travels to a Multi-Paxos slot that holds a no-op', async () => {
  const page = await open();
  await pause(page);
  // The leader-crash run has no hole.
  assert.equal(await page.locator('[data-testid="seek-diff-1"]').textContent(), 'not in this run');
  await page.locator('[data-scenario="raft-vs-paxos-holes.json"]').click();
  const button = page.locator('button[data-testid="seek-diff-1"]');
  await button.waitFor({ timeout: 20000 });
  const at = await button.getAttribute('data-at');
  assert.ok(Number(at) > 850, `after S1's crash: ${at}`);
  await button.click();
  await settledAt(page, at);
  // The new leader's slot table: a no-op chosen in a slot below a command.
  const rows = page.locator('[data-testid="panel-paxos"] [data-testid="slot-row"]');
  const values = await rows.locator('td.value').allTextContents();
  const hole = values.indexOf('no-op');
  assert.ok(hole >= 0, `a no-op among ${values}`);
  assert.notEqual(await rows.nth(hole).getAttribute('data-chosen'), 'no');
  assert.ok(values.slice(hole + 1).some((v) => v !== 'no-op' && v !== '–'), `a command after the hole: ${values}`);
  // Raft's logs at the same moment: pick an entry and ask why it is (not) committed.
  await page.locator('[data-testid="panel-raft"] .log-row').first().locator('button.entry:visible').first().click();
  await page.waitForSelector('[data-testid="panel-raft"] [data-testid="why"]');
  assert.match(await page.locator('[data-testid="why"]').textContent(), /committed/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('each world has its safety checks; a broken one is shown and travels to its moment', async () => {
  const page = await open();
  await pause(page);
  for (const side of ['raft', 'paxos']) {
    const items = page.locator(`[data-testid="panel-${side}"] .invariants li[data-invariant]`);
    assert.ok(await items.count() >= 4, side);
    assert.equal(await page.locator(`[data-testid="panel-${side}"] .invariants li.broken`).count(), 0, side);
  }
  // A pair whose Multi-Paxos side ignores the values its promises report.
  const broken = JSON.stringify({
    version: 2, lab: 'raft-vs-paxos', seed: 7, nodes: { server: 3, client: 1 }, duration_ms: 3000,
    params: { workload_ms: 100, multi_paxos: { leader_timeout_ms: [300, 600], break_ignore_promised_values: true } },
    actions: [
      { at_ms: 10, do: 'timeout', node: 'S1' },
      { at_ms: 400, do: 'partition', groups: [['S1']] },
      { at_ms: 900, do: 'heal' },
    ],
  });
  await page.locator('[data-testid="import"]').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
  const seek = page.locator('[data-testid="panel-paxos"] .invariants li.broken button').first();
  await seek.waitFor({ timeout: 20000 });
  assert.equal(await page.locator('[data-testid="panel-raft"] .invariants li.broken').count(), 0);
  const at = (await seek.textContent()).match(/at (\d+) ms/)[1];
  await seek.click();
  await settledAt(page, at);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('embedded, the page runs both worlds without the site around it and tells its host its height', async () => {
  const page = await openPage(browser, 'about:blank');
  // A host page on the lab's origin, with the iframe and nothing else.
  await page.route(`${server.url}host.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><head><title>host</title></head><body><iframe title="lab" src="${server.url}${LAB}?embed=1"></iframe></body></html>`,
  }));
  await page.goto(`${server.url}host.html`);
  await page.evaluate(() => {
    window.__heights = [];
    window.addEventListener('message', (e) => { if (e.data && e.data.distviz === 'height') window.__heights.push(e.data.height); });
  });
  const frame = page.frameLocator('iframe');
  await frame.locator('.app.embed .lab.versus [data-testid="panel-paxos"] .node').first().waitFor();
  assert.equal(await frame.locator('header.site').count(), 0);
  assert.equal(await frame.locator('.experiments').count(), 0);
  for (const side of ['raft', 'paxos']) {
    assert.equal(await frame.locator(`[data-testid="panel-${side}"] .invariants`).count(), 1, side);
  }
  await page.evaluate((origin) => document.querySelector('iframe').contentWindow.postMessage({ distviz: 'hello' }, origin), new URL(server.url).origin);
  await page.waitForFunction(() => window.__heights.length > 0, null, { timeout: 10000 });
  assert.ok((await page.evaluate(() => window.__heights[0])) > 300);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a bad link says what is wrong, as text, and the page shows the shipped run', async () => {
  // A pair whose Raft side has a setting with markup in its name: refused at its place.
  const evil = '<img src=x onerror=window.__xss=1>';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distviz-'));
  const file = path.join(dir, 'evil.json');
  fs.writeFileSync(file, JSON.stringify({ version: 2, lab: 'raft-vs-paxos', nodes: { server: 3, client: 1 }, params: { raft: { [evil]: 1 } } }));
  const packed = execFileSync(path.join(ROOT, 'target', 'release', 'distviz'), ['link', file], { encoding: 'utf8' }).trim();
  for (const [hash, says] of [[`${LAB}?s=${packed}`, 'params.raft.'], [`${LAB}?s=garbage`, 'could not be used']]) {
    const page = await openPage(browser, `${server.url}${hash}`);
    await page.waitForSelector('.lab.versus [data-testid="panel-paxos"] .node');
    const problem = await page.locator('[data-testid="problem"] span').textContent();
    assert.match(problem, /^This link's scenario could not be used: .*Showing the leader-crash run instead\.$/);
    assert.ok(problem.includes(says), problem);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    // The shipped run: five servers in each world.
    assert.equal(await page.locator('[data-testid="panel-raft"] .node[data-node="S5"]').count(), 1);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('the browser shows the same two trace hashes as the CLI for the shipped pair scenarios', async () => {
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  for (const name of ['raft-vs-paxos-leader-crash.json', 'raft-vs-paxos-holes.json']) {
    const file = path.join(ROOT, 'scenarios', name);
    const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
    const packed = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
    const page = await openPage(browser, `${server.url}${LAB}?s=${packed}&t=${report.end_ms}`);
    await page.waitForSelector('.lab.versus [data-testid="panel-paxos"] .node');
    await settledAt(page, report.end_ms);
    assert.equal(await lab(page, 'data-trace-hash'), report.lab_report.raft.trace_hash, name);
    assert.equal(await lab(page, 'data-trace-hash-paxos'), report.lab_report.multi_paxos.trace_hash, name);
    // The whole run's counters are the report's.
    const counters = report.lab_report;
    assert.equal(await counter(page, 'raft', 'committed-run'), String(counters.raft.counters.commands_committed));
    assert.equal(await counter(page, 'paxos', 'committed-run'), String(counters.multi_paxos.counters.commands_committed));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
