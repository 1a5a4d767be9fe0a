import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../src/tools/index.js';
import { type Connected, connect } from './support/harness.js';

/**
 * The context a client spends on this server before its first question: tools/list as the server
 * sends it. Cursor caps the tools across all servers, and Claude Code defers schemas that fill too
 * much context, so the model-visible part of each tool has a budget, and the whole list another.
 */
const AVERAGE_BUDGET_BYTES = 2_000;
const LIST_BUDGET_BYTES = 65_536;

interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** What a model reads of a tool: everything but the output schema, which only the client validates with. */
const modelVisible = ({ name, title, description, inputSchema, annotations }: ListedTool) => ({ name, title, description, inputSchema, annotations });

let session: Connected;
let listed: { tools: ListedTool[] };
beforeAll(async () => {
  // The result as the server hands it to the transport, before any client parsing could drop or add a field.
  const sent: JSONRPCMessage[] = [];
  session = await connect({ onServerMessage: (message) => sent.push(message) });
  const { tools } = await session.mcp.listTools();
  expect(tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
  const answer = sent.find((message) => 'result' in message && Array.isArray((message.result as { tools?: unknown }).tools));
  if (!answer || !('result' in answer)) throw new Error('the server sent no tools/list result');
  listed = answer.result as unknown as { tools: ListedTool[] };
});
afterAll(async () => {
  await session.close();
});

describe('the tools/list budget', () => {
  it(`spends at most ${AVERAGE_BUDGET_BYTES} bytes per tool on average, and under ${LIST_BUDGET_BYTES} bytes in all`, () => {
    const figures = listed.tools.map((tool) => ({
      tool: tool.name,
      modelVisible: bytes(modelVisible(tool)),
      description: Buffer.byteLength(tool.description ?? '', 'utf8'),
      inputSchema: bytes(tool.inputSchema),
      outputSchema: bytes(tool.outputSchema ?? null),
    }));
    const visible = figures.reduce((sum, figure) => sum + figure.modelVisible, 0);
    const average = Math.round(visible / figures.length);
    const whole = bytes(listed);
    console.log(
      [
        'tools/list, compact UTF-8 JSON bytes:',
        ...figures.map((f) => `  ${f.tool.padEnd(20)} visible ${String(f.modelVisible).padStart(5)} (description ${f.description}, input ${f.inputSchema}), output schema ${f.outputSchema}`),
        `  average visible ${average} (budget ${AVERAGE_BUDGET_BYTES}); whole list ${whole} (budget < ${LIST_BUDGET_BYTES})`,
      ].join('\n'),
    );
    // Both are checked whichever fails first; the figures above say where the bytes go.
    expect.soft(average, 'average model-visible bytes per tool').toBeLessThanOrEqual(AVERAGE_BUDGET_BYTES);
    expect.soft(whole, 'bytes of the whole tools/list result').toBeLessThan(LIST_BUDGET_BYTES);
  });
});

describe('the JSON Schemas in tools/list', () => {
  it('leave out the dialect, the ±2^53-1 integer bounds and closed output objects, and keep closed inputs and real bounds', () => {
    const text = JSON.stringify(listed);
    expect(text).not.toContain('$schema');
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(JSON.stringify(listed.tools.map((tool) => tool.outputSchema))).not.toContain('"additionalProperties":false');
    for (const tool of listed.tools) expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
    const listOrders = listed.tools.find((tool) => tool.name === 'list_orders');
    expect(listOrders?.inputSchema).toMatchObject({ properties: { limit: { type: 'integer', minimum: 1, maximum: 500 } } });
  });
});
