import type { ServerResponse } from 'node:http';
import { type Answer, envelope, send } from './http.js';
import { hashString, seededRandom } from './random.js';
import type { FaultKind, FaultPlan, SimulatedRequest } from './types.js';

/**
 * Seeded transient faults. Whether a request fails depends only on the seed, the request's
 * identity and how often that identity was seen, so a run repeats exactly and a retry of the
 * same page gets a fresh draw.
 */
export class FaultInjector {
  private readonly failed = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private readonly stalled = new Set<ServerResponse>();

  /** The plan is read on every request: a test may change its rate while the fake runs. */
  constructor(private readonly plan: () => FaultPlan | undefined) {}

  pick(request: SimulatedRequest): FaultKind | undefined {
    const plan = this.plan();
    if (!plan || plan.rate <= 0 || plan.kinds.length === 0) return undefined;
    if (plan.orders && (request.order === undefined || !plan.orders.includes(request.order))) return undefined;
    // Every logged field is part of a request's identity, for whatever fields an endpoint logs.
    const key = Object.values(request).join(':');
    const seen = this.seen.get(key) ?? 0;
    this.seen.set(key, seen + 1);
    const failed = this.failed.get(key) ?? 0;
    if (failed >= (plan.maxPerRequest ?? 2)) return undefined;
    const random = seededRandom(hashString(`${plan.seed}|${key}|${seen}`));
    if (random() >= plan.rate) return undefined;
    this.failed.set(key, failed + 1);
    return plan.kinds[Math.floor(random() * plan.kinds.length)];
  }

  /** Answers with the fault; `answer` is the real answer, for faults that send part of it. */
  inject(fault: FaultKind, response: ServerResponse, answer: () => Answer): void {
    switch (fault) {
      case 'http-503':
        return send(response, { status: 503, body: envelope(503, 'Servis geçici olarak kullanılamıyor') });
      case 'html-502':
        return send(response, { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } });
      case 'truncated': {
        // The real answer, cut off partway: some orders arrive whole before the body breaks.
        const text = JSON.stringify(answer().body);
        return send(response, { status: 200, body: text.slice(0, Math.floor(text.length * 0.6)) });
      }
      case 'rate-limit':
        return send(response, {
          status: 429,
          body: 'Too Many Requests',
          headers: { 'content-type': 'text/plain', 'retry-after': String(this.plan()?.retryAfterSeconds ?? 1) },
        });
      case 'reset':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        response.write('{"response":{"status":{"code":200,');
        setTimeout(() => response.socket?.destroy(), 5);
        return;
      case 'stall':
        this.stalled.add(response);
        response.on('close', () => this.stalled.delete(response));
        return;
    }
  }

  /** Ends the stalled answers, which would otherwise hold the server open. */
  releaseStalled(): void {
    for (const response of this.stalled) response.socket?.destroy();
  }
}
