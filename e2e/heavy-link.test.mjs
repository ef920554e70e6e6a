// A share link that asks for too much work (nine nodes, 1 ms timers,
// every message duplicated, 30 minutes) stops where a run's memory budget ends,
// with a reason; the page stays usable instead of freezing while it
// computes a billion events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

test('a link that asks for too much work stops at the budget with a reason', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'distviz-')), 'heavy.json');
  fs.writeFileSync(file, JSON.stringify({
    version: 1, lab: 'raft-election', nodes: 9, duration_ms: 1800000,
    network: { latency_ms: [0, 0], duplicate: 1.0 },
    params: { heartbeat_ms: 1, election_timeout_ms: [1, 2] },
  }));
  const packed = execFileSync(path.join(ROOT, 'target', 'release', 'distviz'), ['link', file], { encoding: 'utf8' }).trim();
  const start = Date.now();
  const page = await openPage(browser, `${server.url}#/raft-election?s=${packed}`);
  await page.waitForSelector('[data-testid="problem"]', { timeout: 60000 });
  const seconds = (Date.now() - start) / 1000;
  assert.match(await page.locator('[data-testid="problem"]').textContent(), /This run stops at [^:]+: it holds \d+ events, all the memory time travel may use/);
  assert.equal(await page.locator('.node').count(), 9, 'the run as far as it may go');
  assert.deepEqual(page.errors, []);
  console.log(`stopped after ${seconds.toFixed(1)} s`);
  await page.context().close();
});
