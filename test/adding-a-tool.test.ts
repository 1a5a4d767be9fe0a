import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../src/errors.js';
import { inclusiveDays } from '../src/reporting/calendar.js';
import { requireRange } from '../src/reporting/date-range.js';
import { READ_ONLY_ANNOTATIONS, counted, phoneNumberInputs, rangeFields, rangeOutput, rangeWithTimezone, strictInput } from '../src/tools/fields.js';
import { TOOLS } from '../src/tools/index.js';
import { defineTool } from '../src/tools/tool.js';
import { type Connected, connect, textOf } from './support/harness.js';

/**
 * The README's "Adding a tool", followed once for real: this tool exists only in this file, and
 * registration, schemas, state, errors and rendering must all flow from it alone.
 */
const countDaysTool = defineTool({
  name: 'count_days',
  group: 'reports',
  title: 'Count days',
  description: 'Counts the Istanbul days of a range. A test tool.',
  useFor: 'to count the days of a range',
  deadlineAdvice: 'Try again later.',
  inputSchema: strictInput({ ...rangeFields, refuse: z.boolean().optional().describe('Fail on purpose.') }),
  outputSchema: z.object({ range: rangeOutput, days: z.number().int(), call: z.number().int() }),
  annotations: READ_ONLY_ANNOTATIONS,
  createState: () => ({ calls: 0 }),
  handler(params, context) {
    if (params.refuse) throw new UserInputError('refuse', 'this tool was asked to fail.');
    const range = requireRange(params, context);
    context.state.calls += 1;
    return Promise.resolve({ range: rangeWithTimezone(range), days: inclusiveDays(range.start, range.end), call: context.state.calls });
  },
  render: (result) => `${result.range.start}..${result.range.end} has ${counted(result.days, 'day')} (call ${result.call}).`,
});

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('a tool defined in one file', () => {
  it('is listed with its own schemas and annotations, and named in the instructions', async () => {
    session = await connect({ tools: [...TOOLS, countDaysTool] });
    const { tools } = await session.mcp.listTools();
    const listed = tools.find((tool) => tool.name === 'count_days');
    expect(tools.map((tool) => tool.name)).toEqual([...TOOLS.map((tool) => tool.name), 'count_days']);
    expect(listed?.title).toBe('Count days');
    expect(listed?.annotations).toEqual(READ_ONLY_ANNOTATIONS);
    expect(Object.keys(listed?.inputSchema.properties ?? {})).toEqual(['period', 'start', 'end', 'refuse']);
    expect(listed?.outputSchema?.required).toEqual(['range', 'days', 'call']);
    expect(session.mcp.getInstructions()).toContain('and count_days to count the days of a range.');
  });

  it('answers with its rendered text and structured data, keeping its state between calls of one server', async () => {
    session = await connect({ tools: [countDaysTool] });
    const first = await session.mcp.callTool({ name: 'count_days', arguments: { start: '2026-04-01', end: '2026-04-10' } });
    const second = await session.mcp.callTool({ name: 'count_days', arguments: { period: 'last_month' } });
    expect(textOf(first)).toBe('2026-04-01..2026-04-10 has 10 days (call 1).');
    expect(second.structuredContent).toEqual({
      range: { start: '2026-03-01', end: '2026-03-31', timezone: 'Europe/Istanbul' },
      days: 31,
      call: 2,
    });
    // A second server has its own state.
    const other = await connect({ tools: [countDaysTool] });
    const fresh = await other.mcp.callTool({ name: 'count_days', arguments: { period: 'today' } });
    await other.close();
    expect(fresh.structuredContent).toMatchObject({ days: 1, call: 1 });
  });

  it('turns its typed errors and schema refusals into isError results that name the field', async () => {
    session = await connect({ tools: [countDaysTool] });
    const refused = await session.mcp.callTool({ name: 'count_days', arguments: { period: 'today', refuse: true } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe('Invalid refuse: this tool was asked to fail.');
    const unknown = await session.mcp.callTool({ name: 'count_days', arguments: { from: '2026-04-01' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('Unknown field "from". This tool accepts only: period, start, end, refuse.');
    const missing = await session.mcp.callTool({ name: 'count_days', arguments: {} });
    expect(textOf(missing)).toContain('Invalid period: a date range is required');
  });
});

/** The schema an input's value is read by, past optional, default and list wrappers, with the descriptions met on the way. */
function innermost(schema: z.ZodType): { schema: z.ZodType; descriptions: string[] } {
  const descriptions = [schema.description ?? ''];
  let inner = schema;
  for (;;) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodArray) inner = inner.element as z.ZodType;
    else break;
    descriptions.push(inner.description ?? '');
  }
  return { schema: inner, descriptions };
}

describe('a phone-number input', () => {
  it('is the shared phoneNumberField wherever a tool takes a phone number, so each is read by the one phone rule', () => {
    const speaking: string[] = [];
    const shared: string[] = [];
    for (const tool of TOOLS) {
      for (const [field, schema] of Object.entries(tool.inputSchema.shape)) {
        const { schema: inner, descriptions } = innermost(schema as z.ZodType);
        if (descriptions.some((text) => /phone number/i.test(text))) speaking.push(`${tool.name}.${field}`);
        if (phoneNumberInputs.has(inner)) shared.push(`${tool.name}.${field}`);
      }
    }
    expect(shared).toEqual(speaking);
    expect(speaking.sort()).toEqual(['check_blacklist.numbers', 'read_inbox.sender', 'trace_number.number']);
  });
});
