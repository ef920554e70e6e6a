// Screenshots of the built site for a person to look at: node scripts/screenshot.mjs [out-dir]
import { serveDist, launch, openPage, setSpeed, waitForLeader } from '../e2e/harness.mjs';

const out = process.argv[2] ?? 'e2e/artifacts';
const server = await serveDist();
const browser = await launch();
try {
  const landing = await openPage(browser, server.url);
  await landing.waitForSelector('.landing');
  await landing.screenshot({ path: `${out}/landing.png`, fullPage: true });

  const lab = await openPage(browser, `${server.url}#/raft-election`);
  await setSpeed(lab, 0);
  const leader = await waitForLeader(lab);
  await setSpeed(lab, -1);
  await lab.locator(`.node[data-node="${leader.id}"]`).click();
  await lab.waitForTimeout(2500);
  await lab.screenshot({ path: `${out}/lab-after-crash.png`, fullPage: true });

  await lab.getByRole('button', { name: 'Partition…' }).click();
  await lab.locator('.node[data-node="S1"]').click();
  await lab.locator('.node[data-node="S2"]').click();
  await lab.getByRole('button', { name: /Cut off/ }).click();
  await lab.locator('.node[data-node="S3"]').focus();
  await lab.waitForTimeout(3000);
  await lab.screenshot({ path: `${out}/lab-partition.png`, fullPage: true });

  // Both themes: the dark one from the system setting, wide.
  const landingDark = await openPage(browser, server.url, { colorScheme: 'dark' });
  await landingDark.waitForSelector('.landing');
  await landingDark.screenshot({ path: `${out}/landing-dark.png`, fullPage: true });
  const labDark = await openPage(browser, `${server.url}#/raft-election`, { colorScheme: 'dark' });
  await setSpeed(labDark, 0);
  const darkLeader = await waitForLeader(labDark);
  await labDark.locator(`.node[data-node="${darkLeader.id}"]`).click();
  await waitForLeader(labDark, darkLeader.term + 1);
  await labDark.keyboard.press('Space');
  await labDark.screenshot({ path: `${out}/lab-dark.png`, fullPage: true });

  const dark = await openPage(browser, `${server.url}#/raft-election?theme=dark`, { viewport: { width: 420, height: 900 } });
  await dark.waitForTimeout(3000);
  await dark.screenshot({ path: `${out}/lab-dark-narrow.png`, fullPage: true });

  const embed = await openPage(browser, `${server.url}guide-example.html`);
  await embed.waitForTimeout(3000);
  await embed.screenshot({ path: `${out}/embed.png`, fullPage: true });
  console.log(`screenshots in ${out}/`);
} finally {
  await browser.close();
  server.close();
}
