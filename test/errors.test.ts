import { describe, expect, it } from 'vitest';
import { ConfigurationError, ToolError, UpstreamError, UserInputError, errorCode } from '../src/errors.js';
import { connect, textOf } from './support/harness.js';

describe('the error family', () => {
  it('shares one base that the server shows, and keeps the cause of an upstream failure', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const upstream = new UpstreamError('network', 'kept failing', {}, { cause });
    expect([new UserInputError('start', 'x'), new ConfigurationError('y'), upstream].every((error) => error instanceof ToolError)).toBe(true);
    expect(upstream.cause).toBe(cause);
    expect(errorCode(upstream)).toBe('ECONNREFUSED');
    expect(errorCode(new Error('plain'))).toBeUndefined();
  });

  it('brings a network failure\'s system code to the debug log, and only the message to the model', async () => {
    const logged: string[] = [];
    const session = await connect({
      client: { baseUrl: 'http://127.0.0.1:1/v1' },
      logger: { debug: (line) => logged.push(line) },
    });
    try {
      const result = await session.mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'today' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('network error (ECONNREFUSED) after 4 attempts');
      expect(logged).toContain('UpstreamError caused by ECONNREFUSED');
    } finally {
      await session.close();
    }
  });
});
