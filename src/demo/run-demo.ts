import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';

/**
 * `npm run demo`: spawns the built server in demo mode over stdio with the SDK's Client, as a
 * desktop client would, asks the questions this server exists for, and prints the answers.
 * Exits 0 only when every call succeeded.
 */

interface Step {
  question: string;
  tool: string;
  /** The call's arguments; a function of the earlier answers' structured data when a question follows one. */
  arguments: Record<string, unknown> | ((earlier: unknown[]) => Record<string, unknown>);
}

/** The id of the newest order of a list_orders answer. */
function newestOrderId(answer: unknown): number {
  const orders = (answer as { orders?: Array<{ id: number }> } | undefined)?.orders ?? [];
  if (!orders[0]) throw new Error('the demo account has no failed order to drill into');
  return orders[0].id;
}

const QUESTIONS: Step[] = [
  { question: 'How many SMS failed last month?', tool: 'summarize_delivery', arguments: { period: 'last_month' } },
  {
    question: 'Which orders are still going out?',
    tool: 'list_orders',
    arguments: { period: 'last_7_days', status: 'in_progress', limit: 10 },
  },
  { question: 'Which orders failed recently?', tool: 'list_orders', arguments: { period: 'last_30_days', status: 'failed', limit: 3 } },
  {
    question: 'Which numbers failed in the last failed order?',
    tool: 'list_recipients',
    arguments: (earlier) => ({ orderId: newestOrderId(earlier.at(-1)), status: 'undelivered', limit: 10 }),
  },
  { question: 'Which numbers keep failing this month?', tool: 'list_failed_numbers', arguments: { period: 'this_month', minFailures: 2, limit: 10 } },
  { question: 'Who opted out this month?', tool: 'read_inbox', arguments: { period: 'this_month', optOutOnly: true } },
  // The last 30 days rather than the calendar month, so the audit has its story on the 1st of a month too.
  { question: "Audit this month's opt-outs (the last 30 days)", tool: 'audit_opt_outs', arguments: { period: 'last_30_days' } },
];

const write = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  const server = fileURLToPath(new URL('../cli.js', import.meta.url));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [server, '--demo'],
    env: { PATH: process.env.PATH ?? '' },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'iletimerkezi-mcp-demo', version: '1.0.0' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  write(`Connected to ${client.getServerVersion()?.name} over stdio (demo account). Tools: ${tools.map((tool) => tool.name).join(', ')}.`);
  let failures = 0;
  try {
    const answers: unknown[] = [];
    for (const step of QUESTIONS) {
      const args = typeof step.arguments === 'function' ? step.arguments(answers) : step.arguments;
      write(`\n❯ ${step.question}\n  ${step.tool}(${JSON.stringify(args)})`);
      const started = performance.now();
      const result = await client.callTool({ name: step.tool, arguments: args });
      answers.push(result.structuredContent);
      const text = (result.content as Array<{ type: string; text?: string }>).map((block) => block.text ?? '').join('\n');
      write(`  answered in ${Math.round(performance.now() - started)} ms${result.isError ? ' with an ERROR' : ''}:`);
      write(text.replace(/^/gm, '  │ '));
      if (result.isError) failures += 1;
    }
  } finally {
    await client.close();
  }
  write(failures === 0 ? '\nAll demo questions answered.' : `\n${failures} demo question(s) failed.`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
