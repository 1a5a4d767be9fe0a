import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateDemoAccount } from '../src/demo/account.js';
import { FIXED_NOW, FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { expectedSummary } from './support/reliability.js';
import { type FakeAccount, type Hosted, startHosted } from './support/hosted.js';
import { launchBrowser } from './support/browser.js';
import { TestProvider, artifactPath, connectSignedIn } from './support/sign-in.js';
import { newestFirst, ordersBetween } from './support/ground-truth.js';

const RANGE = { start: '2026-04-01', end: '2026-04-22' };

const OTHER: FakeAccount = {
  credentials: { key: 'KEY-second-51c9-leakprobe', hash: 'HASH-second-c27e-leakprobe' },
  account: generateDemoAccount({ now: FIXED_NOW, seed: 777, ordersPerDay: 3 }),
};
const FIRST: FakeAccount = { credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let hosted: Hosted;

beforeAll(async () => {
  browser = await launchBrowser();
  hosted = await startHosted({ accounts: [FIRST, OTHER], oauth: {} });
});
afterAll(async () => {
  await browser?.close();
  await hosted?.close();
});

const freshPage = async (locale = 'en-US') => {
  await context?.close();
  context = await browser.newContext({ locale });
  page = await context.newPage();
  return page;
};

const counted = (data: unknown) => {
  const { orders, total } = data as { orders: number; total: number };
  return { orders, total };
};
const truthOf = (fake: FakeAccount) => {
  const { orders, total } = expectedSummary(fake.account.orders, RANGE.start, RANGE.end);
  return { orders, total };
};

describe('signing in from an app, in a real browser', () => {
  it('discovers, registers, signs in, exchanges the code and answers for the account signed in with', async () => {
    const { client } = await connectSignedIn(hosted.url, await freshPage(), FIRST.credentials);
    const result = await client.callTool({ name: 'summarize_delivery', arguments: RANGE });
    expect(result.isError).toBeFalsy();
    expect(counted(result.structuredContent)).toEqual(truthOf(FIRST));
    await client.close();
  });
});

describe('two users', () => {
  it('each reach exactly the account they signed in with, and a cursor of one is refused for the other', async () => {
    const one = await connectSignedIn(hosted.url, await freshPage(), FIRST.credentials, new TestProvider('http://127.0.0.1:33418/callback', 'App One'));
    const two = await connectSignedIn(hosted.url, await freshPage(), OTHER.credentials, new TestProvider('http://127.0.0.1:33419/callback', 'App Two'));
    const [first, second] = await Promise.all([
      one.client.callTool({ name: 'summarize_delivery', arguments: RANGE }),
      two.client.callTool({ name: 'summarize_delivery', arguments: RANGE }),
    ]);
    expect(counted(first.structuredContent)).toEqual(truthOf(FIRST));
    expect(counted(second.structuredContent)).toEqual(truthOf(OTHER));
    expect(truthOf(FIRST)).not.toEqual(truthOf(OTHER));

    const listed = await one.client.callTool({ name: 'list_orders', arguments: { ...RANGE, limit: 2 } });
    const ids = (data: unknown) => (data as { orders: Array<{ id: number }> }).orders.map((order) => order.id);
    expect(ids(listed.structuredContent)).toEqual(newestFirst(ordersBetween(FIRST.account.orders, RANGE.start, RANGE.end)).slice(0, 2).map((order) => order.id));
    const cursor = (listed.structuredContent as { nextCursor?: string }).nextCursor;
    expect(cursor).toBeDefined();
    const stolen = await two.client.callTool({ name: 'list_orders', arguments: { cursor, limit: 2 } });
    expect(stolen.isError).toBe(true);
    expect(stolen.structuredContent).toBeUndefined();
    await Promise.all([one.client.close(), two.client.close()]);
  });
});

describe('the sign-in page in the browser', () => {
  for (const [locale, language, heading] of [
    ['tr-TR', 'tr', 'iletiMerkezi ile giriş yapın'],
    ['en-US', 'en', 'Sign in to iletiMerkezi'],
  ] as const) {
    it(`is in ${language === 'tr' ? 'Turkish' : 'English'} for a browser that prefers it, loads nothing from outside, and is captured`, async () => {
      const provider = new TestProvider('https://app.example.com/callback', 'Claude');
      const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
      await new Client({ name: 'page', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(hosted.url), { authProvider: provider })).catch(() => {});
      const browserPage = await freshPage(locale);
      const origins = new Set<string>();
      browserPage.on('request', (request) => origins.add(new URL(request.url()).origin));
      await browserPage.goto(String(provider.authorizationUrl));
      expect(await browserPage.getAttribute('html', 'lang')).toBe(language);
      expect(await browserPage.textContent('h1')).toBe(heading);
      expect(await browserPage.textContent('.returns')).toContain('app.example.com');
      expect(await browserPage.textContent('.asks')).toContain('Claude');
      // The stylesheet applied under the CSP: the allow button has the accent colour.
      expect(await browserPage.evaluate<string>("getComputedStyle(document.querySelector('button.allow')).backgroundColor")).toBe('rgb(11, 107, 203)');
      expect([...origins]).toEqual([new URL(hosted.url).origin]);
      await browserPage.screenshot({ path: artifactPath(`sign-in-${language}.png`), fullPage: true });
    });
  }

  it('shows the API\'s refusal of a wrong key again on the page, and Deny returns access_denied to the app', async () => {
    const provider = new TestProvider('http://127.0.0.1:33420/callback', 'Deny App');
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    await new Client({ name: 'page', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(hosted.url), { authProvider: provider })).catch(() => {});
    const browserPage = await freshPage();
    await browserPage.goto(String(provider.authorizationUrl));
    await browserPage.fill('input[name=key]', FIRST.credentials.key);
    await browserPage.fill('input[name=hash]', 'HASH-wrong-3b1f-leakprobe');
    await browserPage.click('button[value=allow]');
    expect(await browserPage.textContent('.problem')).toContain('iletiMerkezi refused this key and hash');
    expect(await browserPage.inputValue('input[name=key]')).toBe(FIRST.credentials.key);
    expect(await browserPage.inputValue('input[name=hash]')).toBe('');
    expect(await browserPage.content()).not.toContain('HASH-wrong-3b1f-leakprobe');
    let callback: URL | undefined;
    browserPage.on('request', (request) => {
      if (request.url().startsWith('http://127.0.0.1:33420/')) callback = new URL(request.url());
    });
    await browserPage.fill('input[name=key]', '');
    await Promise.all([browserPage.waitForEvent('requestfailed'), browserPage.click('button[value=deny]')]);
    expect(callback?.searchParams.get('error')).toBe('access_denied');
    expect(callback?.searchParams.get('state')).toBe(provider.authorizationUrl?.searchParams.get('state') ?? null);
  });
});
