import { execFileSync } from 'node:child_process';

/** End-to-end tests spawn the real binary, which runs the bundled JavaScript: build it once first. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
