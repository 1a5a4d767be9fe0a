import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedApi } from '../../src/simulator/api-server.js';

/**
 * One base URL in front of several fake APIs, as the real API is one URL for every account:
 * each request goes to the fake whose credentials it carries, so every fake's request log and
 * peak concurrency belong to one account alone. A request with unknown credentials gets 401.
 */
export interface AccountRouter {
  baseUrl: string;
  close(): Promise<void>;
}

function bodyOf(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startAccountRouter(fakes: ReadonlyMap<string, SimulatedApi>): Promise<AccountRouter> {
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await bodyOf(request);
    let key: unknown;
    try {
      key = (JSON.parse(body.toString('utf8')) as { request?: { authentication?: { key?: unknown } } } | null)?.request?.authentication?.key;
    } catch {
      key = undefined;
    }
    const target = typeof key === 'string' ? fakes.get(key) : undefined;
    if (!target) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"response":{"status":{"code":401,"message":"unknown account"}}}');
      return;
    }
    const forward = httpRequest(`${target.baseUrl}${(request.url ?? '').replace(/^\/v1/, '')}`, {
      method: request.method,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    });
    forward.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => response.destroy());
    forward.end(body);
  };
  const server: Server = createServer((request, response) => {
    route(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
