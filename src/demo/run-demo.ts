import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { fileURLToPath } from 'node:url';
import { askDemoQuestions } from './questions.js';
import { writeViewPreviews } from './view-previews.js';

/**
 * `npm run demo`: spawns the built server in demo mode over stdio with the SDK's Client, as a
 * desktop client would, asks the questions this server exists for, and prints the answers.
 * Then it writes previews of the MCP Apps views, to open in a browser. Exits 0 only when every
 * call succeeded.
 */

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
    await askDemoQuestions(client, (answer) => {
      write(`\n❯ ${answer.question}\n  ${answer.tool}(${JSON.stringify(answer.arguments)})`);
      write(`  answered in ${Math.round(answer.milliseconds)} ms${answer.isError ? ' with an ERROR' : ''}:`);
      write(answer.text.replace(/^/gm, '  │ '));
      if (answer.isError) failures += 1;
    });
    const previews = await writeViewPreviews(client, fileURLToPath(new URL('views/', import.meta.url)));
    write(`\nThe MCP Apps views with these answers, to open in a browser:\n${previews.map((path) => `  ${path}`).join('\n')}`);
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
