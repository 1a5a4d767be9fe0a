import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestBody } from './endpoint.js';
import { endpointTable } from './endpoints.js';
import { FaultInjector } from './faults.js';
import { envelope, readBody, send } from './http.js';
import {
  ENDPOINT_NAMES,
  type EndpointName,
  type LoggedRequest,
  type SimulatedApi,
  type SimulatedRequest,
  type SimulatorOptions,
} from './types.js';

export {
  ENDPOINT_NAMES,
  FAULT_KINDS,
  type EndpointName,
  type FaultKind,
  type FaultPlan,
  type LoggedRequest,
  type ReportsWindow,
  type ScriptedResponse,
  type BlacklistEntry,
  type WireRecipient,
  type SimulatedAccount,
  type SimulatedApi,
  type SimulatedRequest,
  type SimulatorOptions,
} from './types.js';

/**
 * A simulated iletiMerkezi API on 127.0.0.1: strict where the real one is strict (401 on wrong
 * or revoked credentials, 458 past 10 days, empty pages past the end), with optional latency,
 * seeded faults, data modes and hand-written answers. Tests, the demo and the benchmark run on
 * it. It decides what the real API would accept with its own rules and imports nothing from the
 * code it checks.
 */

const ENDPOINT_URL = /\/([a-z-]+)\/json$/;

function endpointOf(request: IncomingMessage): EndpointName | undefined {
  const name = ENDPOINT_URL.exec(request.url ?? '')?.[1];
  return request.method === 'POST' && (ENDPOINT_NAMES as readonly string[]).includes(name ?? '') ? (name as EndpointName) : undefined;
}

/** The `request` object of a JSON body, or undefined when the body is not JSON at all. */
function parseRequest(text: string): RequestBody | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const request = (body as { request?: unknown } | null)?.request;
  return typeof request === 'object' && request !== null ? (request as RequestBody) : {};
}

export async function startSimulatedApi(options: SimulatorOptions): Promise<SimulatedApi> {
  const endpoints = endpointTable(options);
  const faults = new FaultInjector(() => options.faults);
  const requests: LoggedRequest[] = [];
  const started = performance.now();
  let inFlight = 0;
  let peak = 0;
  let revoked = false;

  const handle = async (incoming: IncomingMessage, response: ServerResponse, crowded: boolean): Promise<void> => {
    const request = parseRequest(await readBody(incoming));
    if (!request) return send(response, { status: 400, body: envelope(400, 'İstek okunamadı') });
    const name = endpointOf(incoming);
    if (!name) return send(response, { status: 404, body: envelope(404, 'Geçersiz API metodu') });
    const endpoint = endpoints[name];
    const simulated: SimulatedRequest = { endpoint: name, ...endpoint.describe(request) };
    const logged: LoggedRequest = { ...simulated, at: performance.now() - started };
    requests.push(logged);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const auth = request.authentication as { key?: unknown; hash?: unknown } | undefined;
    if (revoked || auth?.key !== options.credentials.key || auth?.hash !== options.credentials.hash) {
      return send(response, { status: 401, body: envelope(401, 'Üyelik bilgileri hatalı') });
    }
    if (crowded) {
      logged.fault = 'rate-limit';
      return send(response, { status: 429, body: envelope(429, 'Çok fazla istek'), headers: { 'retry-after': '0' } });
    }
    const fault = faults.pick(simulated);
    if (fault) {
      logged.fault = fault;
      return faults.inject(fault, response, () => endpoint.answer(request));
    }
    return send(response, options.script?.(simulated) ?? endpoint.answer(request));
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const crowded = options.rateLimitAbove !== undefined && inFlight >= options.rateLimitAbove;
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });
    handle(request, response, crowded).catch(() => {
      if (!response.headersSent) send(response, { status: 500, body: envelope(500, 'Sunucu hatası') });
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    requests,
    peakInFlight: () => peak,
    revokeCredentials: () => {
      revoked = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        faults.releaseStalled();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
