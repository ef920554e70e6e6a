// Prints the gzipped size of the built site (html + js + wasm + css).
// A figure for the budget (350 KB), reported, not a test.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
let total = 0;
for (const name of fs.readdirSync(dist)) {
  if (!/\.(html|js|wasm|css)$/.test(name) || name === 'embed.js' || name === 'guide-example.html') continue;
  const size = zlib.gzipSync(fs.readFileSync(path.join(dist, name)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(8)} KB  ${name}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(8)} KB  gzipped site (budget 350 KB)`);
