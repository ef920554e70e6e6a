// The side-by-side page: both panels run under one scrubber, one
// partition acts on both worlds, and a row of the differences table
// travels both to the moment that shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, setSpeed } from './harness.mjs';

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
    const committed = Number(await page.locator(`[data-testid="counters-${side}"] [data-testid="committed"]`).textContent());
    assert.ok(committed >= 10, `${side}: ${committed}`);
    assert.match(await page.locator(`[data-testid="counters-${side}"] [data-testid="crash-to-commit"]`).textContent(), /^\d+ ms \(S1 crashed at 1200 ms\)/);
  }
  // Stepping keeps one moment.
  await page.keyboard.press('ArrowRight');
  assert.equal(await lab(page, 'data-now'), await lab(page, 'data-now-paxos'));
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
