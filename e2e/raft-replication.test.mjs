// What a learner does in the Raft log replication lab, checked on the DOM:
// requests commit everywhere, a crashed follower catches up, a stale
// leader's entry is rolled back (and the lab says why it never committed),
// Figure 8's bug lights the safety panel, and "Find a counterexample"
// loads a failing run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, setSpeed, setWorkload, waitForLeader } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

const LAB = '#/raft-replication';
const stores = (page) => page.locator('.log-row .store').allTextContents();
const answered = async (page) => Number((await page.locator('.node[data-node="C1"]').getAttribute('aria-label')).match(/(\d+) answered/)[1]);

async function open(hash = LAB) {
  const page = await openPage(browser, `${server.url}${hash}`);
  await page.waitForSelector('.lab.raft-replication .node');
  return page;
}

async function pause(page) {
  if (await page.locator('.lab').getAttribute('data-playing') === 'true') await page.keyboard.press('Space');
}

async function play(page) {
  await setSpeed(page, 0);
  if (await page.locator('.lab').getAttribute('data-playing') === 'false') await page.keyboard.press('Space');
}

// While the run plays, the logs panel waits as long as it is out of sight
// (out_of_sight.rs): a learner watching the logs has scrolled to them.
async function watchLogs(page) {
  await page.locator('.panel.logs').scrollIntoViewIfNeeded();
}

async function load(page, file) {
  const before = await page.locator('.lab').getAttribute('data-trace-hash');
  await page.locator(`.experiments button[data-scenario="${file}"]`).click();
  await page.waitForFunction((h) => document.querySelector('.lab').dataset.traceHash !== h, before);
  await pause(page);
}

async function seek(page, ms) {
  await page.locator('.controls .scrubber input').fill(String(ms));
  await page.waitForFunction((t) => Number(document.querySelector('.lab').dataset.now) >= t - 1, ms);
}

test('the guide links the lab; C sends requests that commit on every server', async () => {
  const page = await openPage(browser, server.url);
  await page.locator('.sections li.ready a', { hasText: 'Raft: log replication' }).click();
  await page.waitForSelector('.lab.raft-replication .node');
  await play(page);
  await waitForLeader(page);
  for (let i = 1; i <= 3; i++) {
    await page.keyboard.press('c');
    await page.waitForFunction((n) => /(\d+) answered/.test(document.querySelector('.node[data-node="C1"]').getAttribute('aria-label'))
      && Number(document.querySelector('.node[data-node="C1"]').getAttribute('aria-label').match(/(\d+) answered/)[1]) >= n, i, { timeout: 20000 });
  }
  // Every server applied the same commands: the stores agree.
  await watchLogs(page);
  await page.waitForFunction(() => {
    const s = [...document.querySelectorAll('.log-row .store')].map((e) => e.textContent);
    return s.length === 5 && s.every((t) => t === s[0] && t !== 'empty');
  }, null, { timeout: 20000 });
  assert.ok(await page.locator('.log-row .entry.committed').count() >= 5 * 4, 'a no-op and three requests on five servers');
  assert.equal(await page.locator('.invariants li.broken').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('a crashed follower misses entries and catches up after its restart', async () => {
  const page = await open();
  await play(page);
  const lead = await waitForLeader(page);
  const follower = ['S1', 'S2', 'S3', 'S4', 'S5'].find((s) => s !== lead.id);
  await page.locator(`.node[data-node="${follower}"]`).click();
  await page.keyboard.press('x');
  await watchLogs(page);
  await page.waitForSelector(`.log-row.down`);
  for (let i = 1; i <= 2; i++) {
    await page.keyboard.press('c');
    await page.waitForFunction((n) => Number(document.querySelector('.node[data-node="C1"]').getAttribute('aria-label').match(/(\d+) answered/)[1]) >= n, i, { timeout: 20000 });
  }
  await page.locator(`.node[data-node="${follower}"]`).click();
  await page.keyboard.press('x');
  await watchLogs(page);
  // Restarted, it rebuilds its commitIndex and store from the leader.
  await page.waitForFunction(() => {
    const same = (sel) => {
      const s = [...document.querySelectorAll(sel)].map((e) => e.textContent);
      return s.length === 5 && s.every((t) => t === s[0]);
    };
    return same('.log-row .store') && same('.log-row .commit');
  }, null, { timeout: 20000 });
  assert.equal(await page.locator('.log-row.down').count(), 0);
  assert.equal(await page.locator('.invariants li.broken').count(), 0);
});

test('a stale leader\'s entry is explained, then rolled back on heal', async () => {
  const page = await open();
  await load(page, 'raft-replication-stale-leader.json');
  await seek(page, 3000);
  // S3's last entry is dashed (not committed): ask why.
  const stale = page.locator('.log-row').filter({ hasText: 'S3' }).locator('.entry:not(.committed)').last();
  const look = () => stale.evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderTopStyle].join(' '));
  const unpicked = await look();
  await stale.click();
  assert.equal(await stale.getAttribute('aria-pressed'), 'true');
  assert.equal(await look(), unpicked, 'picked, it keeps its term colour and its dashes');
  const why = await page.locator('[data-testid="why"]').textContent();
  assert.match(why, /^S3 still acts as leader of term 1, but it reaches only S3 \(1 of the 5 in its configuration; a majority is 3 of 5\)/);
  assert.match(why, /is not on the leader, S1 \(term 2\)/);
  // The answer opens under the strips, brought into view.
  assert.ok(await page.locator('.panel.why').evaluate((p) => p.getBoundingClientRect().bottom <= innerHeight + 1
    && p.getBoundingClientRect().top >= 0), 'the answer is in view');
  await page.keyboard.press('End');
  await page.waitForFunction(() => /dropped entry/.test(document.querySelector('[data-testid="event-log"]').textContent));
  const s = await stores(page);
  assert.ok(s.every((t) => t === 'x=1'), s.join(' | '));
  // The pick names S3's entry 2 of term 1: rolled back, the answer says so
  // before it answers for the entry now at that index.
  assert.match(await page.locator('[data-testid="why"]').textContent(),
    /^The entry you picked, S3's entry 2 of term 1, is not in its log at this moment: an entry of term 2 stands there\. Now: Entry 2 \(term 2/);
});

test('Figure 8 with the bug lights the safety panel; the right rule keeps it green', async () => {
  const page = await open();
  await load(page, 'raft-replication-figure-8.json');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.now === '1500');
  assert.equal(await page.locator('.invariants li.broken').count(), 0);
  // (e): C1's write, committed through an entry of S1's own term, is in every store.
  assert.deepEqual((await stores(page)).slice(1), ['x=4', 'x=4', 'x=4', 'x=4']);
  await load(page, 'raft-replication-figure-8-bug.json');
  await page.keyboard.press('End');
  await page.waitForSelector('.invariants li.broken[data-invariant="Leader Completeness"]');
  await page.waitForSelector('.invariants li.broken[data-invariant="State Machine Safety"]');
  assert.ok(await page.locator('[data-testid="break-badge"]').isVisible());
  // The harm shows in the stores: the followers applied S1's entry 2, S5 its own.
  await page.waitForFunction(() => document.querySelector('.lab').dataset.now === '1200');
  assert.deepEqual((await stores(page)).slice(1), ['x=2', 'x=2', 'x=2', 'x=3']);
  // Travelling to the first violation keeps the later ones in reach.
  await page.locator('.invariants li[data-invariant="Leader Completeness"] li button').first().click();
  await page.waitForFunction(() => document.querySelector('.lab').dataset.now === '510');
  const sms = page.locator('.invariants li[data-invariant="State Machine Safety"]');
  assert.equal(await sms.getAttribute('class'), 'holds');
  assert.match(await sms.locator('.later').textContent(), /^Holds so far; breaks later in this run: +at 587 ms/);
  await sms.locator('.later button').first().click();
  await page.waitForFunction(() => document.querySelector('.lab').dataset.now === '587');
  assert.equal(await sms.getAttribute('class'), 'broken');
});

test('Find a counterexample with a rule broken loads a failing run, paused at the violation', async () => {
  const page = await open();
  await page.locator('details.settings summary').click();
  await page.locator('[data-testid="break_vote_without_log_check"]').check();
  await page.waitForSelector('[data-testid="break-badge"]');
  await page.locator('[data-testid="find"] button', { hasText: 'Find a counterexample' }).click();
  await page.waitForFunction(() => /Loaded, paused at the violation/.test(document.querySelector('[data-testid="find-status"]')?.textContent ?? ''), null, { timeout: 60000 });
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'false');
  await page.waitForSelector('.invariants li.broken');
  assert.deepEqual(page.errors, []);
});

test('add a server: it catches up without a vote, then joins; remove one, and it leaves', async () => {
  const page = await open();
  // All five in the cluster: no server to add, and the picker says so.
  assert.deepEqual(await page.locator('[data-testid="add-choice"] option').allTextContents(), ['none']);
  assert.equal(await page.locator('[data-testid="add-choice"]').isDisabled(), true);
  await page.locator('details.settings summary').click();
  await page.locator('[data-testid="members"]').selectOption('3');
  await page.waitForFunction(() => /outside/.test(document.querySelector('.node[data-node="S4"]')?.getAttribute('aria-label') ?? ''));
  await page.locator('details.settings summary').click();
  await play(page);
  await page.waitForFunction(() => /configuration S1–S3/.test(document.querySelector('[data-testid="membership-status"]')?.textContent ?? ''), null, { timeout: 20000 });
  // S4 and S5 wait outside; the choice starts at S4.
  assert.deepEqual(await page.locator('[data-testid="add-choice"] option').allTextContents(), ['S4', 'S5']);
  assert.equal((await page.locator('[data-testid="add-server"]').textContent()).trim(), '+ Add S4');
  await page.locator('[data-testid="add-server"]').click();
  // The configuration S1–S4 commits, and S4 uses it too.
  await page.waitForFunction(() => /configuration S1–S4\.$/.test(document.querySelector('[data-testid="membership-status"]')?.textContent ?? ''), null, { timeout: 20000 });
  await watchLogs(page);
  await page.waitForFunction(() => [...document.querySelectorAll('.log-row')].some((r) => /S4/.test(r.querySelector('.who').textContent) && /config S1–S4/.test(r.textContent)), null, { timeout: 20000 });
  assert.doesNotMatch(await page.locator('.node[data-node="S4"]').getAttribute('aria-label'), /outside/);
  // The configuration entry is marked in the logs.
  assert.ok(await page.locator('.log-row .entry.config').count() > 0);
  // Remove a follower, chosen from the list, with the keyboard.
  const status = await page.locator('[data-testid="membership-status"]').textContent();
  const leader = status.match(/^(S\d) leads/)[1];
  const victim = ['S1', 'S2', 'S3'].find((s) => s !== leader);
  await page.locator('[data-testid="remove-choice"]').selectOption(victim);
  await page.locator('[data-testid="remove-server"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((v) => {
    const t = document.querySelector('[data-testid="membership-status"]')?.textContent ?? '';
    return /configuration/.test(t) && !t.includes(v) && /\.$/.test(t) && !/not yet committed/.test(t);
  }, victim, { timeout: 20000 });
  await page.waitForFunction((v) => /removed/.test(document.querySelector(`.node[data-node="${v}"]`).getAttribute('aria-label')), victim, { timeout: 20000 });
  // Focus stayed on the button.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'remove-server');
  assert.deepEqual(page.errors, []);
});

test('with snapshots, logs start with a snapshot, and a follower far behind installs the leader\'s', async () => {
  const page = await open();
  await load(page, 'raft-replication-catch-up-snapshot.json');
  // S1 came back at 4.5 s behind the leader's snapshot: InstallSnapshot is on the wire to it.
  await seek(page, 4610);
  await page.waitForFunction(() => document.querySelectorAll('.message.install-snapshot').length > 0);
  assert.ok(await page.locator('.in-flight li', { hasText: /InstallSnapshot up to entry 20/ }).count() > 0);
  // Once it lands, S1's store and log start are the snapshot's.
  await seek(page, 4700);
  await page.waitForFunction(() => /≤20 snap/.test(document.querySelector('.log-row .snapshot')?.textContent ?? ''));
  assert.match(await page.locator('[data-testid="event-log"]').textContent(), /S1 installed the leader's snapshot up to entry 20/);
  // At the end every server has one, first in its log row, and the stores agree.
  await seek(page, 8000);
  const boxes = await page.locator('.log-row .snapshot').allTextContents();
  assert.equal(boxes.length, 5);
  for (const b of boxes) assert.match(b, /≤(3\d) snap/);
  const stores = await page.locator('.log-row .store').allTextContents();
  assert.ok(stores.every((s) => s === stores[0]), stores.join(' | '));
  // The inspector names the snapshot: its last entry, term and store.
  await page.locator('.node[data-node="S2"]').click();
  assert.match(await page.locator('[data-testid="inspector"]').textContent(), /snapshot.*entries 1–3\d \(last term 2\): store x=/);
  // A bad setting is refused at its place; the run stays.
  const hash = await page.locator('.lab').getAttribute('data-trace-hash');
  await page.locator('details.settings summary').click();
  await page.locator('[data-testid="snapshot-every"]').fill('200000');
  await page.locator('[data-testid="snapshot-every"]').press('Enter');
  await page.waitForSelector('[data-testid="problem"]');
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /snapshot_every.*200000/);
  assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), hash);
  assert.deepEqual(page.errors, []);
});

test('a new entry lays out only the strips and lines it changes, never the page', async () => {
  const page = await open();
  await page.waitForSelector('.log-row ol.entries');
  // Size and layout containment make a relayout boundary, unless the box is a
  // flex or grid item: the strip's list and each line beside it are neither.
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const boxes = await page.evaluate(() => [...document.querySelectorAll('.log-row ol.entries, .log-row .side-line')].map((el) => {
      const style = getComputedStyle(el);
      return {
        what: `${el.closest('.log-row').querySelector('.who strong').textContent} ${el.className}`,
        size: /size|strict/.test(style.contain), layout: /layout|strict|content/.test(style.contain),
        parent: getComputedStyle(el.parentElement).display,
        fits: el.scrollHeight <= el.clientHeight + 1,
      };
    }));
    assert.ok(boxes.length >= 9, 'three servers: a strip and two lines each');
    for (const box of boxes) {
      assert.ok(box.size && box.layout, `${width} px, ${box.what}: size and layout containment`);
      assert.doesNotMatch(box.parent, /flex|grid|contents/, `${width} px, ${box.what}: laid out as a ${box.parent} item`);
      assert.ok(box.fits, `${width} px, ${box.what}: its fixed height holds what it shows`);
    }
  }
  await page.context().close();
});

test('out of sight while the run plays, the logs wait; in sight, or paused, they are current', async () => {
  const page = await open();
  await setWorkload(page, 100);
  await play(page);
  await waitForLeader(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.ok(await page.locator('.panel.logs').evaluate((p) => p.getBoundingClientRect().top > innerHeight), 'the logs start below the fold');
  // DOM changes in the logs panel, and how far the run went, over one second.
  const watch = () => page.evaluate(() => new Promise((resolve) => {
    let changes = 0;
    const observer = new MutationObserver((records) => { changes += records.length; });
    observer.observe(document.querySelector('.panel.logs'), { subtree: true, childList: true, attributes: true, characterData: true });
    const from = Number(document.querySelector('.lab').dataset.now);
    setTimeout(() => { observer.disconnect(); resolve({ changes, ran: Number(document.querySelector('.lab').dataset.now) - from }); }, 1000);
  }));
  const away = await watch();
  assert.ok(away.ran > 500, `the run went on (${away.ran} ms)`);
  assert.equal(away.changes, 0, 'out of sight, the logs are not drawn');
  // In sight alone: the strips, with the legend and the rest of the group
  // still below the fold (the panel's wrapper has no box of its own).
  await page.setViewportSize({ width: 1280, height: 450 });
  await page.locator('.panel.logs').evaluate((p) => p.scrollIntoView({ block: 'start' }));
  assert.ok(await page.locator('.legend-row').evaluate((l) => l.getBoundingClientRect().top > innerHeight), 'only the logs are in sight');
  const seen = await watch();
  assert.ok(seen.changes > 0, 'in sight, the logs follow the run');
  // Paused out of sight, every strip says what its server's node says.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await pause(page);
  const strips = await page.locator('ol.entries').evaluateAll((ols) => ols.map((ol) => ol.getAttribute('aria-label').match(/^(S\d)'s log: (\d+) entries, commitIndex (\d+)/).slice(1).join(' ')));
  const nodes = await page.locator('.node[data-node^="S"]').evaluateAll((ns) => ns.map((n) => n.getAttribute('aria-label').match(/^(S\d), term \d+, log (\d+) ✓(\d+)/).slice(1).join(' ')));
  assert.deepEqual(strips, nodes);
  assert.deepEqual(page.errors, []);
});

test('long logs show the newest twelve indices in shared columns, and a new entry leaves the drawn ones in place', async () => {
  const page = await open();
  await setWorkload(page, 50);
  await play(page);
  await setSpeed(page, 1);
  const row = page.locator('.log-row').first();
  const held = () => row.locator('ol.entries').evaluate((ol) => Number(ol.getAttribute('aria-label').match(/(\d+) entries/)[1]));
  // The longest log's length: every strip shows the window of its newest indices.
  const longest = () => page.locator('ol.entries').evaluateAll((ols) => Math.max(...ols.map((ol) => Number(ol.getAttribute('aria-label').match(/(\d+) entries/)[1]))));
  await watchLogs(page);
  await page.waitForFunction(() => Number(document.querySelector('.log-row ol.entries').getAttribute('aria-label').match(/(\d+) entries/)[1]) >= 30, null, { timeout: 30000 });
  await pause(page);
  const [length, end] = [await held(), await longest()];
  const shown = await row.locator('button.entry:visible').allTextContents();
  assert.equal(shown.length, 12 - (end - length), 'the window is twelve wide; a log behind fills it less');
  assert.match(shown[0], new RegExp(`^${end - 11}\\b`));
  assert.match(shown.at(-1), new RegExp(`^${length}\\b`), 'the last one shown is its newest');
  assert.equal(await row.locator('.earlier .wide-count').getAttribute('title'), `${end - 12} earlier entries`);
  assert.equal(await row.locator('.earlier').innerText(), `…${end - 12}`);
  // An index stands in one column in every strip (a leader ahead by one shows it alone).
  const columns = await page.locator('button.entry:visible').evaluateAll((bs) => {
    const x = {};
    for (const b of bs) (x[b.dataset.index] ??= new Set()).add(Math.round(b.getBoundingClientRect().x));
    return Object.values(x).map((s) => s.size);
  });
  assert.ok(columns.every((n) => n === 1), 'each index has one column');
  // Entries pushed out of view stay drawn (hidden) only until the strip draws
  // again without a new entry (common::sticky_first): never many of them.
  const hidden = await page.locator('.entries li.e.beyond').evaluateAll((lis) => lis.length);
  const strips = await page.locator('ol.entries').count();
  assert.ok(hidden <= 16 * strips, `${hidden} hidden entries in ${strips} strips`);
  // Inside the node, "log N ✓C", squeezed to the circle if need be; said in words.
  const node = page.locator('.node[data-node="S1"]');
  assert.match(await node.locator('text.line').nth(1).textContent(), /^log \d+ ✓\d+$/);
  assert.match(await node.getAttribute('aria-label'), /^S1, term \d+, log (\d+) ✓(\d+) \(\1 entries in its log, committed up to \2\)/);
  // The newest entry's element, marked; a few entries later it is the same element.
  await row.locator(`button.entry[data-index="${length}"]`).evaluate((b) => { window.markedEntry = b; });
  await setSpeed(page, 0);
  await play(page);
  await watchLogs(page);
  await page.waitForFunction((n) => Number(document.querySelector('.log-row ol.entries').getAttribute('aria-label').match(/(\d+) entries/)[1]) > n, length, { timeout: 20000 });
  await pause(page);
  assert.ok(await page.evaluate((n) => window.markedEntry.isConnected
    && window.markedEntry === document.querySelector(`.log-row ol.entries button.entry[data-index="${n}"]`), length),
  'entries already drawn are kept, not drawn anew');
  // A click on an entry still asks why (one handler for the strip).
  await row.locator('button.entry:visible').last().click();
  await page.waitForSelector('[data-testid="why"]');
  // A phone shows the newest eight indices.
  await page.setViewportSize({ width: 390, height: 800 });
  const [now, nowEnd] = [await held(), await longest()];
  const onPhone = await row.locator('button.entry:visible').allTextContents();
  assert.equal(onPhone.length, 8 - (nowEnd - now), 'eight indices show on a phone');
  assert.match(onPhone.at(-1), new RegExp(`^${now}\\b`));
  assert.match(onPhone[0], new RegExp(`^${nowEnd - 7}\\b`));
  // Its count of earlier entries starts from its own first column, so no index seems skipped.
  assert.equal(await row.locator('.earlier').innerText(), `…${nowEnd - 8}`);
  assert.deepEqual(page.errors, []);
});

test('the colour key tells every kind of message apart, in both themes, and a dot looks like its swatch', async () => {
  for (const theme of ['light', 'dark']) {
    const page = await open(`${LAB}?theme=${theme}`);
    const looks = await page.locator('.legend-list li').evaluateAll((lis) => lis.map((li) => {
      const s = getComputedStyle(li.querySelector('.key-swatch'));
      return { text: li.textContent, look: [s.backgroundColor, s.borderTopColor, s.borderTopStyle, s.borderTopWidth].join(' ') };
    }));
    assert.ok(looks.length >= 11, 'requests, replies, refusals, snapshots, votes');
    // The event log's toggle names what it hides here: the accepted AppendEntries too.
    assert.equal((await page.locator('.event-log .toggle').textContent()).trim(), 'heartbeats, AppendEntries accepted, timers, losses');
    for (const [i, a] of looks.entries()) {
      for (const b of looks.slice(i + 1)) assert.notEqual(a.look, b.look, `${theme}: "${a.text}" and "${b.text}" look alike`);
    }
    // A moving dot of a kind is filled like its swatch.
    const fills = await page.evaluate(() => {
      const svg = document.querySelector('.cluster svg');
      const fill = (kind) => {
        const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
        g.setAttribute('class', `fly ${kind}`);
        const dot = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
        dot.setAttribute('class', 'dot');
        g.appendChild(dot);
        svg.appendChild(g);
        const f = getComputedStyle(g.firstChild).fill;
        g.remove();
        return f;
      };
      const swatch = (kind) => {
        const s = document.querySelector(`.legend-list .key-swatch.${kind}`);
        return getComputedStyle(s).backgroundColor;
      };
      return ['append-entries', 'vote-request', 'client-request'].map((k) => [k, fill(k), swatch(k)]);
    });
    for (const [kind, dot, swatch] of fills) assert.equal(dot, swatch, `${theme}: ${kind}'s dot and swatch`);
    assert.notEqual(fills[0][1], fills[1][1], 'AppendEntries and a vote request are different colours');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('on a phone, the timeline\'s action ticks stand above the term labels, and the actions come before the cluster and the logs', async () => {
  const page = await openPage(browser, `${server.url}${LAB}`, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await page.waitForSelector('.lab.raft-replication .node');
  await load(page, 'raft-replication-stale-leader.json');
  await page.keyboard.press('End');
  const overlaps = await page.evaluate(() => {
    const labels = [...document.querySelectorAll('.timeline .band span')].filter((s) => s.getClientRects().length > 0)
      .map((s) => s.getBoundingClientRect());
    const marks = [...document.querySelectorAll('.timeline .mark:not(.violation)')].map((m) => m.getBoundingClientRect());
    const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return { labels: labels.length, marks: marks.length, overlaps: marks.filter((m) => labels.some((l) => hit(m, l))).length };
  });
  assert.ok(overlaps.labels > 0 && overlaps.marks > 0, JSON.stringify(overlaps));
  assert.equal(overlaps.overlaps, 0);
  const top = (selector) => page.locator(selector).evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(await top('.tools') < await top('.cluster'), 'the actions above the cluster');
  assert.ok(await top('.membership') < await top('.cluster'));
  assert.ok(await top('.cluster') < await top('.legend-row'), 'the colour key right under the cluster');
  assert.ok(await top('.legend-row') < await top('.logs'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a follower far behind shows its own newest entries, marked, until it catches up', async () => {
  const page = await open();
  await load(page, 'raft-replication-catch-up.json');
  await seek(page, 0);
  assert.equal(await page.locator('.strip.behind').count(), 0, 'short logs at the start are not behind');
  await seek(page, 4900);
  const row = page.locator('.log-row').filter({ has: page.locator('.strip.behind') });
  assert.equal(await row.count(), 1, 'S1 restarted far behind');
  const length = Number((await row.locator('ol.entries').getAttribute('aria-label')).match(/(\d+) entries/)[1]);
  assert.ok(length > 0);
  const shown = await row.locator('button.entry:visible').evaluateAll((bs) => bs.map((b) => Number(b.dataset.index)));
  assert.ok(shown.length > 0 && shown.at(-1) === length, `its newest entry shows (${shown} of ${length})`);
  await page.keyboard.press('End');
  await page.waitForFunction(() => !document.querySelector('.strip.behind'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the membership row keeps its height with or without a leader, so the cluster does not jump', async () => {
  const page = await open();
  await pause(page);
  await page.locator('.controls .scrubber input').fill('0');
  const at = () => page.evaluate(() => [document.querySelector('.membership').getBoundingClientRect().height,
    document.querySelector('.cluster').getBoundingClientRect().top + scrollY].map(Math.round));
  const leaderless = await at();
  await play(page);
  await waitForLeader(page);
  await pause(page);
  assert.notEqual(await page.locator('.lab').getAttribute('data-leader'), '');
  assert.deepEqual(await at(), leaderless);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('each log strip is one Tab stop; arrow keys move along a strip and between servers, and the lab keys stay still', async () => {
  const page = await open();
  await load(page, 'raft-replication-requests.json');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelectorAll('.log-row').length === 5
    && [...document.querySelectorAll('.log-row ol.entries')].every((s) => s.querySelectorAll('button.entry').length >= 3));
  // One entry per strip is in the Tab order: the newest.
  const stops = await page.locator('.log-row button.entry[tabindex="0"]').evaluateAll((bs) => bs.map((b) => [b.closest('.log-row').querySelector('.who strong').textContent, b.dataset.index]));
  assert.equal(stops.length, 5, JSON.stringify(stops));
  const newest = await page.locator('.log-row').first().locator('button.entry').last().getAttribute('data-index');
  assert.equal(stops[0][1], newest);
  // Tab from one strip's entry leaves for the next strip's, not the next entry.
  const firstStop = page.locator('.log-row').nth(0).locator('button.entry[tabindex="0"]');
  await firstStop.focus();
  await page.keyboard.press('Tab');
  const focused = () => page.evaluate(() => [document.activeElement.closest('.log-row')?.querySelector('.who strong').textContent, document.activeElement.dataset.index]);
  const second = await page.locator('.log-row').nth(1).locator('.who strong').textContent();
  assert.deepEqual(await focused(), [second, stops[1][1]]);
  // ← moves along the strip; the time does not step back.
  const now = await page.locator('.lab').getAttribute('data-now');
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await focused(), [second, String(Number(stops[1][1]) - 1)]);
  await page.keyboard.press('Home');
  const firstShown = await page.locator('.log-row').nth(1).locator('li.e:not(.beyond) button.entry').first().getAttribute('data-index');
  assert.deepEqual(await focused(), [second, firstShown]);
  // ↑ goes to the same index in the strip above.
  await page.keyboard.press('ArrowUp');
  const first = await page.locator('.log-row').nth(0).locator('.who strong').textContent();
  assert.deepEqual(await focused(), [first, firstShown]);
  assert.equal(await page.locator('.lab').getAttribute('data-now'), now, 'the arrows moved the focus, not the time');
  // Enter picks the focused entry, which becomes its strip's Tab stop.
  await page.keyboard.press('Enter');
  assert.match(await page.locator('[data-testid="why"]').textContent(), new RegExp(`^Entry ${firstShown} `));
  assert.equal(await page.locator('.log-row').nth(0).locator('button.entry[tabindex="0"]').getAttribute('data-index'), firstShown);
});

test('the leader\'s badge is drawn above the messages, so a passing dot does not hide it', async () => {
  const page = await open();
  await load(page, 'raft-replication-requests.json');
  await seek(page, 1000);
  const order = await page.evaluate(() => [...document.querySelector('.cluster svg').children].map((c) => c.getAttribute('class')));
  assert.ok(order.indexOf('badges') > order.indexOf('messages'), JSON.stringify(order));
  const leader = await page.locator('.node[data-role="leader"]').getAttribute('data-node');
  const badge = page.locator('.cluster .badges .badge', { hasText: '★ leader' });
  assert.equal(await badge.count(), 1);
  // It stands under its node.
  const [b, n] = await Promise.all([badge.boundingBox(), page.locator(`.node[data-node="${leader}"] circle.body`).boundingBox()]);
  assert.ok(Math.abs((b.x + b.width / 2) - (n.x + n.width / 2)) < 2 && b.y > n.y + n.height - 2, JSON.stringify([b, n]));
});

test('Esc closes the answer; a seed in the link starts a fresh run with it, and a bad one is said', async () => {
  const page = await open(`${LAB}?seed=7`);
  assert.equal(await page.locator('.controls .seed input').inputValue(), '7');
  await pause(page);
  await load(page, 'raft-replication-requests.json');
  await page.keyboard.press('End');
  await page.locator('.log-row').first().locator('button.entry').last().click();
  assert.equal(await page.locator('[data-testid="why"]').count(), 1);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid="why"]').count(), 0);
  const bad = await open(`${LAB}?seed=abc`);
  assert.match(await bad.locator('[data-testid="problem"]').textContent(), /seed: "abc" is not a whole number/);
});

test('a loaded thing to try is named in the address: a reload or a try= link opens it again, and a wrong name lists the runs', async () => {
  // Options may stand before the `#` too: the run's give way to the name there as well.
  const page = await open(`?seed=7#${LAB.slice(1)}?theme=dark&seed=4`);
  await load(page, 'raft-replication-figure-8.json');
  // The run's own options give way to the name; the view's stay.
  assert.match(page.url(), /\/#\/raft-replication\?theme=dark&try=figure-8$/);
  // Named, the page went on rather than starting afresh: Undo brings back the
  // run before it (seed 4), and the address stops naming figure 8.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !location.href.includes('try='));
  // (The address changes at once, the Seed box at the render after it.)
  await page.waitForFunction(() => document.querySelector('input[aria-label="Seed"]')?.value === '4', null, { timeout: 5000 });
  await load(page, 'raft-replication-figure-8.json');
  await seek(page, 1500);
  const at1500 = await page.locator('.lab').getAttribute('data-trace-hash');
  await page.reload();
  await page.waitForSelector('.lab.raft-replication .node');
  await pause(page);
  await seek(page, 1500);
  assert.equal(await page.locator('.lab').getAttribute('data-trace-hash'), at1500);
  assert.equal(await page.locator('[data-testid="problem"]').count(), 0);
  // A link to the lab itself opens a fresh run, not the one named before.
  await page.evaluate(() => { location.hash = '#/raft-replication?theme=dark'; });
  // (Figure 8's run is computed to its end; a fresh one only as far as it has played.)
  await page.waitForFunction(() => Number(document.querySelector('.controls .scrubber input')?.max) < 1500);
  await pause(page);
  // Loaded again and then made another run (New seed): the address stops naming it.
  await load(page, 'raft-replication-figure-8.json');
  assert.match(page.url(), /try=figure-8$/);
  await page.getByRole('button', { name: 'New seed' }).click();
  await page.waitForFunction(() => !location.href.includes('try='));
  assert.match(page.url(), /\/#\/raft-replication\?theme=dark$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  // A guide author's link, with a time: opened paused there.
  const linked = await open(`${LAB}?try=figure-8&t=1500`);
  await linked.waitForFunction(() => document.querySelector('.lab').dataset.now === '1500');
  assert.equal(await linked.locator('.lab').getAttribute('data-trace-hash'), at1500);
  assert.equal(await linked.locator('.lab').getAttribute('data-playing'), 'false');
  await linked.context().close();
  const wrong = await open(`${LAB}?try=figure-9`);
  const problem = await wrong.locator('[data-testid="problem"]').textContent();
  assert.match(problem, /try: no shipped run of this page is called “figure-9”; its runs are .*figure-8.*\. Showing a fresh run instead\./);
  await wrong.context().close();
  // Any page's shipped runs: the election lab's split vote, all five down at 1,050 ms.
  const election = await openPage(browser, `${server.url}#/raft-election?try=split-vote&t=1050`);
  await election.waitForFunction(() => document.querySelector('.lab')?.dataset.now === '1050');
  assert.equal(await election.locator('.node[data-role="down"]').count(), 5);
  assert.deepEqual(election.errors, []);
  await election.context().close();
});
