import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import ts from 'typescript';

/** What ships and how: the npm package, the MCP Bundle and their manifests, read as a user gets them. */

export const ROOT = resolve(import.meta.dirname, '../..');

/** The MCP Apps views `npm run build` writes (scripts/build-views.mjs), which the server reads at run time. */
export const VIEW_FILES = ['dist/views/delivery.html', 'dist/views/opt-outs.html'];

export interface PackageJson {
  name: string;
  version: string;
  license: string;
  mcpName: string;
  engines: { node: string };
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(resolve(ROOT, path), 'utf8')) as T;
}

export const readPackageJson = (): PackageJson => readJson<PackageJson>('package.json');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without a shell; a non-zero exit is a result, not an error. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) || 1 : 0, stdout, stderr }),
    );
  });
}

/** The mcpb CLI of the devDependency, run by the Node that runs the tests. */
export function mcpb(args: string[], cwd = ROOT): Promise<Run> {
  const manifest = join(ROOT, 'node_modules/@anthropic-ai/mcpb/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const cli = join(dirname(manifest), typeof bin === 'string' ? bin : (bin.mcpb ?? ''));
  return run(process.execPath, [cli, ...args], { cwd });
}

/** A fresh folder under the system temp folder, removed by the returned function. */
export function temporaryFolder(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Whether any folder from `path` up to the file system root has a node_modules a server could borrow from. */
export function nodeModulesAbove(path: string): string | undefined {
  for (let folder = resolve(path); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'node_modules'))) return join(folder, 'node_modules');
    if (dirname(folder) === folder) return undefined;
  }
}

export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/**
 * Every module a built file loads: import and export declarations, import() and the require()
 * calls of bundled CommonJS code (`require` from the createRequire banner, or esbuild's
 * `__require`). The file is parsed, so specifiers that only appear in strings or comments (ajv
 * generates code that mentions `require("ajv/dist/runtime/equal")`) do not count.
 */
export function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const [first] = node.arguments;
      const callee = node.expression;
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && (callee.text === 'require' || callee.text === '__require'));
      if (loads && first && ts.isStringLiteralLike(first)) found.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The built files an entry loads, itself included, following relative specifiers; paths relative to ROOT. */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [posix.normalize(entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiersOf(join(ROOT, file))) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) pending.push(posix.join(posix.dirname(file), specifier));
    }
  }
  return [...seen].sort();
}

/** `@scope/name/deep/path` → `@scope/name`; `name/deep` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The packages (not Node's own modules, not relative files) the given built files load at run time. */
export function externalPackages(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    for (const specifier of specifiersOf(join(ROOT, file))) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) continue;
      names.add(packageNameOf(specifier));
    }
  }
  return [...names].sort();
}

/** The files `npm pack` would put in the tarball. Scripts stay off: the suite's build must not be redone under other tests. */
export async function packedFiles(): Promise<string[]> {
  const result = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
  if (result.code !== 0) throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
  const [pack] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
  return (pack?.files ?? []).map((file) => file.path).sort();
}

export interface StdioServer {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

/** Connects the SDK's client to a server process over stdio, as a desktop client does. */
export async function connectStdio(server: StdioServer): Promise<{ mcp: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ ...server, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const mcp = new Client({ name: 'distribution-test', version: '1.0.0' });
  await mcp.connect(transport);
  return { mcp, stderr: () => stderr };
}

