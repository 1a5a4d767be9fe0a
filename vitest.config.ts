import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts'],
    // Vitest blanks CSS imports unless told otherwise; the sign-in page's stylesheet is imported as text (?raw) and must stay whole.
    css: { include: [/src\/oauth\/.*\.css/] },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most files wait on child processes and sockets rather than compute: on a two-core machine
    // vitest's default (cores - 1) ran them one at a time, 248 s where two workers take 196.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
