import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** End-to-end tests spawn the real binary, which runs the compiled JavaScript: build it once first. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
