import { serveStdio as serveMcpOverStdio } from '@modelcontextprotocol/server/stdio';
import type { Config } from '../config.js';
import { stderrLogger } from '../log.js';
import type { Runtime } from '../runtime.js';
import type { Tool } from '../tools/tool.js';
import { serverFactory } from './create-server.js';

const WARM_UP_DELAY_MS = 250;

/** For a person who started the server at a terminal: stdin is theirs, and it waits for JSON-RPC. */
const WAITING_AT_TERMINAL =
  'iletimerkezi-mcp is waiting for an MCP client on stdin/stdout; MCP clients start it themselves. ' +
  'See iletimerkezi-mcp --help to set one up or to check an account (Ctrl+C stops it).';

/**
 * Serves `tools` over stdin/stdout until the client goes away; only JSON-RPC is written to stdout.
 * The SDK's entry decides the connection's era from its opening (2026-07-28 `server/discover`,
 * or a 2025 `initialize`) and pins one server to it; the tools are opened once, before that.
 */
export function serveStdio(config: Config, runtime: Runtime, tools: readonly Tool[]): void {
  const logger = stderrLogger(config.debug);
  const build = serverFactory({
    api: runtime.client,
    maxRangeDays: config.maxRangeDays,
    callTimeoutMs: config.callTimeoutMs,
    maxReportOrders: config.maxReportOrders,
    demo: runtime.demo,
    logger,
    tools,
  });
  const handle = serveMcpOverStdio(build, {
    onerror: (error) => logger.debug(`stdio: ${error.message}`),
  });
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await handle.close().catch(() => {});
    await runtime.close().catch(() => {});
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown());
  process.stdin.on('close', () => void shutdown());
  process.stdout.on('error', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  if (process.stdin.isTTY) process.stderr.write(`${WAITING_AT_TERMINAL}\n`);
  logger.debug(`serving MCP over stdio against ${runtime.baseUrl}`);
  // After the handshake a client usually lists tools, then waits for its user: prepare the
  // first call then, rather than during either.
  setTimeout(() => runtime.warmUp(), WARM_UP_DELAY_MS).unref();
}
