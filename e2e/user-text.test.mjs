// No user text becomes markup: files, links and URL options that carry HTML
// are shown as text, and nothing in them runs. The DOM is checked for the
// element itself, so this holds even without the CSP (which would also
// block the handler).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage } from './harness.mjs';

const EVIL = '<img src=x onerror=window.__xss=1>';
let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

async function assertShownAsText(page) {
  await page.waitForSelector('[data-testid="problem"]');
  const problem = await page.locator('[data-testid="problem"]').textContent();
  assert.ok(problem.includes(EVIL), `the text is shown as written: ${problem}`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was made from it');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'nothing ran');
}

test('an imported file with markup in its fields and name shows it as text', async () => {
  const page = await openPage(browser, `${server.url}#/raft-election`);
  await page.waitForSelector('.lab');
  const files = [
    { version: 1, lab: 'raft-election', actions: [{ at_ms: 5, do: 'crash', node: EVIL }] },
    { version: 1, lab: EVIL },
    { version: 1, lab: 'raft-election', [EVIL]: 1 },
  ];
  for (const scenario of files) {
    await page.locator('[data-testid="import"]').setInputFiles({
      name: `${EVIL}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)),
    });
    await assertShownAsText(page);
    await page.locator('[data-testid="problem"] button').click();
  }
  await page.context().close();
});

test('a link whose scenario and options carry markup shows it as text', async () => {
  // A scenario that parses, with markup in a lab setting's name: the lab refuses it by name.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distviz-'));
  const file = path.join(dir, 'evil.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, lab: 'raft-election', params: { [EVIL]: 1 } }));
  const cli = path.join(ROOT, 'target', 'release', 'distviz');
  const packed = execFileSync(cli, ['link', file], { encoding: 'utf8' }).trim();
  const evil = encodeURIComponent(EVIL);
  for (const hash of [`#/raft-election?s=${packed}`, `#/raft-election?theme=${evil}`]) {
    const page = await openPage(browser, server.url + hash);
    await assertShownAsText(page);
    await page.context().close();
  }
  // A page name with markup (the browser keeps it percent-encoded in the hash).
  const page = await openPage(browser, `${server.url}#/${EVIL}`);
  await page.waitForSelector('.not-found');
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.context().close();
});
