// What a learner does in the Multi-Paxos lab, checked on the DOM: a
// request chosen and applied, the chosen marker before any learner knows,
// the leader crashed from the keyboard and the next one filling the hole,
// a share link that reopens the same run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage, setSpeed, setWorkload, waitForLeader } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = '#/multi-paxos';
const chosen = (page) => page.locator('[data-testid="chosen"]');
const chosenState = (page) => chosen(page).getAttribute('data-state');
const row = (page, slot) => page.locator(`[data-testid="slot-row"][data-slot="${slot}"]`);

async function pause(page) {
  if (await page.locator('.lab').getAttribute('data-playing') === 'true') await page.keyboard.press('Space');
}

async function play(page) {
  await setSpeed(page, 0);
  if (await page.locator('.lab').getAttribute('data-playing') === 'false') await page.keyboard.press('Space');
}

async function select(page, id) {
  await page.locator(`.node[data-node="${id}"]`).click();
  await page.waitForFunction((n) => document.querySelector('.lab').dataset.selected === n, id);
}

test('the guide links the lab; C sends a request, chosen before any learner knows, then applied', async () => {
  const page = await openPage(browser, server.url);
  await page.locator('.sections li.ready a', { hasText: 'Multi-Paxos' }).click();
  await page.waitForSelector('.lab.multi-paxos .node');
  assert.equal(await page.locator('[data-testid="lab-coming"]').count(), 0, 'no "coming soon"');
  assert.equal(await chosenState(page), 'none');
  await play(page);
  const first = await waitForLeader(page);
  await pause(page);
  await page.keyboard.press('c');
  await page.waitForSelector('.message.client-request');
  // Step until slot 1 is chosen: at that moment no learner knows it.
  for (let i = 0; i < 300 && await chosenState(page) === 'none'; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await chosenState(page), 'unknown');
  assert.match(await chosen(page).textContent(), /Slot 1: “.+” chosen in ballot \d+\.S\d .*chosen — not yet known to any learner/);
  assert.equal(await row(page, 1).getAttribute('data-chosen'), 'unknown');
  assert.equal(await row(page, 1).getAttribute('data-applied'), 'false');
  // Accepts on the wire carry their ballot and slot.
  assert.match(await page.locator('.message-tag').allTextContents().then((t) => t.join(' ')), /\d+\.S\d #1/);
  // Then the leader hears a majority's Accepted, applies it and tells the others.
  for (let i = 0; i < 300 && await chosenState(page) !== 'known'; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await chosenState(page), 'known');
  await select(page, first.id);
  assert.equal(await page.locator('[data-testid="slot-table"]').getAttribute('data-server'), first.id);
  assert.equal(await row(page, 1).getAttribute('data-applied'), 'true');
  assert.equal(await row(page, 1).getAttribute('data-chosen'), 'known');
  assert.match(await page.locator('[data-testid="commands-chosen"]').textContent(), /^1 /);
  assert.equal(await page.locator('.invariants .broken').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('crash the leader from the keyboard: the next leader recovers slot 4 and fills the hole in slot 5 with a no-op', async () => {
  // The shipped leader-change run without its scripted crash, opened at
  // the moment of that crash: the learner crashes S1 instead.
  const scenario = JSON.parse(fs.readFileSync(path.join(ROOT, 'scenarios', 'multi-paxos-leader-change.json'), 'utf8'));
  scenario.actions = scenario.actions.filter((a) => a.do !== 'crash' && a.do !== 'restart');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-'));
  const file = path.join(dir, 'no-crash.json');
  fs.writeFileSync(file, JSON.stringify(scenario));
  const param = execFileSync(path.join(ROOT, 'target', 'release', 'distviz'), ['link', file], { encoding: 'utf8' }).trim();
  const page = await openPage(browser, `${server.url}${LAB}?s=${param}&t=850`);
  await page.waitForSelector('.lab.multi-paxos .node');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.now === '850');
  assert.equal(await page.locator('.lab').getAttribute('data-leader'), 'S1');
  await select(page, 'S1');
  await page.keyboard.press('x');
  await page.waitForFunction(() => document.querySelector('.node[data-node="S1"]').dataset.role === 'down');
  await play(page);
  await page.waitForFunction(() => !['', 'S1'].includes(document.querySelector('.lab').dataset.leader), null, { timeout: 20000 });
  const next = await page.locator('.lab').getAttribute('data-leader');
  await select(page, next);
  await page.waitForFunction(() => document.querySelector('[data-testid="slot-row"][data-slot="5"]')?.dataset.chosen === 'known', null, { timeout: 20000 });
  await pause(page);
  assert.match(await row(page, 5).locator('.value').textContent(), /no-op/);
  assert.match(await row(page, 4).locator('.value').textContent(), /set y 2/);
  assert.equal(await page.locator('.invariants .broken').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  fs.rmSync(dir, { recursive: true });
});

test('a share link reopens the same run at the same moment; the break-it scenario turns a check red', async () => {
  const page = await openPage(browser, `${server.url}${LAB}`);
  await page.waitForSelector('.lab.multi-paxos .node');
  await page.locator('.experiments button[data-scenario="multi-paxos-break-ignore-values.json"]').click();
  await page.waitForSelector('[data-testid="break-badge"]');
  await play(page);
  await page.waitForSelector('.invariants .broken', { timeout: 20000 });
  await pause(page);
  assert.match(await page.locator('.invariants .broken').first().textContent(), /At most one value is chosen per slot/);
  const hash = await page.locator('.lab').getAttribute('data-trace-hash');
  const at = await page.locator('.lab').getAttribute('data-now');
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  const again = await openPage(browser, link);
  await again.waitForSelector('.lab.multi-paxos .node');
  await again.waitForFunction((t) => document.querySelector('.lab').dataset.now === t, at);
  assert.equal(await again.locator('.lab').getAttribute('data-trace-hash'), hash);
  assert.equal(await again.locator('[data-testid="break-badge"]').count(), 1);
  assert.deepEqual([...page.errors, ...again.errors], []);
  await again.context().close();
  await page.context().close();
});

test('with the break-it toggle on, Find a counterexample finds a run that breaks a check and loads it', async () => {
  const page = await openPage(browser, `${server.url}${LAB}`);
  await page.waitForSelector('.lab.multi-paxos .node');
  await page.locator('details.settings summary').click();
  await page.locator('[data-testid="break_ignore_promised_values"]').check();
  await page.waitForSelector('[data-testid="break-badge"]');
  await page.getByRole('button', { name: 'Find a counterexample' }).click();
  await page.waitForFunction(() => /broke after|No schedule/.test(document.querySelector('[data-testid="find-status"]')?.textContent ?? ''), null, { timeout: 120000 });
  assert.match(await page.locator('[data-testid="find-status"]').textContent(), /broke after \d+ schedules?, shrunk from \d+ actions to \d+/);
  await page.waitForSelector('.invariants .broken');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the browser shows the same trace hash as the CLI for the shipped Multi-Paxos scenarios', async () => {
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  for (const name of ['multi-paxos-steady.json', 'multi-paxos-leader-change.json']) {
    const file = path.join(ROOT, 'scenarios', name);
    const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
    const param = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
    const page = await openPage(browser, `${server.url}${LAB}?s=${param}&t=${report.end_ms}`);
    await page.waitForSelector('.lab.multi-paxos');
    await page.waitForFunction((t) => document.querySelector('.lab').dataset.now === String(t), report.end_ms);
    assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), report.trace_hash, name);
    const commands = report.lab_report.messages.commands_chosen;
    assert.match(await page.locator('[data-testid="commands-chosen"]').textContent(), new RegExp(`^${commands} `), name);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('under load the slot table shows the newest twelve slots, and a row already drawn stays the same element', async () => {
  const page = await openPage(browser, `${server.url}${LAB}`);
  await page.waitForSelector('.lab .node');
  await pause(page);
  await setWorkload(page, 50);
  await play(page);
  await setSpeed(page, 1);
  const highest = () => page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('[data-testid="slot-row"]')].map((r) => Number(r.dataset.slot))));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="slot-row"]').length > 0
    && Math.max(...[...document.querySelectorAll('[data-testid="slot-row"]')].map((r) => Number(r.dataset.slot))) >= 25, null, { timeout: 30000 });
  await pause(page);
  const high = await highest();
  const shown = await page.locator('[data-testid="slot-row"]:visible').evaluateAll((rows) => rows.map((r) => Number(r.dataset.slot)));
  assert.deepEqual(shown, Array.from({ length: 12 }, (_, i) => high - 11 + i), 'the newest twelve, in order');
  assert.match(await page.locator('[data-testid="slot-table"] caption').textContent(), new RegExp(`${high - 12} earlier`));
  await row(page, high).evaluate((r) => { window.markedRow = r; });
  await setSpeed(page, 0);
  await play(page);
  await page.waitForFunction((n) => Math.max(...[...document.querySelectorAll('[data-testid="slot-row"]')].map((r) => Number(r.dataset.slot))) > n, high, { timeout: 20000 });
  await pause(page);
  assert.ok(await page.evaluate((n) => window.markedRow.isConnected
    && window.markedRow === document.querySelector(`[data-testid="slot-row"][data-slot="${n}"]`), high), 'rows already drawn are kept');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
