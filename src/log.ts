/** Logs go to stderr only: stdout belongs to JSON-RPC. Nothing is logged unless debug is on. */
export interface Logger {
  debug(message: string): void;
}

export function stderrLogger(enabled: boolean): Logger {
  return {
    debug(message) {
      if (enabled) process.stderr.write(`[iletimerkezi-mcp] ${message}\n`);
    },
  };
}

export const silentLogger: Logger = { debug() {} };
