import type { Logger } from '../log.js';

/**
 * In HTTP mode stderr carries JSON lines only, one object a line, so a log pipeline can parse
 * every line: the access log, and the few events (listening, draining, Redis outages) an
 * operator must see. None is ever built from a credential, a token or a URL that may hold one.
 */

export interface AccessEntry {
  /** The first 8 hex characters of the account's HMAC identity; null when the request names none. */
  account: string | null;
  /** With OAuth sign-in: the client id of the request's token; null without a valid one. */
  client?: string | null;
  /** The tool a tools/call request called; null for every other request. */
  tool: string | null;
  durationMs: number;
  outcome: string;
}

export type LineSink = (line: string) => void;

const stderrLines: LineSink = (line) => {
  process.stderr.write(`${line}\n`);
};

export class JsonLog {
  constructor(
    private readonly sink: LineSink = stderrLines,
    private readonly debugEnabled = false,
  ) {}

  access(entry: AccessEntry): void {
    this.sink(JSON.stringify({ time: new Date().toISOString(), ...entry }));
  }

  event(event: string, message: string): void {
    this.sink(JSON.stringify({ time: new Date().toISOString(), event, message }));
  }

  /** The debug logger of the clients and tools, as JSON lines. */
  get logger(): Logger {
    return { debug: (message) => (this.debugEnabled ? this.event('debug', message) : undefined) };
  }
}
