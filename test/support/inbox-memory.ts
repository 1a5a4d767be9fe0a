import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { InboxMessage } from '../../src/api/schemas.js';
import { startSimulatedApi } from '../../src/simulator/api-server.js';
import { TEST_CREDENTIALS } from './harness.js';

/**
 * The inbox memory target, as `npm run bench` measures it: the built
 * server, spawned over stdio, answers `read_inbox` with `limit: 1` twenty times over an inbox of
 * 500 messages of 29,000 characters each, and its resident memory may grow by less than 120 MiB.
 * Each answer issues a cursor, so each keeps a snapshot of its listing: what those snapshots
 * hold, and how the body is read, decide the growth.
 */
export const LONG_INBOX = { messages: 500, textChars: 29_000, calls: 20, maxGrowthMiB: 120 } as const;

/** Every this-many-th message ends in RET, past the first thousand characters: a possible opt-out. */
export const RET_EVERY = 100;

/** ASCII, so that 500 texts stay under the client's 16 MiB body cap, as one byte a character. */
const FILLER = 'Merhaba, siparisim hala gelmedi; kargo takip numarasi da calismiyor. ';

/** The long inbox: one message a minute from 00:00, each text its index and then filler. */
export function longInbox(): InboxMessage[] {
  return Array.from({ length: LONG_INBOX.messages }, (_, index) => {
    const ending = index % RET_EVERY === RET_EVERY - 1 ? ' RET' : '';
    const body = `${index} ${FILLER.repeat(Math.ceil(LONG_INBOX.textChars / FILLER.length))}`.slice(0, LONG_INBOX.textChars - ending.length);
    return {
      id: String(index + 1),
      date: `2026-04-22 ${String(Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00`,
      sender: `+90532${String(1_000_000 + index)}`,
      number: '+908501234567',
      text: `${body}${ending}`,
    };
  });
}

/** Resident memory of a live process, from /proc (Linux), in MiB. */
function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

export interface InboxMemoryRun {
  /** Resident memory after the calls less before them. */
  growthMiB: number;
  /** The last answer's structured content. */
  last: unknown;
}

/**
 * One run on a fresh server. "Before" is taken once the server has answered a first call
 * (read_balance), so the HTTP stack it loads on first use is not counted as inbox memory.
 */
export async function measureInboxMemory(serverEntry: string, inbox: InboxMessage[] = longInbox(), calls: number = LONG_INBOX.calls): Promise<InboxMemoryRun> {
  const api = await startSimulatedApi({ account: { orders: [], inbox }, credentials: TEST_CREDENTIALS });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [serverEntry],
    env: {
      PATH: process.env.PATH ?? '',
      ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
      ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
      ILETIMERKEZI_BASE_URL: api.baseUrl,
    },
    stderr: 'pipe',
  });
  const mcp = new Client({ name: 'inbox-memory', version: '1.0.0' });
  try {
    await mcp.connect(transport);
    const pid = transport.pid;
    if (pid === null) throw new Error('the spawned server has no pid');
    await mcp.callTool({ name: 'read_balance', arguments: {} });
    const before = residentMiB(pid);
    let last: unknown;
    for (let call = 0; call < calls; call += 1) {
      const result = await mcp.callTool({ name: 'read_inbox', arguments: { limit: 1 } }, { timeout: 60_000 });
      if (result.isError) throw new Error(`read_inbox failed: ${JSON.stringify(result.content)}`);
      last = result.structuredContent;
    }
    return { growthMiB: residentMiB(pid) - before, last };
  } finally {
    await mcp.close();
    await api.close();
  }
}
