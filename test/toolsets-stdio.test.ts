import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../src/tools/index.js';
import { TEST_CREDENTIALS } from './support/harness.js';
import { RpcSession, closedPort, runToExit } from './support/spawned.js';

/** The built server over stdio, started with a toolset from the environment or the command line. */

const CHOICES =
  'Name tools or groups, comma-separated, or all: reports (summarize_delivery, list_orders); ' +
  'recipients (list_recipients, list_failed_numbers, trace_number, check_blacklist); inbox (read_inbox, audit_opt_outs); account (read_balance).';

let credentials: Record<string, string>;
beforeAll(async () => {
  // Listing needs no API: a closed port proves that nothing is asked of it.
  credentials = {
    ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
    ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
    ILETIMERKEZI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
  };
});

let session: RpcSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface Served {
  tools: string[];
  /** Null when the server declares no prompts capability, having no prompt to serve. */
  prompts: string[] | null;
  /** The registry's tools that the instructions name. */
  instructed: string[];
}

async function served(env: Record<string, string>, args: string[] = []): Promise<Served> {
  session = new RpcSession(env, args);
  const initialized = await session.initialize();
  const instructions = String(initialized.result?.instructions);
  const tools = (await session.request('tools/list')).result?.tools as Array<{ name: string }>;
  const declared = (initialized.result?.capabilities as { prompts?: unknown }).prompts !== undefined;
  const prompts = declared ? ((await session.request('prompts/list')).result?.prompts as Array<{ name: string }>) : null;
  return {
    tools: tools.map((tool) => tool.name),
    prompts: prompts?.map((prompt) => prompt.name) ?? null,
    instructed: TOOLS.map((tool) => tool.name).filter((name) => instructions.includes(name)),
  };
}

describe('a toolset over stdio', () => {
  it('serves every tool and prompt by default', async () => {
    const names = TOOLS.map((tool) => tool.name);
    expect(await served(credentials)).toEqual({ tools: names, prompts: ['delivery_report', 'opt_out_audit'], instructed: names });
  });

  it('serves what ILETIMERKEZI_TOOLS names, with the prompts whose tools are all served', async () => {
    const tools = ['read_inbox', 'audit_opt_outs', 'read_balance'];
    expect(await served({ ...credentials, ILETIMERKEZI_TOOLS: ' Inbox, READ_BALANCE ' })).toEqual({ tools, prompts: ['opt_out_audit'], instructed: tools });
  });

  it('takes --tools=a,b, in the demo too', async () => {
    const tools = ['summarize_delivery', 'list_orders', 'list_failed_numbers'];
    expect(await served({}, ['--demo', '--tools=list_failed_numbers,reports'])).toEqual({ tools, prompts: ['delivery_report'], instructed: tools });
    // Only the listed tools answer: the SDK knows no other.
    const refused = await session?.callTool('read_inbox', {});
    expect(refused?.error?.message ?? JSON.stringify(refused?.result)).toMatch(/read_inbox[^"]* not found/);
  });

  it('takes --tools a,b, over ILETIMERKEZI_TOOLS', async () => {
    expect(await served({ ...credentials, ILETIMERKEZI_TOOLS: 'inbox' }, ['--tools', 'account'])).toEqual({
      tools: ['read_balance'],
      prompts: null,
      instructed: ['read_balance'],
    });
  });
});

describe('a toolset that cannot be served', () => {
  it.each([
    ['ILETIMERKEZI_TOOLS', { ILETIMERKEZI_TOOLS: 'reports,bogus' }, [], 'ILETIMERKEZI_TOOLS names "bogus"'],
    ['--tools=', {}, ['--tools=reports,Bogus'], '--tools names "bogus"'],
    ['--tools with --http', {}, ['--http', '--demo', '--tools', 'inbox,bogus'], '--tools names "bogus"'],
    ['--tools with --check', {}, ['--check', '--tools', 'bogus'], '--tools names "bogus"'],
  ])('stops start-up with exit 2 and every group and tool on stderr (%s)', async (_, env, args, named) => {
    const exit = await runToExit({ ...credentials, ...env }, args);
    expect(exit.code).toBe(2);
    expect(exit.stdout.length).toBe(0);
    expect(exit.stderr).toBe(`iletimerkezi-mcp: ${named}, which is not a tool or group this server serves. ${CHOICES}\n`);
  });

  it('refuses a list that names nothing', async () => {
    const exit = await runToExit(credentials, ['--tools=,']);
    expect({ code: exit.code, stdout: exit.stdout.length, stderr: exit.stderr }).toEqual({
      code: 2,
      stdout: 0,
      stderr: `iletimerkezi-mcp: --tools names no tool or group. ${CHOICES}\n`,
    });
  });

  it.each([
    [['--tools'], '--tools needs the tools or groups to serve, for example --tools reports,read_balance.'],
    [['--tools', '--demo'], '--tools needs the tools or groups to serve, for example --tools reports,read_balance.'],
    [
      ['--tools=inbox', '--tools', 'account'],
      '--tools was given more than once; give it once, with every tool or group comma-separated, for example --tools reports,read_balance.',
    ],
  ])('refuses %j with exit 2', async (args, problem) => {
    const exit = await runToExit(credentials, args);
    expect({ code: exit.code, stdout: exit.stdout.length, stderr: exit.stderr }).toEqual({ code: 2, stdout: 0, stderr: `iletimerkezi-mcp: ${problem}\n` });
  });

  it('--help names the flag, the variable and every group with its tools', async () => {
    const exit = await runToExit({}, ['--help']);
    expect(exit.code).toBe(0);
    const help = exit.stdout.toString('utf8');
    expect(help).toContain('--tools a,b');
    expect(help).toContain('ILETIMERKEZI_TOOLS');
    expect(help).toContain(`Tools (all read-only) by group: ${CHOICES.slice(CHOICES.indexOf('reports'))}\n`);
  });
});
