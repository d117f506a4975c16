// A producer for the soak test: copies <from> onto the end of <to> in chunks of random size (cut
// anywhere, mid-line and mid-character too), as a live writer does. It writes one chunk for each
// line it reads on stdin, after a short random pause, so each append lands while the consumer's
// run is under way however slow the machine is: the number of runs is fixed, not a race.
// Usage: node append-chunks.mjs <from> <to> <seed> <chunks>
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

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
const ends = [...cuts, data.length];
let written = 0;
for await (const _request of createInterface({ input: process.stdin })) {
  await new Promise((resolve) => setTimeout(resolve, random() * 40));
  const cut = ends.shift();
  if (cut === undefined) break;
  appendFileSync(to, data.subarray(written, cut));
  written = cut;
  if (ends.length === 0) break;
}
process.exit(0);
