/**
 * Where the iletiMerkezi panel keeps API access, written once: every message that sends a user
 * to the panel is built from these.
 */
export const PANEL = 'panel.iletimerkezi.com';
export const API_ACCESS_PAGE = 'Settings → Security → API Access';
const PERMISSIONS_PAGE = 'Settings → Security → Access Permissions';
const TOGGLE = '"Allow API access"';
const CREDENTIAL_VARIABLES = 'ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH';

/** Where the user sets the key and hash: the server's environment, or the Claude Desktop extension's settings. */
export type ConfiguredSource = 'environment' | 'bundle';

/** Where the key and hash came from: set up with the server, sent in each HTTP request's headers, or given on the OAuth sign-in page. */
export type CredentialSource = ConfiguredSource | 'headers' | 'sign-in';

/** The one of the two credentials that is set when the other is missing. */
export type LoneCredential = 'key' | 'hash';

/**
 * The Claude Desktop extension as its settings show it; manifest.json gives the same names
 * (display_name and the user_config titles), and the bundle test holds the two together.
 */
export const EXTENSION_SETTINGS = 'Claude Desktop → Settings → Extensions → iletiMerkezi SMS reports → Configure';
const EXTENSION_DEMO = 'switch on "Demo account" there to try the extension without an account';

const CREDENTIALS_FROM: Record<CredentialSource, string> = {
  environment: CREDENTIAL_VARIABLES,
  bundle: `the "API key" and "API hash" fields of the extension's settings (${EXTENSION_SETTINGS})`,
  headers: 'the X-Iletimerkezi-Key and X-Iletimerkezi-Hash headers',
  'sign-in': 'the API key and hash you signed in with (to change them, disconnect and connect the app again, and sign in anew)',
};

/** One paragraph for any authentication failure, naming where the credentials came from. */
export function authGuidance(source: CredentialSource): string {
  return (
    `Check ${CREDENTIALS_FROM[source]} against ${PANEL} → ${API_ACCESS_PAGE}, ` +
    `turn on ${TOGGLE} (panel → ${PERMISSIONS_PAGE}), and if the account has an IP allow-list, ` +
    'add the address this server connects from.' +
    (source === 'bundle' ? ` Or ${EXTENSION_DEMO}.` : '')
  );
}

const LONE: Record<ConfiguredSource, Record<LoneCredential, string>> = {
  environment: {
    key: 'ILETIMERKEZI_API_KEY is set but ILETIMERKEZI_API_HASH is not.',
    hash: 'ILETIMERKEZI_API_HASH is set but ILETIMERKEZI_API_KEY is not.',
  },
  bundle: {
    key: 'The extension\'s "API key" is filled in but its "API hash" is empty.',
    hash: 'The extension\'s "API hash" is filled in but its "API key" is empty.',
  },
};

/** What to do when the credentials are missing, or only one of them is set. */
export function missingCredentialsMessage(source: CredentialSource, lone?: LoneCredential): string {
  const panel = `${PANEL} → ${API_ACCESS_PAGE} (turn on ${TOGGLE} there too)`;
  if (source === 'headers') {
    return (
      'No iletiMerkezi account was given. Send the account\'s API key and hash in the X-Iletimerkezi-Key and ' +
      'X-Iletimerkezi-Hash headers of every request (the headers block of your MCP client configuration); the panel ' +
      `issues them at ${PANEL} → ${API_ACCESS_PAGE}.`
    );
  }
  if (source === 'sign-in') return 'No iletiMerkezi account is signed in: connect again from the app and sign in with the API key and hash.';
  if (source === 'bundle') {
    return (
      `${lone ? LONE.bundle[lone] : 'No iletiMerkezi API key and hash are set in the extension\'s settings.'} ` +
      `Open ${EXTENSION_SETTINGS} and fill in both "API key" and "API hash" from ${panel}, or ${EXTENSION_DEMO}.`
    );
  }
  return (
    `${lone ? LONE.environment[lone] : 'No iletiMerkezi credentials are configured.'} Set both ${CREDENTIAL_VARIABLES} ` +
    `in the env block of your MCP client configuration; the panel issues them at ${panel}. To try the server without an ` +
    'account, start it with --demo or ILETIMERKEZI_DEMO=1.'
  );
}

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
