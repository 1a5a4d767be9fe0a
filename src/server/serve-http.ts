import type { Config } from '../config.js';
import { createOAuthService } from '../oauth/authorization-server.js';
import { balanceCheck } from '../oauth/credential-check.js';
import { type OAuthStores, openOAuthStores } from '../oauth/stores.js';
import { snapshotBounds } from '../tools/cursors.js';
import { recipientBounds } from '../reporting/recipient-cache.js';
import { blacklistBounds, blacklistMemoryStore } from '../reporting/blacklist.js';
import { windowBounds } from '../reporting/window-cache.js';
import type { Runtime } from '../runtime.js';
import type { Tool } from '../tools/tool.js';
import { MemoryStore } from '../state/memory-store.js';
import { type AccountStore, withFallback } from '../state/store.js';
import { JsonLog } from './access-log.js';
import { AccountRegistry } from './accounts.js';
import { checkHttpSettings, startHttpServer } from './http.js';
import { isLoopbackAddress } from '../loopback.js';
import { KEY_CHECK_BOUNDS, keyCheckMemoryStore } from './key-check.js';

interface Stores {
  snapshots: AccountStore;
  windows: AccountStore;
  recipients: AccountStore;
  blacklists: AccountStore;
  keyChecks: AccountStore;
  /** Only in the sign-in mode. */
  oauth: OAuthStores | undefined;
  /** Opens what the stores need (Redis's first connection); called once the port is held. */
  open(): Promise<void>;
  close(): Promise<void>;
}

/** Memory for one process; Redis when replicas share the state, with the same TTLs, bounds and shares. */
async function openStores(config: Config, log: JsonLog): Promise<Stores> {
  if (!config.http.redisUrl) {
    return {
      snapshots: new MemoryStore(snapshotBounds()),
      windows: new MemoryStore(windowBounds()),
      recipients: new MemoryStore(recipientBounds()),
      blacklists: blacklistMemoryStore(),
      keyChecks: keyCheckMemoryStore(),
      oauth: config.http.oauth ? openOAuthStores((_kind, bounds) => new MemoryStore(bounds)) : undefined,
      open: async () => {},
      close: async () => {},
    };
  }
  // Loaded only with Redis, so a lone process never pays for the client at start-up.
  const { RedisConnection } = await import('../state/redis-store.js');
  const connection = new RedisConnection(config.http.redisUrl, (event, message) => log.event(event, message), { connectLater: true });
  return {
    // Cursors live in the snapshot store: while Redis is down, this process keeps them itself.
    snapshots: withFallback(connection.store('snapshots', snapshotBounds()), new MemoryStore(snapshotBounds())),
    windows: connection.store('windows', windowBounds()),
    recipients: connection.store('recipients', recipientBounds()),
    blacklists: connection.store('blacklists', blacklistBounds()),
    keyChecks: connection.store('key-checks', KEY_CHECK_BOUNDS),
    oauth: config.http.oauth ? openOAuthStores((kind, bounds) => connection.store(kind, bounds)) : undefined,
    open: () => connection.ready(),
    close: () => connection.close(),
  };
}

/**
 * Serves `tools` over stateless Streamable HTTP until SIGTERM or SIGINT, which drain it: new
 * requests get 503, calls in flight finish (up to 30 s), Redis is closed, and the process exits 0.
 */
export async function serveHttp(config: Config, runtime: Runtime, tools: readonly Tool[]): Promise<void> {
  const log = new JsonLog(undefined, config.debug);
  const held = runtime.account.credentials;
  const settings = { host: config.http.host, allowedHosts: config.http.allowedHosts, token: config.http.token, demo: runtime.demo };
  // Before anything opens, so a refused start leaves nothing running.
  checkHttpSettings({ ...settings, holdsAccount: held !== undefined, oauth: config.http.oauth !== undefined });
  const stores = await openStores(config, log);
  const registry = new AccountRegistry({
    apiUrl: runtime.account.apiUrl,
    maxRangeDays: config.maxRangeDays,
    maxReportOrders: config.maxReportOrders,
    client: { timeoutMs: config.timeoutMs, concurrency: config.concurrency },
    tools,
    stores,
    secret: config.http.cursorSecret,
    logger: log.logger,
  });
  let service;
  try {
    service = await startHttpServer({
      ...settings,
      port: config.http.port,
      allowedOrigins: config.http.allowedOrigins,
      callTimeoutMs: config.callTimeoutMs,
      registry,
      // With sign-in, the demo's account is reached by signing in with its key and hash, like any other.
      shared: held && !config.http.oauth ? registry.pin(held) : undefined,
      oauth:
        config.http.oauth && stores.oauth
          ? createOAuthService({
              ...config.http.oauth,
              trustedProxies: config.http.trustedProxies,
              stores: stores.oauth,
              checkCredentials: balanceCheck(runtime.account.apiUrl, { timeoutMs: config.timeoutMs, concurrency: 1 }),
              allowLoopbackDocuments: isLoopbackAddress(config.http.host),
            })
          : undefined,
      log,
      // A port that is taken is refused at once; Redis, which may take seconds not to answer, comes after.
      whenListening: () => stores.open(),
    });
  } catch (error) {
    // Nothing may keep the process alive after a refused start: the caller closes the runtime.
    await registry.close();
    await stores.close().catch(() => {});
    throw error;
  }
  const mode = config.http.oauth
    ? `the account each user signs in with at ${config.http.oauth.publicUrl}${runtime.demo ? ' (the demo: key demo-key, hash demo-hash)' : ''}`
    : runtime.demo
      ? 'the demo account'
      : held
        ? 'one team account'
        : 'the account in each request';
  log.event('listening', `serving MCP at ${service.url} for ${mode}${config.http.redisUrl ? ', state shared through Redis' : ''}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.event('draining', 'new requests get 503; calls in flight may finish for up to 30 s');
    await service.drain();
    await registry.close();
    await runtime.close().catch(() => {});
    await stores.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
