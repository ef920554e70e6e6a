// What a learner does in the Paxos lab, checked on the DOM: the duel and
// back-off ending it, crashing an acceptor from the UI, and the chosen
// marker appearing before any learner knows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage, setSpeed } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = `#/paxos`;
const chosen = (page) => page.locator('[data-testid="chosen"]');
const chosenState = (page) => chosen(page).getAttribute('data-state');
const now = async (page) => Number(await page.locator('.lab').getAttribute('data-now'));
// The log, read as a learner reads it: paused (while playing it catches up
// twice a second).
async function log(page) {
  if (await page.locator('.lab').getAttribute('data-playing') === 'true') await page.keyboard.press('Space');
  return page.locator('[data-testid="event-log"]').textContent();
}

async function open() {
  const page = await openPage(browser, `${server.url}${LAB}`);
  await page.waitForSelector('.lab.paxos .node');
  return page;
}

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

// Loads a shipped scenario from "Things to try", paused at its start.
async function load(page, file) {
  const before = await page.locator('.lab').getAttribute('data-trace-hash');
  await page.locator(`.experiments button[data-scenario="${file}"]`).click();
  await page.waitForFunction((h) => document.querySelector('.lab').dataset.traceHash !== h, before);
  await pause(page);
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.now === '0');
}

test('the guide links the lab; P proposes, and the value is chosen before any learner knows it', async () => {
  const landing = await openPage(browser, server.url);
  await landing.locator('.sections li.ready a', { hasText: /^Paxos$/ }).click();
  const page = landing;
  await page.waitForSelector('.lab.paxos .node');
  assert.equal(await chosenState(page), 'none');
  await pause(page);
  await select(page, 'P1');
  await page.keyboard.press('p');
  await page.waitForSelector('.message.prepare');
  // Messages carry their ballot.
  assert.equal(await page.locator('.message-tags .prepare .message-tag').first().textContent(), '1.P1');
  // A tag sits above every dot; a click on it opens its message.
  await page.locator('.message-tags .prepare .tag-bg').first().click();
  assert.match(await page.locator('[data-testid="message-panel"]').textContent(), /Prepare/i);
  await page.keyboard.press('Escape');
  // Step until something is chosen: at that moment no learner knows it.
  for (let i = 0; i < 200 && await chosenState(page) === 'none'; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await chosenState(page), 'unknown');
  assert.match(await chosen(page).textContent(), /Chosen: “red” in ballot 1\.P1 .*not yet known to any learner/);
  assert.equal(await page.locator('.node[data-node="P1"]').getAttribute('data-role'), 'accepting');
  assert.match(await log(page), /"red" is chosen: 2 of 3 acceptors/);
  // Then the Accepted messages land and the learners learn.
  for (let i = 0; i < 200 && await chosenState(page) !== 'known'; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await chosenState(page), 'known');
  assert.match(await log(page), /P2 learned "red"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('two proposers duel without back-off; back-off ends it', async () => {
  const page = await open();
  await load(page, 'paxos-duel.json');
  await play(page);
  await page.waitForFunction(() => Number(document.querySelector('.lab').dataset.now) > 1500, null, { timeout: 20000 });
  await pause(page);
  assert.equal(await chosenState(page), 'none', 'a livelock: nothing is chosen');
  const rounds = await page.locator('.node[data-node^="P"]').evaluateAll((els) => els.map((el) => Number(el.dataset.term)));
  assert.ok(Math.min(...rounds) >= 10, `ballots keep climbing: ${rounds}`);
  assert.match(await page.locator('[data-testid="backoff"]').isChecked().then(String), /false/);

  await load(page, 'paxos-duel-backoff.json');
  assert.equal(await page.locator('[data-testid="backoff"]').isChecked(), true);
  await play(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="chosen"]').dataset.state === 'known', null, { timeout: 20000 });
  assert.ok(await now(page) < 1500, 'chosen soon after the duel began');
  assert.match(await log(page), /backs off for \d+ ms/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('crashing an acceptor from the UI: a majority is left, and an acceptor refuses to propose', async () => {
  const page = await open();
  await pause(page);
  await select(page, 'A1');
  await page.keyboard.press('p');
  await page.waitForSelector('[data-testid="problem"]');
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /A1 refused: A1 is an acceptor only/);
  await page.getByRole('button', { name: 'Dismiss', exact: true }).click();

  await select(page, 'A2');
  await page.keyboard.press('x');
  await page.waitForFunction(() => document.querySelector('.node[data-node="A2"]').dataset.role === 'down');
  await select(page, 'P1');
  await page.getByRole('button', { name: 'Propose from P1 (P)' }).click();
  await play(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="chosen"]').dataset.state === 'known', null, { timeout: 20000 });
  assert.match(await chosen(page).textContent(), /accepted by A1, A3\)/);
  // The crashed acceptor keeps its disk: restart it and inspect.
  await select(page, 'A2');
  await page.keyboard.press('x');
  await page.waitForFunction(() => document.querySelector('.node[data-node="A2"]').dataset.role !== 'down');
  assert.match(await page.locator('[data-testid="inspector"]').textContent(), /promised/);
  assert.equal(await page.locator('.invariants .broken').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a break-it scenario turns a check red, with the badge saying what is broken', async () => {
  const page = await open();
  await load(page, 'paxos-break-forget-promise.json');
  await page.waitForSelector('[data-testid="break-badge"]');
  await play(page);
  await page.waitForFunction(() => Number(document.querySelector('.lab').dataset.now) > 400, null, { timeout: 20000 });
  assert.match(await page.locator('.invariants').textContent(), /Only one value is chosen/);
  assert.match(await chosen(page).textContent(), /more than one value was chosen: red, blue/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the browser shows the same trace hash and choice as the CLI for Paxos scenarios', async () => {
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  for (const name of ['paxos-proposer-crash.json', 'paxos-break-ignore-values.json', 'paxos-duel.json']) {
    const file = path.join(ROOT, 'scenarios', name);
    const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
    const param = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
    const page = await openPage(browser, `${server.url}${LAB}?s=${param}&t=${report.end_ms}`);
    await page.waitForSelector('.lab.paxos');
    await page.waitForFunction((t) => document.querySelector('.lab').dataset.now === String(t), report.end_ms);
    assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), report.trace_hash, name);
    const chosenText = await chosen(page).textContent();
    if (report.lab_report.chosen) assert.ok(chosenText.includes(`“${report.lab_report.chosen}”`), `${name}: ${chosenText}`);
    else assert.equal(await chosenState(page), 'none', name);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
