// The site runs under a strict Content Security Policy (no inline script,
// no inline style), sent by the test server on every response as a host would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, setSpeed, waitForLeader, cspViolations, CSP } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

test('every response carries the policy, and the built pages have no inline script or style', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForSelector('.landing');
  const urls = await page.evaluate(() => [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)]);
  urls.push(`${server.url}guide-example.html`, `${server.url}embed.js`, `${server.url}no-such-file`);
  assert.ok(urls.some((u) => u.endsWith('.wasm')) && urls.some((u) => u.endsWith('start.js')), urls.join(' '));
  for (const url of urls) {
    const res = await fetch(url);
    assert.equal(res.headers.get('content-security-policy'), `${CSP}; frame-ancestors 'self'`, url);
  }
  for (const name of ['index.html', 'guide-example.html']) {
    const html = await (await fetch(server.url + name)).text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${name}: an inline script`);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, `${name}: an inline style or handler`);
  }
  await page.context().close();
});

test('the policy really blocks inline script and style attributes (the check can fail)', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForSelector('.landing');
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
    document.body.setAttribute('style', 'outline: 5px solid red');
  });
  await page.waitForFunction(() => window.__cspViolations.length >= 2);
  assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
  const violations = await cspViolations(page);
  assert.ok(violations.some((v) => v.startsWith('script-src-elem')), violations.join('\n'));
  assert.ok(violations.some((v) => v.startsWith('style-src-attr')), violations.join('\n'));
  await page.context().close();
});

test('no page reports a CSP violation or a console error while it is used', async () => {
  // Landing page.
  const landing = await openPage(browser, server.url);
  await landing.waitForSelector('.landing');
  // The lab, used: a leader, a crash (timeline bands and marks), a partition, a message opened.
  const lab = await openPage(browser, `${server.url}#/raft-election?theme=dark`);
  await setSpeed(lab, 0.5);
  const first = await waitForLeader(lab);
  await lab.locator(`.node[data-node="${first.id}"]`).click();
  await lab.keyboard.press('x');
  await waitForLeader(lab, first.term + 1);
  await lab.waitForSelector('.timeline .band');
  // Placed through the CSSOM: the cursor sits at now over the strip's end, bands at their start.
  const placed = await lab.evaluate(() => {
    const strip = document.querySelector('.timeline').getBoundingClientRect();
    const end = Number(document.querySelector('.timeline').dataset.end);
    const cursor = document.querySelector('.timeline .cursor');
    const band = document.querySelector('.timeline .band');
    return {
      cursor: (cursor.getBoundingClientRect().left - strip.left) / strip.width,
      now: Number(cursor.dataset.at) / end,
      band: (band.getBoundingClientRect().left - strip.left) / strip.width,
      start: Number(band.dataset.startMs) / end,
    };
  });
  assert.ok(placed.now > 0.05, `the cursor has moved (${placed.now})`);
  assert.ok(Math.abs(placed.cursor - placed.now) < 0.02, `the cursor is at now (${JSON.stringify(placed)})`);
  assert.ok(Math.abs(placed.band - placed.start) < 0.02, `a band is at its start (${JSON.stringify(placed)})`);
  const fill = await lab.locator('.node .body').first().evaluate((el) => getComputedStyle(el).fill);
  assert.match(fill, /^rgb/, 'nodes are coloured by term');
  await lab.getByRole('button', { name: 'Partition…' }).click();
  await lab.keyboard.press('Escape');
  // The partial-failure lab, used: a request, a paused server, a message opened.
  const pf = await openPage(browser, `${server.url}#/partial-failure`);
  await pf.waitForSelector('.lab.partial-failure .node');
  await pf.keyboard.press('Space');
  await pf.keyboard.press('c');
  await pf.locator('.message.request').last().click();
  await pf.getByRole('button', { name: 'Hold it' }).click();
  await pf.locator('.node[data-node="S1"]').click();
  await pf.keyboard.press('p');
  await pf.waitForSelector('.timeline .band');
  // Embed mode, through the loader, and the panic panel.
  const guide = await openPage(browser, `${server.url}guide-example.html`);
  await guide.frameLocator('iframe').locator('.lab').waitFor();
  await guide.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) !== 640);
  const panic = await openPage(browser, `${server.url}#/selftest/panic`);
  await panic.waitForSelector('.panic-panel');
  for (const page of [landing, lab, pf, guide]) {
    assert.deepEqual(await cspViolations(page), [], page.url());
    assert.deepEqual(page.errors, [], page.url());
  }
  assert.deepEqual(await cspViolations(panic), []);
  for (const page of [landing, lab, pf, guide, panic]) await page.context().close();
});
