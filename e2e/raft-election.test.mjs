// What a learner does in the Raft election lab, checked on the DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { ROOT, serveDist, launch, openPage, setSpeed, leader, waitForLeader } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = (query = '') => `${server.url}#/raft-election${query}`;

test('the guide page lists every lab, the unbuilt ones marked as coming', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForSelector('.landing');
  const ready = await page.locator('.sections li.ready a').allTextContents();
  for (const lab of ['Raft: leader election', 'Raft: log replication', 'Raft: safety', 'Paxos', 'Multi-Paxos', 'Raft vs Paxos', 'Why it is hard: partial failure', 'Consistency models']) {
    assert.ok(ready.includes(lab), `${lab} is ready: ${ready}`);
  }
  const coming = await page.locator('.sections li.coming').count();
  assert.ok(coming >= 9, `${coming} sections are coming`);
  assert.equal(ready.length + coming, await page.locator('.sections li').count(), 'every section is ready or coming');
  await page.locator('.sections li.ready a').first().click();
  await page.waitForSelector('.lab');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the lab loads without console errors and elects a leader', async () => {
  const page = await openPage(browser, LAB());
  await page.waitForSelector('.node');
  assert.equal(await page.locator('.node').count(), 5);
  await setSpeed(page, 0.5);
  const first = await waitForLeader(page);
  assert.ok(first.term >= 1);
  // The log says so in words, and the safety checks hold.
  await page.waitForFunction(() => document.querySelector('[data-testid="event-log"]').textContent.includes('became leader for term'));
  assert.equal(await page.locator('.invariants li.broken').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('selecting the leader and pressing X crashes it, and a new leader appears in a higher term', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const old = await waitForLeader(page);
  await page.locator(`.node[data-node="${old.id}"]`).click();
  await page.keyboard.press('x');
  assert.equal(await page.locator(`.node[data-node="${old.id}"]`).getAttribute('data-role'), 'down');
  const fresh = await waitForLeader(page, old.term + 1);
  assert.notEqual(fresh.id, old.id);
  assert.ok(fresh.term > old.term);
  // X on the crashed node restarts it from its disk, as a follower.
  await page.locator(`.node[data-node="${old.id}"]`).click();
  await page.keyboard.press('x');
  assert.equal(await page.locator(`.node[data-node="${old.id}"]`).getAttribute('data-role'), 'follower');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a partition made in the UI leaves the minority without a leader', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const old = await waitForLeader(page);
  const followers = (await page.locator('.node[data-role="follower"]').evaluateAll((els) => els.map((e) => e.dataset.node))).slice(0, 2);
  await page.getByRole('button', { name: 'Partition…' }).click();
  for (const id of followers) await page.locator(`.node[data-node="${id}"]`).click();
  await page.getByRole('button', { name: /Cut off the picked nodes \(2\)/ }).click();
  assert.ok(await page.locator('.link.cut').count() >= 6, 'the cut is drawn');
  // Let several election timeouts pass on the minority side.
  const start = Number(await page.locator('.lab').getAttribute('data-now'));
  await page.waitForFunction((t) => Number(document.querySelector('.lab').dataset.now) > t + 2500, start, { timeout: 30000 });
  for (const id of followers) {
    const role = await page.locator(`.node[data-node="${id}"]`).getAttribute('data-role');
    assert.notEqual(role, 'leader', `${id} on the minority side became leader`);
  }
  const majorityLeader = await leader(page);
  assert.ok(majorityLeader && !followers.includes(majorityLeader.id), 'the majority keeps a leader');
  // Heal: everyone ends up in one term with one leader.
  await page.getByRole('button', { name: 'Heal the network' }).click();
  assert.equal(await page.locator('.link.cut').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the share link reproduces the run at the same moment', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const first = await waitForLeader(page);
  await page.locator(`.node[data-node="${first.id}"]`).click();
  await page.keyboard.press('x'); // crash it: an action in the link
  await waitForLeader(page, first.term + 1);
  await page.keyboard.press('Space');
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'false');
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  assert.match(link, /#\/raft-election\?s=.+&t=\d+$/);
  const expected = await page.locator('.lab').evaluate((el) => ({ ...el.dataset }));

  const other = await openPage(browser, link);
  await other.waitForSelector('.lab');
  const got = await other.locator('.lab').evaluate((el) => ({ ...el.dataset }));
  assert.equal(got.traceHash, expected.traceHash);
  assert.equal(got.now, expected.now);
  assert.equal(got.leader, expected.leader);
  assert.equal(got.playing, 'false');
  assert.equal(await other.locator(`.node[data-node="${first.id}"]`).getAttribute('data-role'), 'down');
  assert.deepEqual([...page.errors, ...other.errors], []);
  await page.context().close();
  await other.context().close();
});

test('the browser shows the same trace hash as the CLI for a scenario', async () => {
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  assert.ok(fs.existsSync(cli), 'build the CLI first: cargo build --release -p distviz-core');
  for (const name of ['raft-election-leader-crash.json', 'raft-election-partition.json']) {
    const file = path.join(ROOT, 'scenarios', name);
    const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
    const param = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
    const page = await openPage(browser, `${server.url}#/raft-election?s=${param}&t=${report.end_ms}`);
    await page.waitForSelector('.lab');
    assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), report.trace_hash, name);
    assert.equal(await page.locator('[data-testid="trace-hash"]').textContent(), report.trace_hash);
    assert.equal(Number(await page.locator('[data-testid="events"]').textContent()), report.events);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('embed mode shows only the lab and tells the parent its height', async () => {
  const page = await openPage(browser, `${server.url}guide-example.html`);
  const frame = page.frameLocator('iframe');
  await frame.locator('.lab').waitFor();
  assert.equal(await frame.locator('header.site').count(), 0);
  assert.equal(await frame.locator('h1').count(), 0);
  assert.equal(await frame.locator('footer.site').count(), 0);
  // The loader sized the iframe from the lab's postMessage.
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) !== 640);
  const direct = await openPage(browser, `${server.url}#/raft-election?embed=1&controls=0&theme=dark`);
  await direct.waitForSelector('.lab');
  assert.equal(await direct.locator('.controls.minimal').count(), 1);
  assert.equal(await direct.locator('html').getAttribute('data-theme'), 'dark');
  assert.deepEqual([...page.errors, ...direct.errors], []);
  await page.context().close();
  await direct.context().close();
});

test('stepping, scrubbing back and the keyboard drive the same simulation', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await waitForLeader(page);
  await page.keyboard.press('Space');
  const lab = page.locator('.lab');
  const events = async () => Number(await page.locator('[data-testid="events"]').textContent());
  const before = await events();
  await page.getByRole('button', { name: /Step forward/ }).click();
  await page.getByRole('button', { name: /Step forward/ }).click();
  assert.ok(await events() > before);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await events(), before);
  // Scrub to the start: no leader yet, everyone in term 0.
  await page.locator('.controls .scrubber input').fill('0');
  assert.equal(await lab.getAttribute('data-now'), '0');
  assert.equal(await page.locator('.node[data-term="0"]').count(), 5);
  // Back to the end, select a follower and press T: it stands for election.
  await page.keyboard.press('End');
  const follower = await page.locator('.node[data-role="follower"]').first().getAttribute('data-node');
  await page.locator(`.node[data-node="${follower}"]`).focus();
  await page.keyboard.press('t');
  assert.equal(await page.locator(`.node[data-node="${follower}"]`).getAttribute('data-role'), 'candidate');
  assert.match(await page.locator('[data-testid="inspector"]').textContent(), /candidate/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a message can be inspected and dropped', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, -1);
  await waitForLeader(page);
  await page.keyboard.press('Space');
  // Step until a message is in flight, then open it.
  for (let i = 0; i < 50 && await page.locator('.message').count() === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  // The last one is drawn on top: no other message covers it.
  const message = page.locator('.message').last();
  const id = await message.getAttribute('data-message-id');
  await message.click();
  await page.waitForSelector('[data-testid="message-panel"]');
  assert.match(await page.locator('[data-testid="message-panel"]').textContent(), /term/);
  await page.getByRole('button', { name: 'Drop it' }).click();
  assert.equal(await page.locator(`.message[data-message-id="${id}"]`).count(), 0);
  // The panel closed with the focus in it: the focus goes back to the messages on the wire.
  await page.waitForFunction(() => document.activeElement?.closest('.in-flight'));
  assert.match(await page.locator('[data-testid="event-log"]').textContent(), new RegExp(`#${id} .*you dropped it`));
  await page.context().close();
});

test('bad links and files explain themselves and lose nothing', async () => {
  const page = await openPage(browser, `${server.url}#/raft-election?s=garbage!!&t=soon`);
  await page.waitForSelector('[data-testid="problem"]');
  const problem = await page.locator('[data-testid="problem"]').textContent();
  assert.match(problem, /t: "soon" is not a time/);
  assert.match(problem, /link's scenario could not be used/);
  assert.equal(await page.locator('.node').count(), 5, 'a fresh lab is there anyway');

  await page.locator('[data-testid="problem"] button').click();
  await page.keyboard.press('Space');
  const hashBefore = await page.locator('.lab').getAttribute('data-trace-hash');
  const bad = JSON.stringify({ version: 1, lab: 'raft-election', nodes: 5, actions: [{ at_ms: 5, do: 'crash', node: 'S7' }] });
  await page.locator('[data-testid="import"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await page.waitForSelector('[data-testid="problem"]');
  assert.match(await page.locator('[data-testid="problem"]').textContent(),
    /bad\.json was not loaded: actions\[0\]\.node: node S7 does not exist in a 5-node cluster/);
  assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), hashBefore, 'the current run is unchanged');

  const good = fs.readFileSync(path.join(ROOT, 'scenarios', 'raft-election-leader-crash.json'));
  await page.locator('[data-testid="import"]').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: good });
  await page.waitForFunction(() => !document.querySelector('[data-testid="problem"]'));

  const missing = await openPage(browser, `${server.url}#/no-such-lab`);
  await missing.waitForSelector('.not-found');
  assert.equal(await missing.locator('[data-testid="did-you-mean"]').count(), 0, 'nothing is close to it');
  const typo = await openPage(browser, `${server.url}#/raft-electoin`);
  await typo.locator('[data-testid="did-you-mean"]').click();
  await typo.waitForSelector('.lab .node');
  assert.equal(await typo.locator('.node').count(), 5, 'the suggestion opens the lab');
  await typo.context().close();
  assert.deepEqual([...page.errors, ...missing.errors], []);
  await page.context().close();
  await missing.context().close();
});

test('the break-it toggle lets the learner watch Election Safety fail', async () => {
  const scenario = fs.readFileSync(path.join(ROOT, 'scenarios', 'raft-election-broken-votes.json'));
  const page = await openPage(browser, LAB());
  await page.locator('[data-testid="import"]').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: scenario });
  await page.keyboard.press('End');
  await page.waitForSelector('.invariants li.broken[data-invariant="Election Safety"]');
  assert.match(await page.locator('.invariants').textContent(), /both elected leader of term/);
  assert.ok(await page.getByLabel(/Break it: let a server vote/).isChecked());
  await page.context().close();
});

test('a panic shows an error panel with a way out, not a frozen page', async () => {
  const page = await openPage(browser, `${server.url}#/selftest/panic`);
  await page.waitForSelector('.panic-panel[role="alert"]');
  assert.match(await page.locator('.panic-panel pre').textContent(), /panics on purpose/);
  await page.getByRole('button', { name: 'Back to the guide' }).click();
  await page.waitForSelector('.landing');
  await page.context().close();
});

test('the same seed gives the same run, another seed another run', async () => {
  const page = await openPage(browser, LAB());
  const hashAt500 = async (seed) => {
    await page.locator('.controls .seed input').fill(String(seed));
    await page.locator('.controls .seed input').press('Enter');
    await page.locator('.controls .seed input').blur();
    if (await page.locator('.lab').getAttribute('data-playing') === 'false') {
      await page.getByRole('button', { name: /Play/ }).click();
    }
    await setSpeed(page, 0.5);
    await page.waitForFunction(() => Number(document.querySelector('.lab').dataset.now) > 600);
    await page.locator('.controls .scrubber input').fill('500');
    assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'false');
    return page.locator('.lab').getAttribute('data-trace-hash');
  };
  const five = await hashAt500(5);
  const six = await hashAt500(6);
  assert.notEqual(five, six);
  assert.equal(await hashAt500(5), five);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the timeline shows who led when and travels on click', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const first = await waitForLeader(page);
  await page.locator(`.node[data-node="${first.id}"]`).click();
  await page.keyboard.press('x');
  await waitForLeader(page, first.term + 1);
  const bands = await page.locator('.timeline .band.leader').evaluateAll((els) => els.map((e) => e.dataset.label));
  assert.ok(bands.length >= 2, `bands: ${bands}`);
  assert.equal(bands[0], `${first.id} · term ${first.term}`);
  assert.equal(await page.locator('.timeline .mark.action').count(), 1, 'the crash is marked');
  const box = await page.locator('.timeline').boundingBox();
  await page.mouse.click(box.x + 2, box.y + box.height / 2);
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'false');
  assert.ok(Number(await page.locator('.lab').getAttribute('data-now')) < 100);
  assert.equal(await page.locator('.node[data-role="down"]').count(), 0, 'before the crash');
  await page.context().close();
});

test('reduced motion and a dark colour scheme are honoured', async () => {
  const page = await openPage(browser, LAB(), { reducedMotion: 'reduce', colorScheme: 'dark' });
  await page.waitForSelector('.lab');
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'false', 'nothing moves until asked');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.lab').getAttribute('data-now'), '0');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(18, 21, 28)');
  // Stepping still works, one event at a time.
  await page.getByRole('button', { name: /Step forward/ }).click();
  assert.ok(Number(await page.locator('[data-testid="events"]').textContent()) > 10);
  await page.context().close();
});

test('one direction of a link can drop or hold messages, from the link grid', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  const follower = await page.locator('.node[data-role="follower"]').first().getAttribute('data-node');
  await page.locator('.links summary').click();
  const cell = page.locator(`[data-link="${lead.id}-${follower}"]`);
  await cell.click(); // drops
  assert.match(await cell.getAttribute('aria-label'), /drops every message/);
  await cell.click(); // holds
  assert.match(await cell.getAttribute('aria-label'), /holds every message/);
  assert.equal(await page.locator('.link-fault.hold').count(), 1, 'the held direction is drawn');
  assert.match(await page.locator('[data-testid="event-log"]').textContent(), new RegExp(`link ${lead.id}→${follower} now holds every message`));
  // Heartbeats pile up on the held link, drawn paused.
  await page.waitForSelector('.message.held');
  await cell.click(); // works again: the held messages go on
  assert.equal(await page.locator('.link-fault').count(), 0);
  await page.waitForFunction(() => document.querySelectorAll('.message.held').length === 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a tap on a touch screen selects a node, and a tap on Crash crashes it', async () => {
  const page = await openPage(browser, LAB(), { hasTouch: true, isMobile: true, viewport: { width: 400, height: 850 } });
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await page.locator(`.node[data-node="${lead.id}"]`).tap();
  assert.equal(await page.locator('.lab').getAttribute('data-selected'), lead.id);
  await page.getByRole('button', { name: `✕ Crash ${lead.id} (X)` }).tap();
  assert.equal(await page.locator(`.node[data-node="${lead.id}"]`).getAttribute('data-role'), 'down');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('R restarts the leader and A aligns the timers into a split vote', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await page.keyboard.press('Space');
  await page.keyboard.press('r');
  const log = await page.locator('[data-testid="event-log"]').textContent();
  assert.match(log, new RegExp(`${lead.id} crashed`));
  assert.match(log, new RegExp(`${lead.id} restarted from its disk`));
  assert.equal(await page.locator(`.node[data-node="${lead.id}"]`).getAttribute('data-role'), 'follower');
  // With no leader, aligned timers fire together: several candidates stand in one term.
  // First let the old leader's last heartbeats land: each one resets a follower's timer.
  for (let i = 0; i < 200 && await page.locator('.message').count() > 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await page.keyboard.press('a');
  assert.match(await page.locator('[data-testid="event-log"]').textContent(), /Every election timer now fires at/);
  let candidates = 0;
  for (let i = 0; i < 40 && candidates < 2; i++) {
    await page.keyboard.press('ArrowRight');
    candidates = await page.locator('.node[data-role="candidate"]').count();
  }
  assert.ok(candidates >= 2, 'aligned timers made several candidates at once');
  const terms = await page.locator('.node[data-role="candidate"]').evaluateAll((els) => els.map((e) => e.dataset.term));
  assert.equal(new Set(terms).size, 1, 'all in the same term: a split vote');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('exporting saves the scenario with every action; acting in the past forks the future', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  const lead = await waitForLeader(page);
  await page.locator(`.node[data-node="${lead.id}"]`).click();
  await page.keyboard.press('x');
  await waitForLeader(page, lead.term + 1);
  await page.keyboard.press('Space');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /Export scenario/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^distviz-raft-election-seed1\.json$/);
  const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(file.version, 2);
  assert.deepEqual(file.actions.map((a) => [a.do, a.node]), [['crash', lead.id]]);
  const horizon = Number(await page.locator('.controls .scrubber input').getAttribute('max'));
  assert.equal(file.duration_ms, horizon);

  // Travel back to before the crash and restart a different node: the crash is gone from the future.
  const crashAt = file.actions[0].at_ms;
  await page.locator('.controls .scrubber input').fill(String(crashAt - 50));
  assert.equal(await page.locator(`.node[data-node="${lead.id}"]`).getAttribute('data-role'), 'leader');
  const other = await page.locator('.node[data-role="follower"]').first().getAttribute('data-node');
  await page.locator(`.node[data-node="${other}"]`).click();
  await page.keyboard.press('x');
  assert.equal(Number(await page.locator('.controls .scrubber input').getAttribute('max')), crashAt - 50, 'the future after now is dropped');
  assert.equal(await page.locator('.timeline .mark.action').count(), 1, 'only the new action remains');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('while playing, timer rings and moving messages are drawn on one canvas, each in its look; paused, each message is a named picture with its own target', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, -1);
  await waitForLeader(page);
  // Playing (about five messages are made each frame at 1×): the canvas of
  // moving parts draws them, and names them in data-dots for tests.
  await page.waitForFunction(() => document.querySelector('canvas.moving-parts')?.dataset.dots);
  // Read in one go, so the pixels and data-dots are of one frame.
  const drawn = await page.evaluate(() => {
    const canvas = document.querySelector('canvas.moving-parts');
    const scale = canvas.width / 400;
    const ctx = canvas.getContext('2d');
    const pixel = (x, y) => [...ctx.getImageData(Math.round((x + 200) * scale), Math.round((y + 200) * scale), 1, 1).data];
    const rgb = (css) => css.match(/[\d.]+/g).slice(0, 3).map(Number);
    const dots = canvas.dataset.dots.split(';').map((d) => { const [kind, x, y] = d.split(' '); return { kind, x: Number(x), y: Number(y) }; });
    // A dot clear of every other dot and trail shows its kind's fill at its centre.
    const clear = dots.filter((d) => dots.every((o) => o === d || Math.hypot(o.x - d.x, o.y - d.y) > 30));
    const fills = clear.map((d) => ({
      kind: d.kind,
      at: pixel(d.x, d.y),
      fill: rgb(getComputedStyle(document.querySelector(`.flying .fly.${d.kind} .dot`)).fill),
    }));
    // A follower's ring starts at the top of its node, in the ring's colour.
    const ringColour = rgb(getComputedStyle(document.querySelector('.flying .timer')).stroke);
    const rings = [...document.querySelectorAll('.node[data-role="follower"]')].map((node) => {
      const [x, y] = node.getAttribute('transform').match(/-?[\d.]+/g).map(Number);
      const r = Number(node.querySelector('.body').getAttribute('r')) + 6;
      return pixel(x + r * Math.sin(0.05), y - r * Math.cos(0.05));
    });
    // The canvas lies over the nodes but takes no clicks: a node's middle is the node's.
    const body = document.querySelector('.node .body').getBoundingClientRect();
    const under = document.elementFromPoint(body.x + body.width / 2, body.y + body.height / 2);
    return {
      clickThrough: getComputedStyle(document.querySelector('foreignObject.moving-parts')).pointerEvents === 'none'
        && Boolean(under?.closest('.node')),
      hidden: document.querySelector('foreignObject.moving-parts').getAttribute('aria-hidden'),
      own: document.querySelectorAll('.messages > .message:not(.held)').length,
      count: dots.length, fills, rings, ringColour,
    };
  });
  assert.equal(drawn.hidden, 'true', 'gone before it could be read: not named');
  assert.ok(drawn.clickThrough, 'a click on a node reaches the node');
  assert.equal(drawn.own, 0, 'no moving message has elements of its own');
  assert.ok(drawn.count > 0);
  const near = (a, b) => b.every((v, i) => Math.abs(v - a[i]) <= 3);
  assert.ok(drawn.fills.length > 0, 'a dot clear of the others');
  for (const f of drawn.fills) assert.ok(near(f.at, f.fill) && f.at[3] === 255, `${f.kind}: ${f.at} is its fill ${f.fill}`);
  // (A message may be passing over one: the ring is under the messages.)
  assert.ok(drawn.rings.some((p) => near(p, drawn.ringColour) && Math.abs(p[3] - 0.6 * 255) < 15),
    `a follower's ring is drawn in its colour ${drawn.ringColour}, at its opacity: ${JSON.stringify(drawn.rings)}`);
  // Paused: each message is a picture named by what it carries, with a target,
  // and its dot looks as the canvas drew its kind (from the same style sheet).
  await page.keyboard.press('Space');
  for (let i = 0; i < 50 && await page.locator('.message').count() === 0; i++) await page.keyboard.press('ArrowRight');
  const still = await page.locator('.message').evaluateAll((ms) => ms.map((m) => {
    const look = (dot) => { const s = getComputedStyle(dot); return [s.fill, s.stroke, s.r, s.strokeWidth].join(' '); };
    const kind = [...m.classList].find((c) => c !== 'message' && c !== 'held' && c !== 'selected');
    const probe = document.querySelector(`.flying .fly.${kind} .dot`);
    return {
      role: m.getAttribute('role'), label: m.getAttribute('aria-label') ?? '', hit: m.querySelectorAll('.hit').length,
      dot: look(m.querySelector('.dot')), layerDot: probe ? look(probe) : null,
    };
  }));
  assert.ok(still.length > 0);
  for (const m of still) {
    assert.equal(m.role, 'img');
    assert.match(m.label, /^Message #\d+: /);
    assert.equal(m.hit, 1);
    if (m.layerDot) assert.equal(m.layerDot, m.dot, 'the canvas draws a kind as its dot is styled');
  }
  assert.ok(still.some((m) => m.layerDot), 'a kind seen while playing is still styled the same');
  assert.equal(await page.locator('canvas.moving-parts').getAttribute('data-dots'), '', 'paused, nothing flies on the canvas');
  // Paused, the theme changes (the system's, then `theme=`): the rings are
  // drawn again in its colours.
  const ringInItsColour = () => {
    const canvas = document.querySelector('canvas.moving-parts');
    const scale = canvas.width / 400;
    const colour = getComputedStyle(document.querySelector('.flying .timer')).stroke.match(/[\d.]+/g).slice(0, 3).map(Number);
    return [...document.querySelectorAll('.node[data-role="follower"]')].some((node) => {
      const [x, y] = node.getAttribute('transform').match(/-?[\d.]+/g).map(Number);
      const r = Number(node.querySelector('.body').getAttribute('r')) + 6;
      const at = [x + r * Math.sin(0.05), y - r * Math.cos(0.05)].map((v) => Math.round((v + 200) * scale));
      const p = canvas.getContext('2d').getImageData(at[0], at[1], 1, 1).data;
      return p[3] > 0 && colour.every((c, i) => Math.abs(c - p[i]) <= 3);
    });
  };
  const ringColour = () => page.evaluate(() => getComputedStyle(document.querySelector('.flying .timer')).stroke);
  const light = await ringColour();
  assert.ok(await page.evaluate(ringInItsColour), 'a ring in the light colour');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction((before) => getComputedStyle(document.querySelector('.flying .timer')).stroke !== before, light);
  await page.waitForFunction(ringInItsColour);
  // The address chooses light over the system's dark; the run stays, paused.
  const now = await page.locator('.lab').getAttribute('data-now');
  await page.evaluate(() => { location.hash = `${location.hash.split('?')[0]}?theme=light`; });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await ringColour(), light);
  await page.waitForFunction(ringInItsColour);
  assert.equal(await page.locator('.lab').getAttribute('data-now'), now, 'the same moment of the same run');
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'false');
  await page.context().close();
});

test('what changes every frame is laid out on its own, never the whole page', async () => {
  const page = await openPage(browser, LAB());
  await page.waitForSelector('[data-testid="event-log"]');
  // A box with size and layout containment is a relayout boundary, unless
  // it is a flex or grid item (Chromium lays those out with their container).
  const boxes = await page.evaluate(() => [
    '[data-testid="time"]', '.scrubber input', '.timeline', '[data-testid="events"] .live',
    '[data-testid="trace-hash"] .live', '[data-testid="event-log"]',
  ].map((selector) => {
    const el = document.querySelector(selector);
    const contain = getComputedStyle(el).contain;
    const parent = getComputedStyle(el.parentElement).display;
    return { selector, size: /size|strict/.test(contain), layout: /layout|strict|content/.test(contain), parent };
  }));
  for (const box of boxes) {
    assert.ok(box.size && box.layout, `${box.selector}: size and layout containment`);
    assert.doesNotMatch(box.parent, /flex|grid/, `${box.selector}: its parent lays it out as a ${box.parent} item`);
  }
  // Contained, the run's facts still read whole.
  assert.match(await page.locator('[data-testid="trace-hash"]').textContent(), /^[0-9a-f]{16}$/);
  await page.context().close();
});

test('while paused, the messages on the wire can be opened from the keyboard', async () => {
  const page = await openPage(browser, LAB());
  await setSpeed(page, 0.5);
  await waitForLeader(page);
  await page.keyboard.press('Space');
  for (let i = 0; i < 50 && await page.locator('.in-flight li').count() === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  const first = page.locator('.in-flight li button').first();
  const label = await first.textContent();
  const id = label.match(/#(\d+)/)[1];
  assert.equal(await page.locator('.message').count(), await page.locator('.in-flight li').count());
  await first.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="message-panel"]');
  assert.equal(await page.locator('#msg-title').textContent(), `Message #${id}`);
  assert.ok(await page.evaluate(() => document.activeElement?.dataset.testid === 'message-panel'), 'the panel takes the focus');
  // A click on a message in the cluster opens it too, focused, without scrolling the page away.
  await page.locator('.message-panel .close').click();
  await page.waitForSelector('[data-testid="message-panel"]', { state: 'detached' });
  await page.setViewportSize({ width: 1280, height: 480 });
  await page.locator('.cluster svg').evaluate((svg) => svg.scrollIntoView({ block: 'end' }));
  // A message whose dot no other message covers (hit circles overlap).
  const dot = await page.evaluate(() => {
    for (const m of document.querySelectorAll('.cluster .message')) {
      const r = m.querySelector('.dot').getBoundingClientRect();
      const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
      if (y > 0 && y < innerHeight && document.elementFromPoint(x, y)?.closest('.message') === m) {
        return { id: m.dataset.messageId, role: m.getAttribute('role'), x, y };
      }
    }
    return null;
  });
  assert.ok(dot, 'a message in view');
  assert.equal(dot.role, 'img', 'a picture with a name; the list is the keyboard\'s way');
  const scrolled = await page.evaluate(() => window.scrollY);
  await page.mouse.click(dot.x, dot.y);
  await page.waitForFunction((n) => document.querySelector('#msg-title')?.textContent === `Message #${n}`, dot.id);
  assert.ok(await page.evaluate(() => {
    const r = document.querySelector('[data-testid="message-panel"]').getBoundingClientRect();
    return r.bottom > innerHeight || r.top < 0;
  }), 'the panel opens out of view');
  assert.equal(await page.evaluate(() => window.scrollY), scrolled);
  assert.ok(await page.evaluate(() => document.activeElement?.dataset.testid === 'message-panel'));
  // Playing again empties the list (it would change every frame) and says to pause.
  await page.keyboard.press('Escape');
  await page.locator('h1').click();
  await page.keyboard.press('Space');
  assert.equal(await page.locator('.in-flight li').count(), 0);
  assert.match(await page.locator('.in-flight').textContent(), /Pause \(Space\) to list/);
  await page.context().close();
});

test('a far time computes in slices with its progress, and Stop here keeps what is computed', async () => {
  const page = await openPage(browser, LAB('?t=3600000'));
  // Waiting for the banner to go would pass before it first shows: wait for the time reached.
  await page.waitForFunction(() => document.querySelector('[data-testid="time"]')?.textContent === '3600.000 s'
    && !document.querySelector('[data-testid="computing"]'), null, { timeout: 60000 });
  assert.match(await page.locator('[data-testid="timeline-caption"]').textContent(), /who led each term/);
  const day = await openPage(browser, LAB('?t=86400000'));
  await day.waitForSelector('[data-testid="computing"]');
  assert.match(await day.locator('[data-testid="computing"]').textContent(), /Computing the run up to 24 h 0 min… \d+%/);
  await day.getByRole('button', { name: 'Stop here' }).click();
  assert.equal(await day.locator('[data-testid="computing"]').count(), 0);
  const stopped = await day.locator('[data-testid="time"]').textContent();
  await day.waitForTimeout(300);
  assert.equal(await day.locator('[data-testid="time"]').textContent(), stopped, 'it goes no further');
  assert.deepEqual([...page.errors, ...day.errors], []);
  await page.context().close();
  await day.context().close();
});
