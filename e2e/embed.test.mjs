// Embedding both ways: the loader says hello to the lab's origin, the lab
// posts its height only to the origin that said hello, and the loader takes
// heights only from its own iframe, from the lab's origin, of the exact shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { serveDist, launch, openPage, cspViolations } from './harness.mjs';

// A guide page on another origin (another port), as on a real guide site;
// the lab's server lets it embed the lab (frame-ancestors).
const pages = {};
let guide;
let GUIDE;
let server;
let browser;
before(async () => {
  guide = http.createServer((req, res) => {
    const body = pages[req.url];
    res.writeHead(body ? 200 : 404, {
      'content-type': 'text/html',
      'content-security-policy': `default-src 'self' ${server.url}; script-src 'self' ${server.url}`,
    }).end(body ?? 'not found');
  });
  await new Promise((resolve) => guide.listen(0, '127.0.0.1', resolve));
  GUIDE = `http://localhost:${guide.address().port}`;
  server = await serveDist({ frameAncestors: `'self' ${GUIDE}` });
  browser = await launch();
});
after(async () => { await browser?.close(); server?.close(); guide?.close(); });

const frameHeight = (page) => page.evaluate(() => parseInt(document.querySelector('iframe').style.height, 10));

// Opens a guide page with `body` on the guide's origin; every message it receives is recorded.
async function guidePage(name, body) {
  pages[`/${name}`] = `<!doctype html><html lang="en"><head><title>guide</title></head><body><main>${body}</main></body></html>`;
  pages['/favicon.ico'] = '';
  const page = await openPage(browser, 'about:blank');
  await page.context().addInitScript(() => {
    if (window !== window.top) return;
    window.__received = [];
    window.addEventListener('message', (e) => window.__received.push({ origin: e.origin, data: e.data }));
  });
  await page.goto(`${GUIDE}/${name}`);
  return page;
}

test('the example guide page sizes its lab from the lab\'s own messages', async () => {
  const page = await openPage(browser, `${server.url}guide-example.html`);
  const frame = page.frameLocator('iframe');
  await frame.locator('.lab').waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) !== 640);
  const sized = await frameHeight(page);
  const content = await page.frames()[1].evaluate(() => document.documentElement.scrollHeight);
  assert.ok(Math.abs(sized - content) <= 1, `iframe ${sized}px for ${content}px of lab`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(await cspViolations(page), []);
  await page.context().close();
});

test('the loader ignores heights from other frames and of the wrong shape', async () => {
  const page = await openPage(browser, `${server.url}guide-example.html`);
  await page.frameLocator('iframe').locator('.lab').waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) !== 640);
  const lab = page.frames()[1];
  // Wrong shapes, from the lab's own frame.
  for (const data of [
    { distviz: 'height', height: '777' },
    { distviz: 'height', height: 1e9 },
    { distviz: 'height', height: -5 },
    { distviz: 'height', height: 777, extra: '<b>' },
    { distviz: 'size', height: 777 },
    ['distviz', 'height', 777],
    'height=777',
  ]) {
    await lab.evaluate((d) => parent.postMessage(d, '*'), data);
  }
  // The right shape, from the page itself and from another frame.
  await page.evaluate(() => window.postMessage({ distviz: 'height', height: 777 }, '*'));
  await page.evaluate(() => {
    const other = document.createElement('iframe');
    other.src = 'embed.js';
    document.body.append(other);
    return new Promise((resolve) => { other.onload = resolve; });
  });
  await page.frames()[2].evaluate(() => parent.postMessage({ distviz: 'height', height: 777 }, '*'));
  await page.waitForTimeout(300);
  // (The lab may still send its own, real height meanwhile.)
  assert.ok(![777, 1e9].includes(await frameHeight(page)), 'nothing sent above was taken');
  // The right shape from the lab's frame is taken: the check above could fail.
  await lab.evaluate(() => parent.postMessage({ distviz: 'height', height: 777 }, '*'));
  await page.waitForFunction(() => document.querySelector('iframe').style.height === '777px');
  await page.context().close();
});

test('on another origin, the lab posts nothing until hello, then only to that origin', async () => {
  // A bare iframe, no loader: the lab must not tell a page it does not know.
  const page = await guidePage('bare.html', `<iframe title="lab" src="${server.url}#/raft-election?embed=1"></iframe>`);
  const lab = page.frameLocator('iframe');
  await lab.locator('.lab').waitFor();
  await page.waitForTimeout(800);
  assert.deepEqual(await page.evaluate(() => window.__received), [], 'no message before the handshake');
  // A hello from the guide page, addressed to the lab's origin.
  const labOrigin = new URL(server.url).origin;
  await page.evaluate((origin) => document.querySelector('iframe').contentWindow.postMessage({ distviz: 'hello' }, origin), labOrigin);
  await page.waitForFunction(() => window.__received.length > 0);
  const [first] = await page.evaluate(() => window.__received);
  assert.equal(first.origin, labOrigin);
  assert.deepEqual(Object.keys(first.data).sort(), ['distviz', 'height']);
  assert.ok(first.data.height > 100);
  await page.context().close();
});

test('the loader embeds and sizes the lab on a guide page of another origin', async () => {
  const page = await guidePage('raft.html', `<h1>Raft</h1><div data-distviz="raft-election" data-theme="dark"></div><script src="${server.url}embed.js"></script>`);
  await page.frameLocator('iframe').locator('.lab').waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) !== 640);
  const received = await page.evaluate(() => window.__received);
  assert.ok(received.length > 0 && received.every((m) => m.origin === new URL(server.url).origin));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
