// What a learner stumbled on in the Raft election lab (issue 6), done the
// way the learner did it and checked on the DOM; then each "Things to try"
// item, following its words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { ROOT, serveDist, launch, openPage, setSpeed, leader, waitForLeader } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = (query = '') => `${server.url}#/raft-election${query}`;
const data = (page) => page.locator('.lab').evaluate((el) => ({ ...el.dataset }));
const now = async (page) => Number(await page.locator('.lab').getAttribute('data-now'));
const playing = async (page) => (await page.locator('.lab').getAttribute('data-playing')) === 'true';
// Waits (up to 5 s) for play/pause to show the state, then asserts it: a
// loaded machine may render a moment after the key.
async function expectPlaying(page, want, message) {
  await page.waitForFunction((w) => document.querySelector('.lab')?.dataset.playing === String(w), want, { timeout: 5000 }).catch(() => {});
  assert.equal(await playing(page), want, message);
}
const horizon = async (page) => Number(await page.locator('.controls .scrubber input').getAttribute('max'));
const logText = (page) => page.locator('[data-testid="event-log"]').textContent();
const node = (page, id) => page.locator(`.node[data-node="${id}"]`);
const role = (page, id) => node(page, id).getAttribute('data-role');
const pause = async (page) => { if (await playing(page)) await page.keyboard.press('Space'); };
const waitForTime = (page, t, timeout = 30000) => page.waitForFunction(
  (at) => Number(document.querySelector('.lab').dataset.now) >= at, t, { timeout });

async function close(...pages) {
  for (const page of pages) {
    assert.deepEqual(page.errors, [], 'no console errors');
    await page.context().close();
  }
}

async function importFile(page, name, text) {
  await page.locator('[data-testid="import"]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

// ---------------------------------------------------------------- bugs

test('bug 1: Space is play/pause on a button or checkbox just clicked; a control reached with Tab takes Space itself', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await waitForLeader(page);
  // New seed, then Space: it pauses, and does not reseed again.
  await page.getByRole('button', { name: 'New seed' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'New seed', 'the click focused New seed');
  const seed = await page.locator('.controls .seed input').inputValue();
  await expectPlaying(page, true, 'New seed plays on');
  await page.keyboard.press('Space');
  await expectPlaying(page, false, 'Space paused');
  assert.equal(await page.locator('.controls .seed input').inputValue(), seed, 'no second reseed');
  // Reset, let it run, then Space: it pauses where it is, no second reset.
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: /Reset/ }).click();
  await waitForTime(page, 100);
  await page.keyboard.press('Space');
  await expectPlaying(page, false);
  const at = await now(page);
  assert.ok(at >= 100, 'not reset again');
  await page.waitForTimeout(200);
  assert.equal(await now(page), at);
  // Hold a message, then Space: it plays, and the message stays held.
  for (let i = 0; i < 80 && await page.locator('.message:not(.held)').count() === 0; i++) await page.keyboard.press('ArrowRight');
  const id = await page.locator('.message:not(.held)').first().getAttribute('data-message-id');
  await page.locator('.in-flight li button', { hasText: `#${id}:` }).click();
  await page.getByRole('button', { name: 'Hold it' }).click();
  assert.equal(await page.locator(`.message.held[data-message-id="${id}"]`).count(), 1);
  await page.keyboard.press('Space');
  await expectPlaying(page, true, 'Space played');
  assert.equal(await page.locator(`.message.held[data-message-id="${id}"]`).count(), 1, 'still held');
  // The log's checkbox: Space pauses and leaves it as it was.
  const box = page.locator('.event-log input[type="checkbox"]');
  await box.click();
  assert.ok(await box.isChecked());
  await page.keyboard.press('Space');
  await expectPlaying(page, false);
  assert.ok(await box.isChecked(), 'Space did not toggle the checkbox');
  // Reached from the keyboard, the checkbox takes Space, as a keyboard user expects.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  const was = await playing(page);
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), false, 'Space toggled the checkbox reached with Tab');
  await page.waitForTimeout(200);
  assert.equal(await playing(page), was, 'and neither played nor paused');
  // In a text field Space is typing, not play/pause.
  await page.locator('.controls .seed input').focus();
  await page.keyboard.press('Space');
  await expectPlaying(page, false);
  await close(page);
});

test('bug 2: t=100000000 opens at the longest run with a notice, and a flood of events is bounded', async () => {
  const page = await openPage(browser, LAB('?t=100000000'));
  await page.waitForSelector('[data-testid="problem"]', { timeout: 60000 });
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /t: 100000000 ms is past the longest run \(86400000 ms, 24 hours\)/);
  // A day is computed in slices, with progress, and ends where the memory budget does.
  await page.waitForSelector('[data-testid="computing"]', { state: 'detached', timeout: 90000 });
  assert.ok(await now(page) <= 86400000);
  assert.ok(await now(page) > 1800000, 'well past the old 30-minute wall');
  assert.equal(await page.locator('.node').count(), 5);

  // A scenario whose rates would fill memory (9 servers, a heartbeat every ms, 30 minutes).
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  const file = path.join(os.tmpdir(), 'distviz-flood.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, lab: 'raft-election', seed: 3, nodes: 9, duration_ms: 1800000,
    params: { heartbeat_ms: 1, election_timeout_ms: [5, 10] } }));
  const param = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
  const flood = await openPage(browser, LAB(`?s=${param}&t=1800000`));
  await flood.waitForSelector('[data-testid="problem"]', { timeout: 90000 });
  assert.match(await flood.locator('[data-testid="problem"]').textContent(), /This run stops at [^:]+: it holds \d+ events, all the memory time travel may use/);
  assert.ok(await now(flood) < 1800000);
  assert.equal(await flood.locator('.node').count(), 9);
  await close(page, flood);
});

test('bug 3: acting in the past says what it replaced, and Undo (Ctrl+Z or the button) brings it back', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await node(page, lead.id).click();
  await page.keyboard.press('x');
  await waitForLeader(page, lead.term + 1);
  await waitForTime(page, 2000);
  await pause(page);
  const end = await horizon(page);
  const hashAtEnd = (await data(page)).traceHash;
  // Scrub back to 120 ms and act on a node.
  await page.locator('.controls .scrubber input').fill('120');
  await node(page, 'S2').click();
  await page.keyboard.press('x');
  const notice = await page.locator('[data-testid="notice"]').textContent();
  assert.match(notice, new RegExp(`You acted at 120 ms, in the past: this replaced the ${end - 120} ms of run that followed and 1 of your actions`));
  assert.equal(await horizon(page), 120, 'the future is gone for now');
  await page.keyboard.press('Control+z');
  assert.equal(await horizon(page), end, 'Ctrl+Z brought the future back');
  assert.equal(await now(page), 120);
  assert.equal(await role(page, 'S2'), 'follower');
  await page.keyboard.press('End');
  assert.equal((await data(page)).traceHash, hashAtEnd, 'the very same run');
  // Again with the Crash button, and the notice's Undo button.
  await page.locator('.controls .scrubber input').fill('120');
  await page.getByRole('button', { name: '✕ Crash S2 (X)' }).click();
  assert.equal(await role(page, 'S2'), 'down');
  assert.equal(await horizon(page), 120);
  await page.locator('[data-testid="notice"]').getByRole('button', { name: 'Undo' }).click();
  assert.equal(await horizon(page), end);
  assert.equal(await role(page, 'S2'), 'follower');
  await close(page);
});

test('bug 4: a click selects and inspects; crashing is X or the Crash button; the hint says so', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  // "Time out…" with nothing selected says how to select: a click.
  await page.getByRole('button', { name: 'Time out… (T)' }).click();
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /Select a node first \(click it or Tab to it\)/);
  // The leader: a click selects and inspects, the Crash button crashes, X restarts.
  await node(page, lead.id).click();
  assert.equal((await data(page)).selected, lead.id);
  assert.equal(await role(page, lead.id), 'leader', 'a click does not crash');
  assert.equal(await page.locator('#inspector-title').textContent(), `Inspecting ${lead.id}`);
  await page.getByRole('button', { name: `✕ Crash ${lead.id} (X)` }).click();
  assert.equal(await role(page, lead.id), 'down');
  await page.keyboard.press('x');
  assert.notEqual(await role(page, lead.id), 'down', 'X restarted it');
  // Select by click, then Time out: the clicked node stands for election.
  const follower = await page.locator('.node[data-role="follower"]').first().getAttribute('data-node');
  await node(page, follower).click();
  await page.getByRole('button', { name: `Time out ${follower} (T)` }).click();
  assert.match(await logText(page), new RegExp(`${follower} was made to time out`));
  assert.match(await logText(page), new RegExp(`${follower} became a candidate for term`));
  assert.match(await page.locator('.cluster figcaption').textContent(), /Click a node to select and inspect it; X crashes or restarts it/);
  // An embed may ask for crash-by-click.
  const embed = await openPage(browser, LAB('?embed=1&click=crash'));
  await setSpeed(embed, 0.5);
  const other = await waitForLeader(embed);
  await node(embed, other.id).click();
  assert.equal(await role(embed, other.id), 'down');
  await close(page, embed);
});

test('bug 5: the latency range is edited as a pair; a refusal says what and why, and nothing snaps back', async () => {
  const page = await openPage(browser, LAB());
  await page.locator('.settings summary').click();
  const min = page.locator('[data-testid="latency-min"]');
  const max = page.locator('[data-testid="latency-max"]');
  await min.fill('200');
  await min.press('Tab');
  assert.match(await page.locator('[data-testid="problem"]').textContent(),
    /Latency 200–40 ms was refused: the smallest \(200 ms\) is above the largest \(40 ms\)\. It stays 20–40 ms/);
  assert.equal(await min.inputValue(), '200', 'what was typed stays');
  await max.fill('400');
  await max.press('Tab');
  assert.equal(await page.locator('[data-testid="problem"]').count(), 0);
  assert.match(await page.locator('[data-testid="latency-now"]').textContent(), /now 200–400 ms/);
  assert.equal(await min.inputValue(), '200', 'min did not snap back');
  assert.equal(await max.inputValue(), '400');
  await close(page);
});

test('bug 6: messages are drawn above the nodes, can be clicked over a node, and caught near the wire while playing', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await waitForLeader(page);
  const order = await page.locator('.cluster svg > g').evaluateAll((gs) => gs.map((g) => g.getAttribute('class')));
  // After them only the messages' tags (a click opens the tag's message) and
  // the nodes' badges (★ leader), with no click of their own.
  assert.deepEqual(order, ['links', 'nodes', 'messages', 'message-tags', 'badges']);
  // Paused: step until a message sits on a node's rim, and click it there (the node's edge is under it).
  await pause(page);
  const overNode = () => page.evaluate(() => {
    const nodes = [...document.querySelectorAll('.node .body')].map((b) => b.getBoundingClientRect());
    for (const m of document.querySelectorAll('.message')) {
      const r = m.querySelector('.dot').getBoundingClientRect();
      const [x, y] = [r.x + r.width / 2, r.y + r.height / 2];
      const onRim = (n) => Math.hypot(n.x + n.width / 2 - x, n.y + n.height / 2 - y) <= n.width / 2 + 1;
      if (nodes.some(onRim)) {
        // Several may start from one node together: the one on top is the one clicked.
        return { id: document.elementFromPoint(x, y).closest('[data-message-id]')?.dataset.messageId, x, y };
      }
    }
    return null;
  });
  let spot = null;
  for (let i = 0; i < 200 && !(spot = await overNode()); i++) await page.keyboard.press('ArrowRight');
  assert.ok(spot, 'a message over a node');
  const selectedBefore = (await data(page)).selected;
  await page.mouse.click(spot.x, spot.y);
  assert.equal(await page.locator('#msg-title').textContent(), `Message #${spot.id}`);
  assert.equal((await data(page)).selected, selectedBefore, 'the node under it was not clicked');
  await page.getByRole('button', { name: 'Close' }).click();
  // Playing (slowly enough to aim): a click near, not on, a flying message pauses and picks it.
  await setSpeed(page, -1.5);
  await page.keyboard.press('Space');
  // A message mid-wire, away from the nodes; the click lands 30 SVG units off it,
  // beyond its own target (18), on bare background.
  const midWire = () => {
    const centre = (r) => [r.x + r.width / 2, r.y + r.height / 2];
    const svg = document.querySelector('.cluster svg').getBoundingClientRect();
    const unit = Math.min(svg.width / 400, svg.height / 410);
    const nodes = [...document.querySelectorAll('.node .body')].map((b) => centre(b.getBoundingClientRect()));
    // Moving messages are drawn on a canvas, which names them in data-dots (moving_parts.rs).
    const ctm = document.querySelector('.cluster svg').getScreenCTM();
    const dots = (document.querySelector('canvas.moving-parts')?.dataset.dots ?? '').split(';').filter(Boolean)
      .map((dot) => { const [, x, y] = dot.split(' '); return new DOMPoint(Number(x), Number(y)).matrixTransform(ctm); });
    for (const { x, y } of dots) {
      const spot = { x: x + 30 * unit, y };
      const under = document.elementFromPoint(spot.x, spot.y);
      if (nodes.every(([nx, ny]) => Math.hypot(nx - x, ny - y) > 100 * unit) && !under.closest('.message, .node')) return spot;
    }
    return null;
  };
  let near = null;
  for (let i = 0; i < 100 && !near; i++) {
    await page.waitForFunction(midWire);
    near = await page.evaluate(midWire);
  }
  await page.mouse.click(near.x, near.y);
  assert.equal(await playing(page), false, 'the click paused');
  await page.waitForSelector('[data-testid="message-panel"]');
  assert.match(await page.locator('#msg-title').textContent(), /^Message #\d+$/);
  await close(page);
});

test('bug 7: the violation mark on the timeline travels to the moment the check broke', async () => {
  const scenario = fs.readFileSync(path.join(ROOT, 'scenarios', 'raft-election-broken-votes.json'));
  const page = await openPage(browser, LAB());
  await importFile(page, 'broken.json', scenario);
  await page.keyboard.press('End');
  const mark = page.locator('.timeline .mark.violation').first();
  const at = Number(await mark.getAttribute('data-at'));
  const panelAt = Number((await page.locator('.invariants li.broken button').first().textContent()).match(/\d+/)[0]);
  assert.equal(at, panelAt, 'the mark and the Safety panel name the same moment');
  // One millisecond before, the check still holds; the mark lands where it is red.
  await page.locator('.controls .scrubber input').fill(String(at - 1));
  assert.equal(await page.locator('.invariants li.broken').count(), 0);
  await mark.click();
  assert.equal(await now(page), at);
  assert.equal(await page.locator('.invariants li.broken[data-invariant="Election Safety"]').count(), 1);
  // Elsewhere, a click travels to the time under it.
  const end = await horizon(page);
  const strip = await page.locator('.timeline').boundingBox();
  await page.mouse.click(strip.x + strip.width * 0.75, strip.y + 2);
  assert.ok(Math.abs(await now(page) - end * 0.75) <= end * 0.01, `${await now(page)} ≈ ${end * 0.75}`);
  await close(page);
});

test('bug 9: the smaller things', async () => {
  // Vote dots sit on the rim, clear of "N votes".
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await pause(page);
  const clash = await node(page, lead.id).evaluate((g) => {
    const words = [...g.querySelectorAll('.line')].map((t) => t.getBoundingClientRect());
    const dots = [...g.querySelectorAll('.vote')].map((d) => d.getBoundingClientRect());
    return dots.length > 0 && dots.some((d) => words.some((w) => d.left < w.right && d.right > w.left && d.top < w.bottom && d.bottom > w.top));
  });
  assert.equal(clash, false, 'no vote dot covers the words');
  assert.ok(await node(page, lead.id).locator('.vote').count() >= 2);
  // A held message has no arrival time.
  for (let i = 0; i < 80 && await page.locator('.in-flight li').count() === 0; i++) await page.keyboard.press('ArrowRight');
  await page.locator('.in-flight li button').first().click();
  await page.getByRole('button', { name: 'Hold it' }).click();
  assert.match(await page.locator('[data-testid="message-panel"]').textContent(), /arrivesheld: it arrives a fresh delay after it is released/);
  // The seed field says its range.
  await page.locator('.controls .seed input').fill('99999999999999999999');
  await page.locator('.controls .seed input').press('Tab');
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /use a whole number from 0 to 18446744073709551615/);
  await page.locator('[data-testid="problem"] button').click();
  // A link mark names the servers in capitals.
  await page.locator('.links summary').click();
  await page.locator('[data-link="S5-S1"]').click();
  assert.ok((await page.locator('.timeline .mark.action').last().getAttribute('title')).endsWith('link S5→S1 drops'));
  // A JSON error gives its position once.
  await importFile(page, 'bad.json', '{"version": 1,');
  const problem = await page.locator('[data-testid="problem"]').textContent();
  assert.match(problem, /line 1, column \d+: not valid JSON/);
  assert.equal(problem.match(/line/g).length, 1, problem);
  // ?theme=dark before the # counts.
  const dark = await openPage(browser, `${server.url}?theme=dark#/raft-election`);
  await dark.waitForSelector('.lab');
  assert.equal(await dark.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await dark.locator('[data-testid="problem"]').count(), 0);
  await close(page, dark);
});

test('bug 9: timeline labels are whole or absent, and overlapping bands do not overlap in a break-it run', async () => {
  const scenario = fs.readFileSync(path.join(ROOT, 'scenarios', 'raft-election-broken-votes.json'));
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await openPage(browser, LAB(), { viewport });
    await importFile(page, 'broken.json', scenario);
    await page.keyboard.press('End');
    await page.waitForSelector('.timeline .band');
    const report = await page.evaluate(() => {
      const bands = [...document.querySelectorAll('.timeline .band')];
      const cut = [];
      for (const band of bands) {
        for (const span of band.querySelectorAll('span')) {
          if (getComputedStyle(span).display !== 'none' && span.getBoundingClientRect().right > band.getBoundingClientRect().right + 0.5) {
            cut.push(span.textContent);
          }
        }
      }
      const overlaps = [];
      const boxes = bands.map((b) => ({ label: b.dataset.label, r: b.getBoundingClientRect() }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i].r, boxes[j].r];
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
            overlaps.push(`${boxes[i].label} / ${boxes[j].label}`);
          }
        }
      }
      return { cut, overlaps, count: bands.length };
    });
    assert.ok(report.count >= 2);
    assert.deepEqual(report.cut, [], `cut labels at ${viewport.width}px`);
    assert.deepEqual(report.overlaps, [], `overlapping bands at ${viewport.width}px`);
    await close(page);
  }
});

// ---------------------------------------------------------------- confusions

test('confusion 1 and 2: a keyboard-only split vote (Tab to the leader, X, then A) works every time and is hatched on the timeline', async () => {
  for (const delay of [150, 400]) {
    const page = await openPage(browser, LAB());
    const lead = await waitForLeader(page);
    // Tab until the leader has focus, as a keyboard user would.
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      await page.waitForTimeout(40);
      if (await page.evaluate((id) => document.activeElement?.dataset?.node === id, lead.id)) break;
    }
    assert.equal((await data(page)).selected, lead.id, 'the leader is selected by focus');
    await page.waitForTimeout(delay);
    await page.keyboard.press('x');
    assert.equal(await role(page, lead.id), 'down');
    await page.waitForTimeout(delay);
    await page.keyboard.press('a');
    // The log says what A did: if messages were on the wire, it waited for them, then aligned.
    assert.match(await logText(page), /Every election timer now fires at/);
    const notice = await page.locator('[data-testid="notice"]').count() ? await page.locator('[data-testid="notice"]').textContent() : '';
    const waited = notice.match(/A waited until \d+ ms for the \d+ messages? on the wire to land/);
    if (waited) assert.ok((await logText(page)).includes(waited[0]), 'the wait is in the log too');
    // Every follower stands at once, in one term, and nobody wins it.
    await page.waitForFunction(() => document.querySelectorAll('.node[data-role="candidate"]').length > 0, null, { timeout: 20000 });
    await pause(page);
    const terms = await page.locator('.node[data-role="candidate"]').evaluateAll((els) => els.map((e) => e.dataset.term));
    assert.equal(terms.length, 4, `delay ${delay}: all four stood at once`);
    assert.equal(new Set(terms).size, 1);
    await page.keyboard.press('Space');
    await waitForLeader(page, Number(terms[0]) + 1);
    const labels = await page.locator('.timeline .band.leaderless').evaluateAll((els) => els.map((e) => e.dataset.label));
    assert.ok(labels.includes(`term ${terms[0]}: split vote`), `labels: ${labels}`);
    await close(page);
  }
});

test('confusion 3: Step ▶ always shows the event it stepped, even a routine one', async () => {
  // After a long quiet stretch of heartbeats the log still shows what last mattered.
  const quiet = await openPage(browser, LAB('?t=60000'));
  await quiet.waitForSelector('.lab');
  assert.match(await logText(quiet), /became leader for term/);
  await close(quiet);
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await waitForLeader(page);
  await waitForTime(page, 1500);
  await pause(page);
  assert.equal(await page.locator('.event-log input[type="checkbox"]').isChecked(), false, 'routine lines hidden');
  for (let i = 0; i < 5; i++) {
    const events = await page.locator('[data-testid="events"]').textContent();
    await page.getByRole('button', { name: /Step forward/ }).click();
    assert.notEqual(await page.locator('[data-testid="events"]').textContent(), events);
    const stepped = page.locator('.event-log li.stepped');
    assert.ok(await stepped.count() >= 1, 'the stepped event is in the log');
    assert.match(await page.locator('.event-log li').first().getAttribute('class'), /stepped/, 'as the newest line');
  }
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelectorAll('.event-log li.stepped').length === 0);
  await close(page);
});

test('confusion 4: cluster, timeline and safety checks are in view together at 1280×900, and pausing moves nothing', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await waitForLeader(page);
  const boxes = () => page.evaluate(() => ['.cluster svg', '.timeline', '.invariants'].map((sel) => {
    const r = document.querySelector(sel).getBoundingClientRect();
    return { sel, top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left) };
  }));
  const playingBoxes = await boxes();
  for (const b of playingBoxes) {
    assert.ok(b.top >= 0 && b.bottom <= 900, `${b.sel} in view: ${JSON.stringify(b)}`);
  }
  await page.keyboard.press('Space');
  assert.equal(await playing(page), false);
  assert.deepEqual(await boxes(), playingBoxes, 'pausing moved nothing');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await boxes(), playingBoxes, 'stepping moved nothing');
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await close(page);
});

test('confusion 5: a break-it toggle shows a badge on the lab, with a way to fix it', async () => {
  const page = await openPage(browser, LAB());
  assert.equal(await page.locator('[data-testid="break-badge"]').count(), 0);
  await page.locator('.settings summary').click();
  await page.locator('.settings .break-it input').check();
  const badge = page.locator('[data-testid="break-badge"]');
  assert.ok(await badge.isVisible());
  assert.match(await badge.textContent(), /Broken on purpose: a server may vote twice in one term/);
  await page.locator('.settings summary').click(); // Settings closed: the badge stays
  assert.ok(await badge.isVisible());
  await badge.getByRole('button', { name: 'Fix it' }).click();
  assert.equal(await badge.count(), 0);
  assert.equal(await page.locator('.settings .break-it input').isChecked(), false);
  // The button went with the badge: the focus went to Play, not the page's top.
  assert.ok(await page.evaluate(() => document.activeElement.matches('.controls button.play')));
  await close(page);
});

test('confusion 6 and 7: on a phone the safety checks sit by the cluster, no key hints, and the legend keeps swatch and words together', async () => {
  const page = await openPage(browser, LAB(), { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await page.waitForSelector('.invariants');
  const gap = await page.evaluate(() => document.querySelector('.invariants').getBoundingClientRect().top
    - document.querySelector('.cluster').getBoundingClientRect().bottom);
  assert.ok(gap >= 0 && gap < 60, `safety checks right under the cluster (gap ${gap}px)`);
  assert.equal(await page.locator('.keys').isVisible(), false, 'no key hints on a touch-only device');
  const items = await page.locator('.legend-list li').evaluateAll((lis) => lis.map((li) => {
    const r = li.getBoundingClientRect();
    const s = li.querySelector('.key-swatch').getBoundingClientRect();
    return { text: li.textContent, height: r.height, swatchInside: s.top >= r.top - 1 && s.bottom <= r.bottom + 1 };
  }));
  assert.equal(items.length, 5);
  for (const item of items) {
    assert.ok(item.height < 28, `"${item.text}" is one line (${item.height}px)`);
    assert.ok(item.swatchInside, `"${item.text}" keeps its swatch`);
  }
  // With a mouse and keyboard, the key hints are there.
  const desk = await openPage(browser, LAB());
  await desk.waitForSelector('.keys');
  assert.ok(await desk.locator('.keys').isVisible());
  await close(page, desk);
});

test('confusion 8: export saves the current moment, and importing reopens there', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await node(page, lead.id).click();
  await page.keyboard.press('x');
  await waitForLeader(page, lead.term + 1);
  await pause(page);
  await page.locator('.controls .scrubber input').fill('700');
  const expected = await data(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /Export scenario/ }).click(),
  ]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(JSON.parse(text).at_ms, 700);
  const other = await openPage(browser, LAB());
  await other.waitForSelector('.lab');
  await importFile(other, 'saved.json', text);
  await other.waitForFunction(() => document.querySelector('.lab').dataset.now === '700');
  const got = await data(other);
  assert.equal(got.traceHash, expected.traceHash);
  assert.equal(got.playing, 'false');
  await close(page, other);
});

// ---------------------------------------------------------------- things to try, word for word

const tryItem = async (page, n) => page.locator('.experiments li').nth(n - 1).textContent();

test('Things to try 1: "Crash the leader. Click it to select it, then press X"', async () => {
  const page = await openPage(browser, LAB());
  assert.match(await tryItem(page, 1), /Click it to select it, then press X/);
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await node(page, lead.id).click();
  await page.keyboard.press('x');
  assert.equal(await role(page, lead.id), 'down');
  // "a follower's election timer runs out: it becomes a candidate for the next term and wins a majority"
  const fresh = await waitForLeader(page, lead.term + 1);
  assert.ok(fresh.term > lead.term, 'a later term');
  // Paused, as a learner would to read it (playing, the log catches up twice a second).
  // The winner's candidacy: after a split vote in the next term it is a later one, and
  // that split vote's sixty lines can push the first candidacy out of the log.
  await pause(page);
  assert.match(await page.locator('[data-testid="event-log"]').textContent(), new RegExp(`${fresh.id} became a candidate for term ${fresh.term}`));
  // "The timeline starts a new band."
  const bands = await page.locator('.timeline .band.leader').evaluateAll((els) => els.map((e) => e.dataset.label));
  assert.deepEqual(bands.slice(-2), [`${lead.id} · term ${lead.term}`, `${fresh.id} · term ${fresh.term}`]);
  await close(page);
});

test('Things to try 2: "Cut off two followers … Heal"', async () => {
  const page = await openPage(browser, LAB());
  assert.match(await tryItem(page, 2), /Partition… pick two followers, cut/);
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  const followers = (await page.locator('.node[data-role="follower"]').evaluateAll((els) => els.map((e) => e.dataset.node))).slice(0, 2);
  await page.getByRole('button', { name: 'Partition…' }).click();
  for (const id of followers) await node(page, id).click();
  await page.getByRole('button', { name: 'Cut off the picked nodes (2)' }).click();
  // "They keep timing out and raising their term, but 2 votes of 5 are never a majority."
  const cutAt = await now(page);
  await waitForTime(page, cutAt + 1500);
  const terms = await Promise.all(followers.map(async (id) => Number(await node(page, id).getAttribute('data-term'))));
  assert.ok(terms.every((t) => t > lead.term + 1), `raised terms: ${terms}`);
  for (const id of followers) assert.notEqual(await role(page, id), 'leader');
  assert.equal((await leader(page)).id, lead.id, 'the old leader keeps leading the majority');
  // "Heal: their higher term makes the old leader step down, and a new election follows."
  const highest = Math.max(...terms);
  await page.getByRole('button', { name: 'Heal the network' }).click();
  await pause(page);
  for (let i = 0; i < 400 && await role(page, lead.id) === 'leader'; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await role(page, lead.id), 'follower', 'the old leader stepped down');
  assert.ok(Number(await node(page, lead.id).getAttribute('data-term')) >= highest, 'into the higher term');
  await page.keyboard.press('Space');
  const fresh = await waitForLeader(page, highest);
  assert.ok(fresh.term >= highest);
  await close(page);
});

test('Things to try 3: "Force a split vote. Crash the leader, then press A"', async () => {
  const page = await openPage(browser, LAB());
  const lead = await waitForLeader(page);
  await node(page, lead.id).click();
  await page.keyboard.press('x');
  await page.keyboard.press('a');
  // "Every timer fires at once, everyone votes for itself, and nobody wins that term."
  await page.waitForFunction(() => document.querySelectorAll('.node[data-role="candidate"]').length > 0);
  const split = Number(await page.locator('.node[data-role="candidate"]').first().getAttribute('data-term'));
  assert.equal(await page.locator(`.node[data-role="candidate"][data-term="${split}"]`).count(), 4);
  // "Random timeouts break the tie in a later term."
  const fresh = await waitForLeader(page, split + 1);
  assert.ok(fresh.term > split);
  assert.equal(await page.locator(`.timeline .band.leaderless[data-label="term ${split}: split vote"]`).count(), 1);
  assert.doesNotMatch(await logText(page), new RegExp(`became leader for term ${split}\\b`));
  await close(page);
});

test('Things to try 4: "Break it. Settings → Break it, crash the leader, then press A … Click the violation"', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await page.locator('.settings summary').click();
  await page.locator('.settings .break-it input').check();
  const lead = await waitForLeader(page);
  await node(page, lead.id).click();
  await page.keyboard.press('x');
  await page.keyboard.press('a');
  // "two candidates can both win the same term: the safety check turns red"
  await page.waitForSelector('.invariants li.broken[data-invariant="Election Safety"]', { timeout: 20000 });
  assert.match(await page.locator('.invariants').textContent(), /both elected leader of term/);
  // "Click the violation to travel to it."
  const button = page.locator('.invariants li.broken button').first();
  const at = Number((await button.textContent()).match(/\d+/)[0]);
  await button.click();
  assert.equal(await now(page), at);
  assert.equal(await playing(page), false);
  assert.equal(await page.locator('.invariants li.broken[data-invariant="Election Safety"]').count(), 1);
  await close(page);
});

test('Things to try 5: "Cut one direction. Links: make the leader\'s link to one follower drop"', async () => {
  const page = await openPage(browser, LAB());
  // At 1×: the retries to the cut-off follower fill the log fast.
  await setSpeed(page, 0);
  const lead = await waitForLeader(page);
  const follower = await page.locator('.node[data-role="follower"]').first().getAttribute('data-node');
  await page.locator('.links summary').click();
  await page.locator(`[data-link="${lead.id}-${follower}"]`).click();
  assert.match(await page.locator(`[data-link="${lead.id}-${follower}"]`).getAttribute('aria-label'), /drops every message/);
  // "That follower hears nothing, times out and stands with a higher term"
  await page.waitForFunction(([id, term]) => {
    const el = document.querySelector(`.node[data-node="${id}"]`);
    return ['candidate', 'leader'].includes(el.dataset.role) && Number(el.dataset.term) > term;
  }, [follower, lead.term], { timeout: 20000 });
  // Paused at once: the leader's retries to the cut-off follower soon fill the log.
  await pause(page);
  assert.match(await logText(page), new RegExp(`${follower} became a candidate for term ${lead.term + 1}`));
  await page.keyboard.press('Space');
  // "and the leader must step down even though it was working."
  await page.waitForFunction(([id, term]) => {
    const el = document.querySelector(`.node[data-node="${id}"]`);
    return el.dataset.role !== 'leader' || Number(el.dataset.term) > term;
  }, [lead.id, lead.term], { timeout: 20000 });
  await close(page);
});
