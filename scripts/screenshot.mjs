// Screenshots of the built site for a person to look at: node scripts/screenshot.mjs [out-dir]
// The lab at 1280×900 and 390×844, light and dark, playing and paused.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, serveDist, launch, openPage, setSpeed, waitForLeader } from '../e2e/harness.mjs';

const out = process.argv[2] ?? 'e2e/artifacts';
fs.mkdirSync(out, { recursive: true });
const server = await serveDist();
const browser = await launch();
try {
  const landing = await openPage(browser, server.url);
  await landing.waitForSelector('.landing');
  await landing.screenshot({ path: `${out}/landing.png`, fullPage: true });
  const landingDark = await openPage(browser, server.url, { colorScheme: 'dark' });
  await landingDark.waitForSelector('.landing');
  await landingDark.screenshot({ path: `${out}/landing-dark.png`, fullPage: true });

  for (const [name, viewport, extra] of [
    ['1280', { width: 1280, height: 900 }, {}],
    ['390', { width: 390, height: 844 }, { hasTouch: true, isMobile: true }],
  ]) {
    for (const theme of ['light', 'dark']) {
      const lab = await openPage(browser, `${server.url}#/raft-election?theme=${theme}`, { viewport, ...extra });
      await setSpeed(lab, 0);
      const leader = await waitForLeader(lab);
      await setSpeed(lab, -1);
      await lab.locator(`.node[data-node="${leader.id}"]`).click();
      await lab.getByRole('button', { name: /Crash/ }).click();
      await lab.waitForTimeout(400);
      await lab.getByRole('button', { name: /Align timers/ }).click();
      await lab.waitForTimeout(2500);
      await lab.screenshot({ path: `${out}/lab-${name}-${theme}-playing.png` });
      await lab.locator('.controls .play').click();
      await lab.screenshot({ path: `${out}/lab-${name}-${theme}-paused.png` });
      await lab.screenshot({ path: `${out}/lab-${name}-${theme}-full.png`, fullPage: true });
      await lab.context().close();
    }
  }

  const broken = await openPage(browser, `${server.url}#/raft-election`);
  await broken.locator('[data-testid="import"]').setInputFiles(path.join(ROOT, 'scenarios', 'raft-election-broken-votes.json'));
  await broken.waitForFunction(() => document.querySelector('.settings input[type="checkbox"]').checked);
  await broken.keyboard.press('End');
  await broken.waitForTimeout(300);
  await broken.screenshot({ path: `${out}/lab-broken.png` });

  const embed = await openPage(browser, `${server.url}guide-example.html`);
  await embed.waitForTimeout(3000);
  await embed.screenshot({ path: `${out}/embed.png`, fullPage: true });
  console.log(`screenshots in ${out}/`);
} finally {
  await browser.close();
  server.close();
}
