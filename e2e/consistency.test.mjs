// The consistency-models lab as a learner uses it: each "Things to try"
// item as written, by mouse and by keyboard; a shared link; a real Jepsen
// history imported through the file input; bad links and files; a phone
// in the dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = (query = '') => `${server.url}#/consistency-models${query}`;
// The diagram's drawing box (src/labs/consistency/diagram.rs).
const WIDTH = 720;
const LEFT = 36;
const RIGHT = 14;

async function open(query = '', options = {}) {
  const page = await openPage(browser, LAB(query), options);
  await page.waitForSelector('[data-testid="history"] .op');
  return page;
}

async function example(page, index) {
  await page.locator('[data-testid="example"]').selectOption({ index });
  await page.waitForFunction((i) => document.querySelector('[data-testid="example"]').selectedIndex === i, index);
}

// The operation the keyboard is on, once it is `want` (focus moves after the
// render, which may come a moment after the key on a loaded machine), or
// whatever it is after 5 s.
async function focusedOp(page, want) {
  await page.waitForFunction((w) => document.activeElement?.getAttribute('data-op') === w, want, { timeout: 5000 })
    .catch(() => {});
  return page.evaluate(() => document.activeElement?.getAttribute('data-op') ?? null);
}
const status = (page, model) => page.locator(`[data-testid="verdicts"] [data-model="${model}"]`).getAttribute('data-status');
const mapStatus = (page, model) => page.locator(`[data-testid="model-map"] [data-model="${model}"]`).getAttribute('data-status');

// The page x of time `t` in the diagram.
async function xOf(page, t) {
  const svg = page.locator('[data-testid="history"]');
  const box = await svg.boundingBox();
  const span = Number(await svg.getAttribute('data-span'));
  return box.x + ((LEFT + (t / span) * (WIDTH - LEFT - RIGHT)) / WIDTH) * box.width;
}

// Drags operation `op` by its middle so that its start moves by `by` ms.
async function drag(page, op, by) {
  const bar = await page.locator(`.op[data-op="${op}"] .bar`).boundingBox();
  const y = bar.y + bar.height / 2;
  const x0 = bar.x + bar.width / 2;
  const dx = (await xOf(page, by)) - (await xOf(page, 0));
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move(x0 + dx / 2, y, { steps: 3 });
  await page.mouse.move(x0 + dx, y, { steps: 3 });
  await page.mouse.up();
}

test('Things to try 1: dragging a stale read over the write makes it linearizable, and the map lights up', async () => {
  const page = await open();
  await example(page, 1);
  assert.equal(await status(page, 'linearizable'), 'fails');
  assert.equal(await status(page, 'sequential'), 'holds');
  assert.equal(await page.locator('.op.blocked').count(), 1, 'the read that cannot be placed is marked');
  assert.match(await page.locator('[data-model="linearizable"] p').textContent(), /P2/);
  // P2's read, 20–30 ms, dragged 16 ms left: 4–14 ms, overlapping P1's write (0–10 ms).
  await drag(page, 1, -16);
  assert.equal(await status(page, 'linearizable'), 'holds');
  assert.equal(await mapStatus(page, 'linearizable'), 'holds');
  assert.equal(await page.locator('.op .point').count(), 2, 'each operation shows where it takes effect');
  assert.match(await page.locator('[data-testid="edit-log"] li').first().textContent(), /Dragged: P2 reads nil.*Now linearizable: holds/);
  // Undo puts it back in one step.
  await page.getByRole('button', { name: '↶ Undo' }).click();
  assert.equal(await status(page, 'linearizable'), 'fails');
  assert.equal(await mapStatus(page, 'linearizable'), 'fails');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Things to try 2: a write dragged after its read breaks linearizability but not sequential consistency', async () => {
  const page = await open();
  assert.equal(await status(page, 'linearizable'), 'holds');
  // P1's "w 2" (30–45 ms) dragged past P2's "r 2" (40–50 ms) and P3's (55–60 ms).
  await drag(page, 3, 35);
  assert.equal(await status(page, 'linearizable'), 'fails');
  assert.equal(await status(page, 'sequential'), 'holds');
  assert.equal(await mapStatus(page, 'sequential'), 'holds');
  await page.context().close();
});

test('Things to try 3: making both readers agree makes the history sequential', async () => {
  const page = await open();
  await example(page, 2);
  assert.equal(await status(page, 'sequential'), 'fails');
  assert.equal(await status(page, 'causal'), 'holds');
  for (const [op, value] of [[4, '1'], [5, '2']]) {
    await page.locator(`.op[data-op="${op}"]`).click();
    const field = page.locator('[data-testid="op-value"]');
    await field.fill(value);
    await field.press('Enter');
    await field.blur();
  }
  assert.equal(await status(page, 'sequential'), 'holds');
  assert.match(await page.locator('[data-testid="edit-log"] li').first().textContent(), /Changed operation 6 to: P4 reads 2/);
  await page.context().close();
});

test('Things to try 4: deleting the read that made 2 depend on 1 makes it causal (click, then Delete)', async () => {
  const page = await open();
  await example(page, 3);
  assert.equal(await status(page, 'causal'), 'fails');
  assert.equal(await status(page, 'PRAM'), 'holds');
  await page.locator('.op[data-op="1"]').click();
  await page.keyboard.press('Delete');
  // The render (and the focus it moves) may come a moment after the key on a loaded machine.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="history"] .op').length === 4);
  assert.equal(await status(page, 'causal'), 'holds');
  // The keyboard goes on from the next bar, not from the top of the page.
  assert.equal(await focusedOp(page, '1'), '1');
  assert.match(await page.locator('[data-testid="history-title"]').textContent(), /^Yours, from “PRAM, not causal/);
  await page.context().close();
});

test('Things to try 5: a write that never returns makes the stale read linearizable', async () => {
  const page = await open();
  await example(page, 1);
  await page.locator('.op[data-op="0"]').click();
  const end = page.locator('[data-testid="op-end"]');
  await end.fill('');
  await end.press('Enter');
  await end.blur();
  assert.equal(await page.locator('.op.open').count(), 1);
  assert.equal(await status(page, 'linearizable'), 'holds');
  assert.equal(await page.locator('[data-testid="verdicts"] li').count(), 8);
  assert.equal(await page.locator('[data-testid="problem"]').count(), 0);
  // Add puts the new operation under the keyboard.
  await page.getByRole('button', { name: '+ Add an operation' }).click();
  assert.equal(await focusedOp(page, '2'), '2');
  await page.context().close();
});

test('Things to try 6 and the keyboard: keys move an operation, Ctrl+Z undoes, a copied link reopens the same history', async () => {
  const page = await open();
  await example(page, 1);
  const read = page.locator('.op[data-op="1"]');
  await read.focus();
  const start = page.locator('[data-testid="op-start"]');
  assert.equal(await start.inputValue(), '20');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await start.inputValue(), '19');
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await page.locator('[data-testid="op-end"]').inputValue(), '30');
  await page.keyboard.press('Alt+ArrowLeft');
  assert.equal(await start.inputValue(), '18');
  await page.keyboard.press('Control+z');
  assert.equal(await start.inputValue(), '19');
  for (let i = 0; i < 9; i++) await read.press('ArrowLeft');
  assert.equal(await start.inputValue(), '10');
  assert.equal(await status(page, 'linearizable'), 'fails', 'touching the write’s end: it came after');
  await read.press('ArrowLeft');
  assert.equal(await status(page, 'linearizable'), 'holds');

  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  assert.match(link, /#\/consistency-models\?h=P1_write_1_0-10;P2_read_nil_9-20&m=cas-register-nil$/);
  const again = await openPage(browser, link);
  await again.waitForSelector('[data-testid="history"] .op');
  assert.equal(await status(again, 'linearizable'), 'holds');
  assert.equal(await again.locator('[data-testid="sketch-text"]').inputValue(), 'P1 write 1 0-10\nP2 read nil 9-20');
  assert.deepEqual([...page.errors, ...again.errors], []);
  await again.context().close();

  // Export and Import give back the same history, processes and model.
  await page.locator('[data-testid="initial"]').selectOption('0');
  const verdicts = await page.locator('[data-testid="verdicts"] li').evaluateAll((ls) => ls.map((l) => l.dataset.status));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '⬇ Export history' }).click()]);
  assert.equal(download.suggestedFilename(), 'distviz-history-cas-register-0.jsonl');
  const file = await download.path();
  await example(page, 2);
  await page.locator('[data-testid="import"]').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: fs.readFileSync(file) });
  await page.waitForSelector('[data-testid="history-title"]:text("distviz-history")');
  assert.equal(await page.locator('[data-testid="sketch-text"]').inputValue(), 'P1 write 1 0-10\nP2 read nil 9-20');
  assert.equal(await page.locator('[data-testid="initial"]').inputValue(), '0');
  assert.deepEqual(await page.locator('[data-testid="verdicts"] li').evaluateAll((ls) => ls.map((l) => l.dataset.status)), verdicts);
  await page.context().close();
});

test('a Jepsen etcd history imported through the file input gets the verdict of verdicts.csv, explained', async (t) => {
  const data = path.join(ROOT, '..', 'shared', 'data', 'histories');
  if (!fs.existsSync(data)) {
    t.skip(`no reference data at ${data}`);
    return;
  }
  const rows = fs.readFileSync(path.join(data, 'verdicts.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const page = await open();
  for (const [file, , expected] of rows.filter(([f]) => f.startsWith('porcupine-etcd/')).slice(0, 3)) {
    await page.locator('[data-testid="import"]').setInputFiles(path.join(data, file));
    await page.waitForSelector(`[data-testid="history-title"]:text("${path.basename(file)}")`);
    await page.waitForSelector('[data-testid="verdicts"]');
    const verdict = await status(page, 'linearizable');
    assert.equal(verdict, expected === 'linearizable' ? 'holds' : 'fails', file);
    const words = await page.locator('[data-model="linearizable"] p').textContent();
    assert.ok(words.length > 40, `an explanation for ${file}: ${words}`);
    if (verdict === 'fails') assert.equal(await page.locator('.op.blocked').count(), 1, 'the operation that cannot be placed is drawn');
    assert.match(await page.locator('.history-panel .note').first().textContent(), /Imported \(Jepsen etcd log format\), checked as cas-register-nil: \d+ operations/);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('bad links and files explain themselves and lose nothing', async () => {
  const page = await open('?h=P1_write_1_0-10;P2_frobnicate_1_5-9&m=nope');
  const problem = await page.locator('[data-testid="problem"]').textContent();
  assert.match(problem, /m: “nope” is not a register model/);
  assert.match(problem, /operation 2 \(“P2_frobnicate_1_5-9”\): “frobnicate” is not an operation/);
  assert.ok(await page.locator('[data-testid="history"] .op').count() > 0, 'an example is shown instead');
  const before = await page.locator('[data-testid="sketch-text"]').inputValue();
  for (const [name, text, says] of [['empty.txt', '  \n', /empty\.txt was not opened: it is empty/], ['noise.bin', '\u0001\u0002PNG\u0000', /noise\.bin was not opened: it does not look like a history/]]) {
    await page.locator('[data-testid="import"]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(text) });
    await page.waitForFunction((n) => (document.querySelector('[data-testid="problem"]')?.textContent ?? '').includes(n), name);
    assert.match(await page.locator('[data-testid="problem"]').textContent(), says);
  }
  await page.locator('[data-testid="import"]').setInputFiles({ name: 'broken.edn', mimeType: 'text/plain', buffer: Buffer.from('[{:process 0 :type :invoke :f :read :value nil}\n{:process 0 :type') });
  await page.waitForFunction(() => /broken\.edn was not opened: line \d+/.test(document.querySelector('[data-testid="problem"]')?.textContent ?? ''));
  assert.equal(await page.locator('[data-testid="sketch-text"]').inputValue(), before);
  await page.getByText('The history as text').click();
  await page.locator('[data-testid="sketch-text"]').fill('P1 write 1 0-10\nP9 read 1 20-10');
  await page.locator('[data-testid="apply-text"]').click();
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /operation 2 .*ends \(10 ms\) before it starts/);
  assert.equal(await page.locator('[data-testid="history"] .op').count(), before.split('\n').length, 'the history is unchanged');
  assert.equal(await page.locator('[data-testid="sketch-text"]').inputValue(), 'P1 write 1 0-10\nP9 read 1 20-10', 'what was typed stays, to be fixed');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('on a phone, in the dark, the lab fits and works by touch-size controls', async () => {
  const page = await open('?theme=dark', { viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
  await example(page, 1);
  await page.locator('.op[data-op="1"]').click();
  await page.waitForSelector('[data-testid="op-inspector"]');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
