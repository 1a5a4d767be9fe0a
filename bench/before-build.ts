import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The last commit of main whose get-report walk went on to the empty page and kept no recipient
 * cache: the parent of the merge that brought the early stop. The bench builds it itself so that
 * "which numbers failed" is measured before and after on the same machine and data.
 */
export const BEFORE_EARLY_STOP_COMMIT = 'a28db1e';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BeforeBuild {
  entry: string;
  /** How the entry came to be, for the report. */
  source: string;
  remove(): void;
}

/**
 * BENCH_BEFORE_ENTRY when set; otherwise that commit exported from git (no worktree, nothing in
 * .git changes) and built with this checkout's node_modules. Undefined, with the reason logged,
 * where there is no git history to build it from (a tarball, a shallow clone).
 */
export function beforeEarlyStopBuild(log: (message: string) => void): BeforeBuild | undefined {
  const given = process.env.BENCH_BEFORE_ENTRY;
  if (given) return { entry: given, source: `BENCH_BEFORE_ENTRY=${given}`, remove: () => undefined };
  const directory = mkdtempSync(join(tmpdir(), 'iletimerkezi-before-'));
  const remove = () => rmSync(directory, { recursive: true, force: true });
  try {
    const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', BEFORE_EARLY_STOP_COMMIT], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-x', '-C', directory], { input: archive });
    symlinkSync(join(ROOT, 'node_modules'), join(directory, 'node_modules'));
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
    const entry = join(directory, 'dist', 'cli.js');
    if (!existsSync(entry)) throw new Error('its build wrote no dist/cli.js');
    return { entry, source: `commit ${BEFORE_EARLY_STOP_COMMIT}, built by the bench`, remove };
  } catch (error) {
    remove();
    log(`the build before the early stop (commit ${BEFORE_EARLY_STOP_COMMIT}) could not be made here, so its row is computed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}
