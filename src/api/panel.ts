/**
 * Where the iletiMerkezi panel keeps API access, written once: every message that sends a user
 * to the panel is built from these.
 */
export const PANEL = 'panel.iletimerkezi.com';
export const API_ACCESS_PAGE = 'Settings → Security → API Access';
const PERMISSIONS_PAGE = 'Settings → Security → Access Permissions';
const TOGGLE = '"Allow API access"';
const CREDENTIAL_VARIABLES = 'ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH';

/** Where the key and hash came from: the server's environment, or each HTTP request's headers. */
export type CredentialSource = 'environment' | 'headers';

const CREDENTIALS_FROM: Record<CredentialSource, string> = {
  environment: CREDENTIAL_VARIABLES,
  headers: 'the X-Iletimerkezi-Key and X-Iletimerkezi-Hash headers',
};

/** One paragraph for any authentication failure, naming where the credentials came from. */
export function authGuidance(source: CredentialSource): string {
  return (
    `Check ${CREDENTIALS_FROM[source]} against ${PANEL} → ${API_ACCESS_PAGE}, ` +
    `turn on ${TOGGLE} (panel → ${PERMISSIONS_PAGE}), and if the account has an IP allow-list, ` +
    'add the address this server connects from.'
  );
}

export const MISSING_CREDENTIALS_MESSAGE =
  `No iletiMerkezi credentials are configured. Set both ${CREDENTIAL_VARIABLES} ` +
  `in the env block of your MCP client configuration; the panel issues them at ${PANEL} → ` +
  `${API_ACCESS_PAGE} (turn on ${TOGGLE} there too). To try the server without an ` +
  'account, start it with --demo or ILETIMERKEZI_DEMO=1.';

/** The same steps, one per line, for a person at a terminal (`--check`). */
export const AUTH_STEPS = [
  'The API refused the key and hash (401). To fix it:',
  `  1. Log in at https://${PANEL}.`,
  `  2. Open ${API_ACCESS_PAGE} and copy the API key and hash again, exactly, with no spaces,`,
  `     into ${CREDENTIAL_VARIABLES} in the env block of your MCP client config.`,
  `  3. Open ${PERMISSIONS_PAGE} and turn on ${TOGGLE}. With it off, every call is refused with 401.`,
  '  4. If the account has an IP allow-list, add the public address of this machine.',
  'Then run iletimerkezi-mcp --check again.',
].join('\n');
