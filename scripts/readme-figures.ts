// The README's figures, measured rather than typed: the package's download size, the size of the
// views, the size of the demo's answers, the demo's questions and an example answer. Each sits in the README between
// `<!-- figure:<name> -->` and `<!-- /figure -->`. `npm run readme` builds, measures and rewrites
// those blocks; test/readme.test.ts measures again and fails while the README differs.
//
// The demo account is dated from the moment the server starts, so its answers change every day.
// The README's come from the same questions asked at one fixed moment, README_MOMENT.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '../src/config.js';
import { type DemoAnswer, askDemoQuestions } from '../src/demo/questions.js';
import { toTimestamp } from '../src/reporting/calendar.js';
import { openRuntime } from '../src/runtime.js';
import { createServer } from '../src/server/create-server.js';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

/** Wednesday 2026-04-22 12:30 in Istanbul. */
export const README_MOMENT = new Date('2026-04-22T09:30:00Z');

const BLOCK = /<!-- figure:([\w-]+) -->([\s\S]*?)<!-- \/figure -->/g;

export type Figures = Record<string, string>;

/** The demo's questions, asked of the demo account as it stands at README_MOMENT, exactly as `npm run demo` asks them. */
async function demoAtReadmeMoment(): Promise<DemoAnswer[]> {
  const config = loadConfig({});
  const runtime = await openRuntime(config, true, README_MOMENT);
  const server = createServer({
    api: runtime.client,
    maxRangeDays: config.maxRangeDays,
    callTimeoutMs: config.callTimeoutMs,
    maxReportOrders: config.maxReportOrders,
    demo: true,
    clock: () => README_MOMENT,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'readme-figures', version: '1.0.0' });
  await client.connect(clientSide);
  try {
    return await askDemoQuestions(client, () => {});
  } finally {
    await client.close();
    await server.close();
    await runtime.close();
  }
}

/** The size of the tarball npm would download, from `npm pack --dry-run` on the current build and README. */
async function packedBytes(): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, shell: process.platform === 'win32' });
  const [packed] = JSON.parse(stdout) as Array<{ size: number }>;
  if (!packed) throw new Error('npm pack reported no package');
  return packed.size;
}

/** The largest view as a host downloads it, gzipped, from the current build. */
function largestViewBytes(): number {
  const views = fileURLToPath(new URL('../dist/views/', import.meta.url));
  const sizes = readdirSync(views)
    .filter((name) => name.endsWith('.html'))
    .map((name) => gzipSync(readFileSync(join(views, name))).byteLength);
  if (sizes.length === 0) throw new Error('dist/views holds no view: run npm run build');
  return Math.max(...sizes);
}

/** "about N kB": to the nearest 10 kB, so a small change to the code leaves the figure alone. */
const packageSize = (bytes: number) => `${Math.max(10, Math.round(bytes / 10_000) * 10)} kB`;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** An answer's untrusted-section tag carries a random nonce; the README shows where it goes, not one value. */
const withoutNonce = (text: string) => text.replace(/untrusted-sms-[0-9a-f]+/g, 'untrusted-sms-…');

function demoFigures(answers: DemoAnswer[]): Figures {
  const failed = answers.filter((answer) => answer.isError);
  if (failed.length > 0) throw new Error(`demo questions failed: ${failed.map((answer) => `${answer.question}: ${answer.text}`).join('; ')}`);
  const sizes = answers.map((answer) => utf8Bytes(answer.text));
  const audit = answers.find((answer) => answer.tool === 'audit_opt_outs');
  if (!audit) throw new Error('the demo asks no audit_opt_outs question');
  return {
    'readme-moment': toTimestamp(README_MOMENT).slice(0, 16),
    'answer-sizes': `${(Math.min(...sizes) / 1000).toFixed(1)} to ${(Math.max(...sizes) / 1000).toFixed(1)} kB`,
    'demo-questions': `\n${answers.map((answer) => `- ${answer.question} \`${answer.tool}(${JSON.stringify(answer.arguments)})\``).join('\n')}\n`,
    'audit-example': `\n\`\`\`text\n❯ ${audit.question}\n  ${audit.tool}(${JSON.stringify(audit.arguments)})\n${withoutNonce(audit.text)}\n\`\`\`\n`,
  };
}

/** The README's figure blocks as they stand, by name. */
export function figuresIn(readme: string): Figures {
  return Object.fromEntries([...readme.matchAll(BLOCK)].map(([, name = '', value = '']) => [name, value]));
}

/** The README with each figure block's content replaced; a block the figures lack, or a figure with no block, is an error. */
export function withFigures(readme: string, figures: Figures): string {
  const seen = new Set<string>();
  const written = readme.replace(BLOCK, (_block, name: string, _old: string, offset: number) => {
    const value = figures[name];
    if (value === undefined) throw new Error(`README.md has a figure block "${name}" that scripts/readme-figures.ts does not produce`);
    seen.add(name);
    const before = readme.slice(readme.lastIndexOf('\n', offset - 1) + 1, offset);
    const startsLine = /^ *$/.test(before);
    const multiLine = value.includes('\n');
    // A comment that starts a line opens an HTML block, which would swallow an inline figure's
    // line; a block figure inside a list item takes the item's indentation.
    if (startsLine !== multiLine) {
      throw new Error(`README.md's figure "${name}" must ${multiLine ? 'start its own line' : 'sit inside a line of text, not start one'}`);
    }
    const indented = multiLine ? value.replace(/\n(?=[^\n])/g, `\n${before}`) + (value.endsWith('\n') ? before : '') : value;
    return `<!-- figure:${name} -->${indented}<!-- /figure -->`;
  });
  const missing = Object.keys(figures).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`README.md has no figure block for ${missing.join(', ')}`);
  return written;
}

/** Every figure, measured now: the demo at README_MOMENT, and the package as it would ship from this checkout. */
export async function readmeFigures(): Promise<Figures> {
  return { ...demoFigures(await demoAtReadmeMoment()), 'package-size': packageSize(await packedBytes()), 'view-size': packageSize(largestViewBytes()) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const before = readFileSync(README_PATH, 'utf8');
  const demo = demoFigures(await demoAtReadmeMoment());
  // The README ships in the package, so its own figures weigh in the package's size: write them,
  // measure, and go again while writing the size moves it to another step.
  let readme = before;
  for (let round = 0; round < 3; round += 1) {
    const updated = withFigures(readme, { ...demo, 'package-size': packageSize(await packedBytes()), 'view-size': packageSize(largestViewBytes()) });
    if (updated === readme) break;
    writeFileSync(README_PATH, updated);
    readme = updated;
  }
  process.stdout.write(readme === before ? 'README.md figures are current.\n' : 'README.md figures updated.\n');
}
