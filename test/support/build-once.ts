import { execFileSync } from 'node:child_process';

/**
 * Vitest global setup: build dist/ once, before any test file runs, so that the suites that
 * spawn the built server (cli, stdio, demo, secrets, stdout hygiene) never see a stale or
 * half-written build.
 */
export default function buildOnce(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
