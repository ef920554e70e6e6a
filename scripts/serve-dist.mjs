// Serves dist/ on http://127.0.0.1:$PORT (8080) with the headers a careful
// host sets (the strict CSP of e2e/harness.mjs): what you see is what the tests check.
import { serveDist, headersFor } from '../e2e/harness.mjs';

const server = await serveDist({ port: Number(process.env.PORT ?? 8080) });
console.log(`distviz on ${server.url}`);
for (const [name, value] of Object.entries(headersFor())) console.log(`  ${name}: ${value}`);
