// What a learner does in the partial-failure lab ("Why it is hard"),
// checked on the DOM; each "Things to try" item is followed as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { ROOT, serveDist, launch, openPage, setSpeed } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = (options = '') => `${server.url}#/partial-failure${options}`;

const says = (page) => page.locator('[data-testid="client-says"]').textContent();
// The log, read as a learner reads it: paused (while playing it catches up
// twice a second).
async function log(page) {
  if (await page.locator('.lab').getAttribute('data-playing') === 'true') await page.keyboard.press('Space');
  return page.locator('[data-testid="event-log"]').textContent();
}
const check = (page) => page.locator('.invariants li').first();

async function open(options) {
  const page = await openPage(browser, LAB(options));
  await page.waitForSelector('.lab.partial-failure .node');
  return page;
}

// Paused, then C: the request is on the wire.
async function sendPaused(page) {
  if (await page.locator('.lab').getAttribute('data-playing') === 'true') await page.keyboard.press('Space');
  await page.keyboard.press('c');
  await page.waitForSelector('.message.request');
}

// Steps (→) until a message of the class is on the wire, opens it, presses a button.
async function catchAnd(page, cls, button) {
  for (let i = 0; i < 80 && await page.locator(`.message.${cls}`).count() === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await page.locator(`.message.${cls}`).last().click();
  await page.waitForSelector('[data-testid="message-panel"]');
  await page.getByRole('button', { name: button }).click();
}

// Plays at 1× until the client's sentence matches.
async function playUntilSaid(page, pattern) {
  await setSpeed(page, 0);
  if (await page.locator('.lab').getAttribute('data-playing') === 'false') await page.keyboard.press('Space');
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid="client-says"]').textContent),
    pattern.source, { timeout: 15000 });
}

async function inspect(page, id) {
  await page.locator('.inspector .chooser button', { hasText: id }).click();
  return page.locator('[data-testid="inspector"]').textContent();
}

test('the guide links the lab, and a request and its reply complete', async () => {
  const landing = await openPage(browser, server.url);
  await landing.locator('.sections li.ready a', { hasText: 'partial failure' }).click();
  await landing.waitForSelector('.lab.partial-failure');
  assert.match(await says(landing), /C1 is idle/);
  await landing.keyboard.press('c');
  await playUntilSaid(landing, /idle/);
  assert.match(await log(landing), /S1 applied C1's request #1: the counter is now 1/);
  assert.match(await inspect(landing, 'S1'), /counter(disk)?\s*1(?!\d)/);
  assert.deepEqual(landing.errors, []);
  await landing.context().close();
});

test('things to try 1: lose the request; C1 gives up and S1 counts nothing', async () => {
  const page = await open();
  await sendPaused(page);
  await page.locator('.message.request').last().click();
  await page.getByRole('button', { name: 'Drop it' }).click();
  await playUntilSaid(page, /gave up on 1 request/);
  assert.match(await log(page), /C1 heard nothing about request #1 in 200 ms/);
  assert.match(await log(page), /C1 gives up on request #1: it cannot know whether it happened/);
  assert.match(await inspect(page, 'S1'), /counter(disk)?\s*0(?!\d)/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('things to try 2: lose the reply; C1 sees the same, but S1 counted it', async () => {
  const page = await open();
  await sendPaused(page);
  await catchAnd(page, 'reply', 'Drop it');
  await playUntilSaid(page, /gave up on 1 request/);
  assert.match(await inspect(page, 'S1'), /counter(disk)?\s*1(?!\d)/);
  assert.match(await check(page).textContent(), /✓/);
  await page.context().close();
});

test('things to try 3: a paused server is silent, then answers late', async () => {
  const page = await open();
  await page.keyboard.press('Space');
  await page.locator('.node[data-node="S1"]').click();
  await page.keyboard.press('p');
  assert.equal(await page.locator('.node[data-node="S1"]').getAttribute('data-role'), 'paused');
  await page.keyboard.press('c');
  await playUntilSaid(page, /gave up on 1 request/);
  await page.keyboard.press('Space');
  await page.locator('.node[data-node="S1"]').click();
  await page.keyboard.press('p');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /late answer to request #1/.test(document.querySelector('[data-testid="event-log"]').textContent), null, { timeout: 15000 });
  assert.match(await log(page), /S1 resumed and now reads the 1 message that waited for it/);
  await page.context().close();
});

test('things to try 4 and 5: a retry applies the increment twice; request ids fix it', async () => {
  const page = await open();
  await page.getByTestId('retries').check();
  await sendPaused(page);
  await catchAnd(page, 'reply', 'Drop it');
  await playUntilSaid(page, /C1 is idle/);
  assert.match(await check(page).textContent(), /Applied at most once/);
  await page.waitForSelector('.invariants li.broken, .invariants [data-broken="true"], .timeline .mark.violation');
  assert.match(await log(page), /request #1 was applied 2 times/);
  assert.match(await inspect(page, 'S1'), /counter(disk)?\s*2(?!\d)/);

  // A new setting starts the run again and keeps its actions: the request
  // is sent and its reply dropped again, now with request ids. (Pressing C
  // here would race the replay of that first request.)
  await page.getByTestId('remember').check();
  await setSpeed(page, 0);
  if (await page.locator('.lab').getAttribute('data-playing') === 'false') await page.keyboard.press('Space');
  await page.waitForFunction(() => /answers 1 from memory/.test(document.querySelector('[data-testid="event-log"]').textContent), null, { timeout: 15000 });
  await playUntilSaid(page, /C1 is idle/);
  assert.equal(await page.locator('.timeline .mark.violation').count(), 0);
  assert.match(await log(page), /has seen C1's request #1 before: it answers 1 from memory/);
  assert.match(await inspect(page, 'S1'), /counter(disk)?\s*1(?!\d).*1 request id \(about 24 bytes on disk\)/s);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a duplicated request is applied twice without request ids', async () => {
  const page = await open();
  await sendPaused(page);
  await page.locator('.message.request').last().click();
  await page.getByRole('button', { name: 'Duplicate it' }).click();
  assert.match(await log(page), /The network duplicated message #1/);
  await playUntilSaid(page, /C1 is idle/);
  await page.waitForSelector('.timeline .mark.violation');
  assert.match(await inspect(page, 'S1'), /counter(disk)?\s*2(?!\d)/);
  await page.context().close();
});

test('things to try 6: with three servers and failover, memory on one server is not enough', async () => {
  const page = await open();
  await page.getByLabel('Number of servers').selectOption('3');
  await page.getByTestId('retries').check();
  await page.getByTestId('remember').check();
  await page.getByLabel(/Fail over/).check();
  await page.keyboard.press('Space');
  await page.locator('.node[data-node="S1"]').click();
  await page.keyboard.press('p');
  await page.keyboard.press('c');
  await setSpeed(page, 0);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /S2 applied C1's request #1/.test(document.querySelector('[data-testid="event-log"]').textContent), null, { timeout: 15000 });
  await page.keyboard.press('Space');
  await page.locator('.node[data-node="S1"]').click();
  await page.keyboard.press('p');
  await page.keyboard.press('Space');
  await page.waitForSelector('.timeline .mark.violation', { timeout: 15000 });
  assert.match(await log(page), /request #1 was applied 2 times/);
  await page.context().close();
});

test('the browser shows the same trace hash as the CLI for a partial-failure scenario', async () => {
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  for (const name of ['partial-failure-pause.json', 'partial-failure-failover.json']) {
    const file = path.join(ROOT, 'scenarios', name);
    const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
    const param = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
    const page = await openPage(browser, LAB(`?s=${param}&t=${report.end_ms}`));
    await page.waitForSelector('.lab.partial-failure');
    assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), report.trace_hash, name);
    assert.equal(await page.locator('.timeline .mark.violation').count() > 0, report.violations.length > 0, name);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('embedded, by keyboard only, on a phone in the dark: the lab still works', async () => {
  const page = await openPage(browser, LAB('?embed=1&theme=dark'), { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await page.waitForSelector('.lab.partial-failure .node');
  assert.equal(await page.locator('h1').count(), 0, 'embed mode shows only the lab');
  await page.keyboard.press('c');
  await playUntilSaid(page, /idle/);
  assert.match(await log(page), /S1 applied C1's request #1/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a bad link explains itself and keeps a working lab', async () => {
  const page = await open('?s=not-a-scenario&t=soon');
  await page.waitForSelector('[data-testid="problem"]');
  const problem = await page.locator('[data-testid="problem"]').textContent();
  assert.match(problem, /t: "soon" is not a time/);
  assert.match(problem, /could not be used/);
  await page.keyboard.press('c');
  // While playing, a moving message is drawn on the canvas of moving parts.
  await page.waitForFunction(() => document.querySelector('.message.request')
    || /(^|;)request /.test(document.querySelector('canvas.moving-parts')?.dataset.dots ?? ''));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
