// A producer for the soak test: copies <from> onto the end of <to> in chunks of random size (cut
// anywhere, mid-line and mid-character too), pausing a little between them, as a live writer does.
// Usage: node append-chunks.mjs <from> <to> <seed> <chunks>
import { appendFileSync, readFileSync } from 'node:fs';

const [from, to, seedText, chunksText] = process.argv.slice(2);
const data = readFileSync(from);
let seed = Number(seedText) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const chunks = Number(chunksText);
const cuts = Array.from({ length: chunks - 1 }, () => Math.floor(random() * data.length)).sort(
  (a, b) => a - b,
);
let written = 0;
for (const cut of [...cuts, data.length]) {
  appendFileSync(to, data.subarray(written, cut));
  written = cut;
  await new Promise((resolve) => setTimeout(resolve, 5 + random() * 40));
}
