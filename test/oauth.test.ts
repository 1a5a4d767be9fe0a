import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateDemoAccount } from '../src/demo/account.js';
import { FIXED_NOW, FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { expectedSummary } from './support/reliability.js';
import { type FakeAccount, type Hosted, startHosted } from './support/hosted.js';
import { connectSignedIn, launchBrowser } from './support/sign-in.js';

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

const freshPage = async () => {
  await context?.close();
  context = await browser.newContext({ locale: 'en-US' });
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
