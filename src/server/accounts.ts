import { createHmac, randomBytes } from 'node:crypto';
import { type ClientOptions, type Credentials, IletimerkeziClient } from '../api/client.js';
import { type CredentialSource, missingCredentialsMessage } from '../api/panel.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../log.js';
import { type Clock, systemClock } from '../reporting/calendar.js';
import { DEFAULT_RECIPIENT_CACHE_LIMITS } from '../reporting/recipient-cache.js';
import { DEFAULT_BLACKLIST_SHARE_LIMITS } from '../reporting/blacklist.js';
import { DEFAULT_WINDOW_CACHE_LIMITS } from '../reporting/window-cache.js';
import type { AccountStore } from '../state/store.js';
import { DEFAULT_SNAPSHOT_LIMITS } from '../tools/cursors.js';
import type { Tool } from '../tools/tool.js';
import { type OpenedTool, accountServices, openTools } from './create-server.js';
import { CredentialProof } from './credential-proof.js';
import { KeyCheck } from './key-check.js';

/** One account as the HTTP server serves it: its own client, tools, caches and calls in flight. */
export interface Account {
  /** HMAC of the credentials: the scope of the account's cursors and cache keys. */
  id: string;
  /** What the access log shows of `id`; null for a request that names no account. */
  tag: string | null;
  tools: readonly OpenedTool[];
  /** Tool calls running now; the server refuses more than its cap. */
  callsInFlight: number;
  /**
   * The API's reason for refusing the key and hash a caller sent in headers (see KeyCheck);
   * undefined when it accepts them, cannot say now, or the server holds the account itself.
   */
  keyRefusal(): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface AccountSettings {
  apiUrl: string;
  maxRangeDays: number;
  maxReportOrders?: number | undefined;
  client: Pick<ClientOptions, 'timeoutMs' | 'concurrency' | 'retry'>;
  tools: readonly Tool[];
  /** Shared by every account: each account sees only its own scope of them, within its own share. */
  stores: { snapshots: AccountStore; windows: AccountStore; recipients: AccountStore; blacklists: AccountStore; keyChecks: AccountStore };
  /** The replicas' shared secret; a random one for a lone process. */
  secret?: string | undefined;
  clock?: Clock | undefined;
  logger: Logger;
  /** Accounts whose clients stay open; the least recently used idle one goes first. */
  maxAccounts?: number;
}

const DEFAULT_MAX_ACCOUNTS = 256;

const unchecked = (): Promise<undefined> => Promise.resolve(undefined);

/**
 * The accounts a process serves, each opened once: its client with its own upstream limit (all
 * under the process cap), its tools' state, and its scope of the shared stores. Identity is an
 * HMAC of the key and hash under a derived key, so neither a log nor a Redis key ever holds a
 * credential, and replicas that share the secret agree on every account's identity.
 */
export class AccountRegistry {
  private readonly accounts = new Map<string, Account>();
  private readonly pinned = new Set<string>();
  private readonly identityKey: Buffer;
  private readonly cursorKey: Buffer;
  private readonly keyCheck: KeyCheck;
  readonly anonymous: Account;

  constructor(private readonly settings: AccountSettings) {
    const root = settings.secret ?? randomBytes(32).toString('hex');
    this.identityKey = createHmac('sha256', root).update('account identity').digest();
    this.cursorKey = createHmac('sha256', root).update('cursor signature').digest();
    const refuse = (): Promise<never> => Promise.reject(new ConfigurationError(missingCredentialsMessage('headers')));
    const tools = settings.tools.map((tool) => ({ tool, call: refuse }));
    this.anonymous = { id: '', tag: null, tools, callsInFlight: 0, keyRefusal: unchecked, close: async () => {} };
    const clock = settings.clock ?? systemClock;
    this.keyCheck = new KeyCheck(settings.stores.keyChecks, () => clock().getTime(), settings.logger);
  }

  identify(credentials: Credentials): string {
    return createHmac('sha256', this.identityKey).update(credentials.key).update('\0').update(credentials.hash).digest('hex');
  }

  /** The account the server itself holds (team mode, the demo); it is never evicted. */
  pin(credentials: Credentials): Account {
    const account = this.resolve(credentials, 'environment');
    this.pinned.add(account.id);
    return account;
  }

  /** The caller's account, opened on its first request. */
  resolve(credentials: Credentials, source: CredentialSource = 'headers'): Account {
    const id = this.identify(credentials);
    const known = this.accounts.get(id);
    if (known) {
      // Map order is recency order: the first entry is the least recently used.
      this.accounts.delete(id);
      this.accounts.set(id, known);
      return known;
    }
    this.evictIdle();
    const { client, apiUrl, logger } = this.settings;
    const callers = source === 'headers' || source === 'sign-in';
    return this.open(id, new IletimerkeziClient({ ...client, baseUrl: apiUrl, credentials, logger, credentialSource: source }), callers);
  }

  async close(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((account) => account.close().catch(() => {})));
    this.accounts.clear();
  }

  private open(id: string, client: IletimerkeziClient, checkKey: boolean): Account {
    // Every account served over HTTP, the team's too: once the API refuses its key, no cached answer goes out.
    const proof = new CredentialProof(client, checkKey ? (refusal) => this.keyCheck.remember(id, refusal.message) : undefined);
    const services = accountServices({
      api: proof.api,
      maxRangeDays: this.settings.maxRangeDays,
      maxReportOrders: this.settings.maxReportOrders,
      clock: this.settings.clock,
      cursorSecret: this.cursorKey,
      scope: id,
      snapshotLimits: { ...DEFAULT_SNAPSHOT_LIMITS, store: this.settings.stores.snapshots.forAccount(id) },
      windowCacheLimits: { ...DEFAULT_WINDOW_CACHE_LIMITS, store: this.settings.stores.windows.forAccount(id) },
      recipientCacheLimits: { ...DEFAULT_RECIPIENT_CACHE_LIMITS, store: this.settings.stores.recipients.forAccount(id) },
      blacklistLimits: { ...DEFAULT_BLACKLIST_SHARE_LIMITS, store: this.settings.stores.blacklists.forAccount(id) },
    });
    const account: Account = {
      id,
      tag: id.slice(0, 8),
      tools: openTools(this.settings.tools, services).map(({ tool, call }) => ({ tool, call: proof.guard(call) })),
      callsInFlight: 0,
      // The server's own account (team mode, the demo) was set up by its operator: only callers' keys are checked.
      keyRefusal: checkKey ? () => this.keyCheck.refusal(id, client) : unchecked,
      close: () => client.close(),
    };
    this.accounts.set(id, account);
    return account;
  }

  /** Makes room for one more account: the least recently used idle ones go; busy ones wait for a later turn. */
  private evictIdle(): void {
    const max = this.settings.maxAccounts ?? DEFAULT_MAX_ACCOUNTS;
    for (const [id, account] of this.accounts) {
      if (this.accounts.size < max) break;
      if (this.pinned.has(id) || account.callsInFlight > 0) continue;
      this.accounts.delete(id);
      void account.close().catch(() => {});
    }
  }
}
