import { type ClientOptions, type Credentials, IletimerkeziClient } from '../api/client.js';
import { isAuthFailure } from '../errors.js';

export type CredentialVerdict = { accepted: true } | { accepted: false; refusal: string } | { accepted: false; unavailable: true };

export type CredentialCheck = (credentials: Credentials) => Promise<CredentialVerdict>;

/**
 * The sign-in's proof that a key and hash work: get-balance, which costs no credit. The API's
 * refusal is a failed sign-in; an API that cannot answer says nothing about the key.
 */
export function balanceCheck(apiUrl: string, options: Pick<ClientOptions, 'timeoutMs' | 'concurrency' | 'retry'>): CredentialCheck {
  return async (credentials) => {
    const client = new IletimerkeziClient({ ...options, baseUrl: apiUrl, credentials, credentialSource: 'sign-in' });
    try {
      await client.fetchBalance();
      return { accepted: true };
    } catch (error) {
      if (isAuthFailure(error)) return { accepted: false, refusal: refusalOf(error.message) };
      return { accepted: false, unavailable: true };
    } finally {
      await client.close().catch(() => {});
    }
  };
}

/** The API's own words, without the advice that follows them: the page gives its own. */
function refusalOf(message: string): string {
  return (message.split(' Check ')[0] ?? message).slice(0, 300);
}
