#!/usr/bin/env node
import { ENVIRONMENT, loadConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { takeToolsFlag } from './tools-flag.js';
import { VERSION } from './version.js';

const usage = (tools: string) => `iletimerkezi-mcp ${VERSION}: an MCP server (stdio or HTTP) for the SMS reports and inbox of an iletiMerkezi account.

Usage:
  iletimerkezi-mcp            serve MCP over stdin/stdout (what MCP clients run)
  iletimerkezi-mcp --http     serve MCP over stateless Streamable HTTP at POST /mcp (hosted; settings below)
  iletimerkezi-mcp --demo     serve the built-in offline demo account instead of a real one (also with --http)
  iletimerkezi-mcp --check    make one authenticated call and say whether the account works
  iletimerkezi-mcp --help     show this help
  iletimerkezi-mcp --version  show the version
  iletimerkezi-mcp --tools a,b  with any of the above: serve only these tools and groups (or --tools=a,b; overrides ILETIMERKEZI_TOOLS)

Tools ${tools}.

Other settings come from the environment only (never put credentials in arguments):
${ENVIRONMENT.map((variable) => `  ${variable.name.padEnd(34)} ${variable.about} Default: ${variable.fallback}.`).join('\n')}
`;

const FLAGS = new Set(['--help', '-h', '--version', '-v', '--demo', '--check', '--http']);
const httpMode = process.argv.includes('--http');

async function main(commandLine: string[]): Promise<number> {
  const toolsFlag = takeToolsFlag(commandLine);
  if ('problem' in toolsFlag) {
    process.stderr.write(`iletimerkezi-mcp: ${toolsFlag.problem}\n`);
    return 2;
  }
  const argv = toolsFlag.rest;
  const unknown = argv.filter((argument) => !FLAGS.has(argument));
  if (unknown.length > 0) {
    process.stderr.write(`iletimerkezi-mcp: unknown argument ${JSON.stringify(unknown[0])}. Settings are environment variables; see --help.\n`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    const { TOOLS } = await import('./tools/index.js');
    const { toolsByGroup } = await import('./tools/toolsets.js');
    const readOnly = TOOLS.every((tool) => tool.annotations.readOnlyHint);
    process.stdout.write(usage(`${readOnly ? '(all read-only) ' : ''}by group: ${toolsByGroup()}`));
    return 0;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`iletimerkezi-mcp: ${error.message}\n`);
    return 2;
  }
  // Checked before anything starts, --check included, so a misspelt name is found while setting up.
  const { selectTools } = await import('./tools/toolsets.js');
  const selection = selectTools(toolsFlag.value ?? config.tools, toolsFlag.value === undefined ? 'ILETIMERKEZI_TOOLS' : '--tools');
  if ('refusal' in selection) {
    process.stderr.write(`iletimerkezi-mcp: ${selection.refusal}\n`);
    return 2;
  }
  const demo = argv.includes('--demo') || config.demo;
  if (argv.includes('--check')) {
    const { runCheck } = await import('./check.js');
    const { systemClock } = await import('./reporting/calendar.js');
    return runCheck(config, demo, systemClock, (line) => process.stderr.write(`${line}\n`));
  }
  const { openRuntime } = await import('./runtime.js');
  const runtime = await openRuntime(config, demo);
  if (argv.includes('--http')) {
    const { serveHttp } = await import('./server/serve-http.js');
    try {
      await serveHttp(config, runtime, selection.tools);
    } catch (error) {
      // A setting that would expose an account, or an address it cannot listen on, is refused like a malformed one.
      if (!(error instanceof ConfigurationError)) throw error;
      process.stderr.write(`iletimerkezi-mcp: ${error.message}\n`);
      await runtime.close();
      return 2;
    }
    return -1;
  }
  const { serveStdio } = await import('./server/stdio.js');
  serveStdio(config, runtime, selection.tools);
  return -1;
}

// A stray failure must not end the client's session: report its kind on stderr and go on. In
// HTTP mode stderr holds JSON lines only.
const reportInternalError = (reason: unknown) => {
  const kind = reason instanceof Error ? reason.name : 'unknown';
  process.stderr.write(
    httpMode
      ? `${JSON.stringify({ time: new Date().toISOString(), event: 'internal-error', message: kind })}\n`
      : `iletimerkezi-mcp: unexpected internal error: ${kind}\n`,
  );
};
process.on('unhandledRejection', reportInternalError);
process.on('uncaughtException', reportInternalError);

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`iletimerkezi-mcp: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    // Whatever started before the failure (the demo API, a Redis connection) must not keep the process alive.
    process.exit(1);
  },
);
