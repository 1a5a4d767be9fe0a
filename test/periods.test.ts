import { describe, expect, it } from 'vitest';
import { UserInputError } from '../src/errors.js';
import { resolveRange } from '../src/reporting/date-range.js';
import { connect, textOf } from './support/harness.js';

/**
 * A month named as a period is held to the rule its first day is held to as start: a day of
 * the years 2000 to 2999. Refused before any API call, under an injected clock.
 */

const rules = { clock: () => new Date('2026-04-22T09:30:00Z'), maxRangeDays: 3660 };

function refusal(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('month periods', () => {
  it.each(['1999-12', '0000-01', '1000-06', '0001-01'])('%s is refused like its first day as start', (period) => {
    const month = refusal(() => resolveRange({ period }, rules));
    expect([month.field, month.message]).toEqual(['period', `Invalid period: "${period}" is not a month of the years 2000 to 2999.`]);
    const start = refusal(() => resolveRange({ start: `${period}-01` }, rules));
    expect([start.field, start.message]).toEqual([
      'start',
      `Invalid start: "${period}-01" is not a real calendar day of the years 2000 to 2999 written YYYY-MM-DD.`,
    ]);
  });

  it('the first and last months of the range still resolve', () => {
    expect(resolveRange({ period: '2000-01' }, rules)).toEqual({ start: '2000-01-01', end: '2000-01-31' });
    expect(resolveRange({ period: '2000-02' }, rules)).toEqual({ start: '2000-02-01', end: '2000-02-29' });
    expect(refusal(() => resolveRange({ period: '2999-12' }, rules)).message).toBe(
      'Invalid period: 2999-12 has not started yet; today is 2026-04-22 in Istanbul.',
    );
  });

  it('a tool refuses 1999-12 without calling the API', async () => {
    const server = await connect({ maxRangeDays: 3660 });
    try {
      const result = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { period: '1999-12' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('"1999-12" is not a month of the years 2000 to 2999.');
      expect(server.api.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
