import type { Clock } from '../../src/reporting/calendar.js';
import { RedisConnection } from '../../src/state/redis-store.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './harness.js';
import { type Hosted, type HostedOptions, startHosted } from './hosted.js';
import { type RedisInstance, startRedis } from './redis-server.js';

/** Replicas share this secret, so they agree on every account's identity and so on its Redis keys. */
const SECRET = 'shared-cursor-secret-0123456789abcdef';

export interface RedisReplicas {
  redis: RedisInstance;
  /** Two hosted replicas of the fixture account, each with its own connection to the one redis-server. */
  replicas: [Hosted, Hosted];
  /** What the connections logged (outages, recoveries): a healthy run logs nothing. */
  lines: string[];
  close(): Promise<void>;
}

/** Two replicas behind one real redis-server, sharing the stores `storesOf` opens on each replica's connection. */
export async function startRedisReplicas(clock: Clock, storesOf: (connection: RedisConnection) => HostedOptions['stores']): Promise<RedisReplicas> {
  const redis = await startRedis();
  const lines: string[] = [];
  const connections = [0, 1].map(() => new RedisConnection(redis.url, (event, message) => lines.push(`${event}: ${message}`)));
  await Promise.all(connections.map((connection) => connection.ready()));
  const replicas = (await Promise.all(
    connections.map((connection) =>
      startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], secret: SECRET, clock, stores: storesOf(connection) }),
    ),
  )) as [Hosted, Hosted];
  return {
    redis,
    replicas,
    lines,
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()));
      await Promise.all(connections.map((connection) => connection.close()));
      await redis.stop();
    },
  };
}
