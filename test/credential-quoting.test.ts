import { describe, expect, it } from 'vitest';
import { revealsCredential } from '../src/api/secrets.js';
import { TEST_CREDENTIALS, makeClient, startFake } from './support/harness.js';

const { key, hash } = TEST_CREDENTIALS;
const WITHHELD = 'iletiMerkezi API error 402: the account balance is insufficient. Top up the account in the panel.';

/** The 402 error the client gives when the API's own message is `message`. */
async function errorFor(message: string): Promise<string> {
  const fake = await startFake({ script: () => ({ status: 200, body: { response: { status: { code: 402, message } } } }) });
  const client = makeClient(fake);
  try {
    return await client.fetchInbox((message) => message).then(
      () => 'no error',
      (error: unknown) => (error as Error).message,
    );
  } finally {
    await client.close();
    await fake.close();
  }
}

describe('an API message that reveals a credential is never quoted', () => {
  const revealing: Array<[string, string]> = [
    ['the key as sent', `Bakiye yetersiz: ${key}`],
    ['the key upper-cased', `Bakiye yetersiz: ${key.toUpperCase()}`],
    ['the hash lower-cased', `hash=${hash.toLowerCase()}`],
    ['the key URL-encoded', `key=${encodeURIComponent(key).replace(/-/g, '%2D')}`],
    ['the hash encoded twice', `hash=${encodeURIComponent(encodeURIComponent(`"${hash}"`))}`],
    ['8 characters of the key', `anahtar ...${key.slice(4, 12)}... hatalı`],
    ['8 characters of the hash, upper-cased', `kimlik ${hash.slice(9, 17).toUpperCase()}`],
  ];

  it.each(revealing)('%s', async (_, message) => {
    expect(revealsCredential(message, TEST_CREDENTIALS)).toBe(true);
    expect(await errorFor(message)).toBe(WITHHELD);
  });

  it('still quotes a message that shares only short runs with the credentials', async () => {
    // 7 characters of the key, and common words, are not enough to reveal anything.
    const message = `Bakiye yetersiz (${key.slice(0, 7)})`;
    expect(revealsCredential(message, TEST_CREDENTIALS)).toBe(false);
    expect(await errorFor(message)).toBe(
      `iletiMerkezi API error 402: the account balance is insufficient. The API said: "${message}". Top up the account in the panel.`,
    );
  });
});
