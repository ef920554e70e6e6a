// Shared set-up for the browser tests: a static server for dist/ and
// Debian's Chromium driven by playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DIST = path.join(ROOT, 'dist');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

// The headers a careful host sets (README, "Hosting"), on every response, so
// that anything the policy blocks fails a test. `frameAncestors` says which
// pages may embed the site; a test of a cross-origin guide page widens it.
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "object-src 'none'; base-uri 'none'; form-action 'none'";
export function headersFor(frameAncestors = "'self'") {
  return {
    'content-security-policy': `${CSP}; frame-ancestors ${frameAncestors}`,
    'x-content-type-options': 'nosniff',
  };
}

export function serveDist({ port = 0, frameAncestors } = {}) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error('dist/ is missing: build the site first (scripts/test.sh does)');
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const file = path.join(DIST, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, headersFor(frameAncestors)).end('not found');
      return;
    }
    res.writeHead(200, { ...headersFor(frameAncestors), 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A page that remembers every console error and uncaught exception.
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  // Every frame counts what the Content Security Policy blocked (see cspViolations).
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  await page.goto(url);
  return page;
}

// Sets the speed slider (log10 of the speed: -2 … 1).
// Focus leaves the slider afterwards, as a learner's click elsewhere would:
// arrow keys on a focused slider move the slider, not the simulation.
export async function setSpeed(page, exponent) {
  const slider = page.locator('.controls .speed input');
  await slider.fill(String(exponent));
  await slider.blur();
}

// A lab's client workload: a request every `ms` (through Settings).
export async function setWorkload(page, ms) {
  await page.locator('details.settings summary').click();
  await page.locator('[data-testid="workload"]').fill(String(ms));
  await page.locator('[data-testid="workload"]').press('Enter');
  await page.locator('details.settings summary').click();
}

export async function leader(page) {
  const node = page.locator('.node[data-role="leader"]');
  const count = await node.count();
  if (count === 0) return null;
  const terms = await node.evaluateAll((els) => els.map((el) => ({ id: el.dataset.node, term: Number(el.dataset.term) })));
  return terms.sort((a, b) => b.term - a.term)[0];
}

export async function waitForLeader(page, minTerm = 1, timeout = 20000) {
  await page.waitForFunction((min) => [...document.querySelectorAll('.node[data-role="leader"]')]
    .some((el) => Number(el.dataset.term) >= min), minTerm, { timeout });
  return leader(page);
}

// What the Content Security Policy blocked in every frame of the page.
export async function cspViolations(page) {
  const all = [];
  for (const frame of page.frames()) {
    all.push(...await frame.evaluate(() => window.__cspViolations ?? []).catch(() => []));
  }
  return all;
}
