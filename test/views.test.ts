import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, connect } from './support/harness.js';

/**
 * The MCP Apps views in a real browser: Debian's chromium, a host page built on ext-apps' own
 * AppBridge, each view as resources/read of the server gives it, and the input and result of a
 * real call on the demo account. The view's further tools/call go through the bridge to the same
 * server. Screenshots land in test/artifacts/ (ignored by git).
 */
const ARTIFACTS = new URL('./artifacts/', import.meta.url);

interface CallParams {
  name: string;
  arguments?: Record<string, unknown>;
}
interface ViewResource {
  html: string;
  csp: Record<string, string[]>;
}

let session: Connected;
let browser: Browser;
let hostScript: string;

beforeAll(async () => {
  session = await connect();
  const bundled = await build({ entryPoints: ['scripts/view-host.mjs'], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'warning' });
  hostScript = bundled.outputFiles[0]?.text ?? '';
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await session?.close();
});

async function callTool(params: CallParams) {
  const result = await session.mcp.callTool({ name: params.name, arguments: params.arguments ?? {} });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result;
}

async function readView(uri: string): Promise<ViewResource> {
  const { contents } = await session.mcp.readResource({ uri });
  const [content] = contents;
  if (!content || !('text' in content)) throw new Error(`${uri} has no text`);
  expect(content.mimeType).toBe('text/html;profile=mcp-app');
  const csp = (content._meta as { ui?: { csp?: Record<string, string[]> } } | undefined)?.ui?.csp;
  if (!csp) throw new Error(`${uri} declares no _meta.ui.csp`);
  return { html: content.text, csp };
}

const LIGHT = { theme: 'light', displayMode: 'inline', locale: 'tr-TR', styles: { variables: { '--color-background-primary': 'rgb(250, 249, 244)' } } };
const DARK = { ...LIGHT, theme: 'dark', displayMode: 'fullscreen', styles: { variables: { '--color-background-primary': 'rgb(16, 18, 24)', '--color-text-primary': 'rgb(236, 236, 240)' } } };

interface Mounted {
  page: Page;
  view: Frame;
  requests: string[];
  hostCalls(): Promise<CallParams[]>;
}

/** A host page with the view mounted and handed the call's input and result, as a chat client would. */
async function mount(uri: string, toolInput: Record<string, unknown>, toolResult: unknown, width = 720): Promise<Mounted> {
  const { html, csp } = await readView(uri);
  const page = await browser.newPage({ viewport: { width: width + 16, height: 1000 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.exposeFunction('hostCallTool', (params: CallParams) => session.mcp.callTool({ name: params.name, arguments: params.arguments ?? {} }));
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: hostScript });
  await page.evaluate((options) => (globalThis as unknown as HostPage).mountView(options), { html, csp, hostContext: LIGHT, toolInput, toolResult, width });
  const view = page.frames().find((frame) => frame !== page.mainFrame());
  if (!view) throw new Error('the view frame did not load');
  return { page, view, requests, hostCalls: () => page.evaluate(() => (globalThis as unknown as HostPage).hostCalls) };
}

/** What scripts/view-host.mjs puts on the host page's window. */
interface HostPage {
  mountView(options: unknown): Promise<void>;
  changeHostContext(context: unknown): void;
  hostCalls: CallParams[];
}

const changeHostContext = (page: Page, context: unknown) => page.evaluate((changed) => (globalThis as unknown as HostPage).changeHostContext(changed), context);

/** One attribute of every element a locator finds, in document order. */
async function attributes(locator: Locator, name: string): Promise<Array<string | null>> {
  const count = await locator.count();
  return Promise.all(Array.from({ length: count }, (_, index) => locator.nth(index).getAttribute(name)));
}

/** A view's own document, read in the browser (the tests' TypeScript has no DOM types). */
const inView = async (view: Frame, expression: string) => String(await view.evaluate(expression));

const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));

describe('the delivery view', () => {
  // The demo account's first orders are on 2025-10-05: October has empty days.
  const input = { start: '2025-10-01', end: '2025-10-31' };
  let summary: Record<string, number | null | boolean | object>;
  let daily: Array<{ key: string; orders: number; delivered: number; undelivered: number; waiting: number }>;
  let mounted: Mounted;

  beforeAll(async () => {
    const result = await callTool({ name: 'summarize_delivery', arguments: input });
    summary = result.structuredContent as typeof summary;
    // Ground truth for the chart: the server's own day series for the same range, asked by the test.
    const byDay = await callTool({ name: 'summarize_delivery', arguments: { ...input, groupBy: 'day' } });
    daily = (byDay.structuredContent as { groups: typeof daily }).groups;
    mounted = await mount('ui://iletimerkezi/delivery.html', input, result);
    await mounted.view.locator('[data-slots]').waitFor({ timeout: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await mounted?.page.close();
  });

  it('shows the headline figures of structuredContent in full', async () => {
    for (const key of ['orders', 'total', 'delivered', 'undelivered', 'waiting'] as const) {
      expect(digits(await mounted.view.locator(`[data-figure="${key}"] .value`).textContent()), key).toBe(summary[key]);
    }
    const rate = summary.deliveryRate as number;
    // Turkish locale: "%97,3".
    expect(await mounted.view.locator('[data-figure="deliveryRate"] .value').textContent()).toBe(`%${(rate * 100).toFixed(1).replace('.', ',')}`);
    expect(await mounted.view.locator('[data-badge="provisional"]').count()).toBe(summary.provisional ? 1 : 0);
  });

  it('asks the server for the day series and the senders, and draws one bar per day of October, empty days included', async () => {
    expect(daily).toHaveLength(31);
    const calls = await mounted.hostCalls();
    expect(calls).toContainEqual({ name: 'summarize_delivery', arguments: { ...input, groupBy: 'day' } });
    expect(calls).toContainEqual({ name: 'summarize_delivery', arguments: { ...input, groupBy: 'sender' } });
    const bars = mounted.view.locator('g.bar');
    expect(await bars.count()).toBe(31);
    expect(await attributes(bars, 'data-key')).toEqual(daily.map((day) => day.key));
    const labels = await attributes(bars, 'aria-label');
    const format = new Intl.NumberFormat('tr-TR');
    expect(labels).toEqual(
      daily.map((day) => `${day.key}: ${format.format(day.delivered)} delivered, ${format.format(day.undelivered)} undelivered, ${format.format(day.waiting)} waiting. List its orders.`),
    );
    expect(daily.some((day) => day.orders === 0), 'the fixture has an empty day in October').toBe(true);
  });

  it('lists the senders with their rates, Turkish names intact', async () => {
    const bySender = await callTool({ name: 'summarize_delivery', arguments: { ...input, groupBy: 'sender' } });
    const senders = (bySender.structuredContent as { groups: Array<{ key: string; total: number }> }).groups;
    const names = await mounted.view.locator('tr[data-sender] th').allTextContents();
    const totals = await mounted.view.locator('tr[data-sender] td:nth-of-type(1)').allTextContents();
    expect(names).toEqual(senders.map((sender) => sender.key));
    expect(totals.map(digits)).toEqual(senders.map((sender) => sender.total));
    expect(names).toContain('ACME BİLGİ');
  });

  it('lists the orders of a day when its bar is clicked, through the host from the server', async () => {
    const day = daily.find((group) => group.orders > 0 && group.orders <= 50);
    if (!day) throw new Error('no day in October has orders');
    const truth = await callTool({ name: 'list_orders', arguments: { start: day.key, end: day.key } });
    const ids = (truth.structuredContent as { orders: Array<{ id: number }> }).orders.map((order) => order.id);
    await mounted.view.locator(`g.bar[data-key="${day.key}"]`).click();
    await mounted.view.getByRole('heading', { name: `Orders of ${day.key}` }).waitFor();
    expect(await mounted.hostCalls()).toContainEqual({ name: 'list_orders', arguments: { start: day.key, end: day.key } });
    const shown = await mounted.view.locator('.drill li').allTextContents();
    expect(shown.map((line) => Number(/^#(\d+)/.exec(line)?.[1]))).toEqual(ids);
  });

  it('opens a day from the keyboard too, and lists the failed numbers of the range', async () => {
    const day = daily.findLast((group) => group.orders > 0);
    if (!day) throw new Error('no day in October has orders');
    await mounted.view.locator(`g.bar[data-key="${day.key}"]`).focus();
    await mounted.page.keyboard.press('Enter');
    await mounted.view.getByRole('heading', { name: `Orders of ${day.key}` }).waitFor();
    await mounted.view.getByRole('button', { name: 'Failed numbers' }).click();
    await mounted.view.getByRole('heading', { name: 'Failed numbers' }).waitFor();
    expect(await mounted.hostCalls()).toContainEqual({ name: 'list_failed_numbers', arguments: input });
    const truth = await callTool({ name: 'list_failed_numbers', arguments: input });
    const numbers = (truth.structuredContent as { items: Array<{ number: string }> }).items.map((item) => item.number);
    expect((await mounted.view.locator('.drill li').allTextContents()).map((line) => line.split(':')[0])).toEqual(numbers);
  });

  it('follows the host theme and display mode at mount and when they change, and makes no network request', async () => {
    await mounted.page.screenshot({ path: new URL('delivery-light.png', ARTIFACTS).pathname, fullPage: true });
    const background = () => inView(mounted.view, 'getComputedStyle(document.body).backgroundColor');
    expect(await background()).toBe('rgb(250, 249, 244)');
    expect(await mounted.view.locator('html').getAttribute('data-display-mode')).toBe('inline');
    await changeHostContext(mounted.page, DARK);
    await expect.poll(background).toBe('rgb(16, 18, 24)');
    expect(await mounted.view.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await mounted.view.locator('html').getAttribute('data-display-mode')).toBe('fullscreen');
    await mounted.page.screenshot({ path: new URL('delivery-dark.png', ARTIFACTS).pathname, fullPage: true });
    expect(mounted.requests).toEqual([]);
  });
});

describe('the delivery view of a call grouped by week', () => {
  const input = { period: 'last_30_days', groupBy: 'week' };
  let summary: { provisional: boolean; range: { start: string; end: string }; groups: Array<{ key: string }> };
  let mounted: Mounted;

  beforeAll(async () => {
    const result = await callTool({ name: 'summarize_delivery', arguments: input });
    summary = result.structuredContent as typeof summary;
    mounted = await mount('ui://iletimerkezi/delivery.html', input, result);
    await mounted.view.locator('[data-slots]').waitFor({ timeout: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await mounted?.page.close();
  });

  it("follows the call's weeks without asking for days, badges provisional figures, and lists a week's orders", async () => {
    expect(summary.provisional, 'the last 30 days of the fixture are still settling').toBe(true);
    expect(await mounted.view.locator('[data-badge="provisional"]').textContent()).toBe('provisional');
    expect(await attributes(mounted.view.locator('g.bar'), 'data-key')).toEqual(summary.groups.map((group) => group.key));
    const { start, end } = summary.range;
    expect(await mounted.hostCalls()).toEqual([{ name: 'summarize_delivery', arguments: { start, end, groupBy: 'sender' } }]);
    // The first week starts before the range: its orders are asked from the range's first day to its Sunday.
    const [first] = summary.groups;
    if (!first) throw new Error('no week');
    const sunday = new Date(`${first.key}T00:00:00Z`);
    sunday.setUTCDate(sunday.getUTCDate() + 6);
    const days = { start: first.key < start ? start : first.key, end: sunday.toISOString().slice(0, 10) };
    await mounted.view.locator(`g.bar[data-key="${first.key}"]`).click();
    await mounted.view.getByRole('heading', { name: `Orders of ${days.start} – ${days.end}` }).waitFor();
    expect((await mounted.hostCalls()).at(-1)).toEqual({ name: 'list_orders', arguments: days });
  });
});

describe('the delivery view of a sender that sent nothing', () => {
  it('says there are no figures instead of showing zeros, and asks the server nothing more', async () => {
    const input = { start: '2025-10-01', end: '2025-10-31', sender: 'NO SUCH SENDER' };
    const result = await callTool({ name: 'summarize_delivery', arguments: input });
    const mounted = await mount('ui://iletimerkezi/delivery.html', input, result);
    try {
      const note = mounted.view.getByRole('alert');
      await note.waitFor({ timeout: 20_000 });
      expect(await note.textContent()).toMatch(/^No order in this range was sent with sender "NO SUCH SENDER", so there are no figures\. The range's senders: .*ACME BİLGİ/);
      expect(await mounted.view.locator('[data-figure]').count()).toBe(0);
      expect(await mounted.hostCalls()).toEqual([]);
    } finally {
      await mounted.page.close();
    }
  });
});

describe('the opt-out view', () => {
  const input = { period: 'last_30_days' };
  let audit: { verdict: string; items: Array<{ number: string; blacklisted: boolean | null; sendCount: number }> };
  let mounted: Mounted;

  beforeAll(async () => {
    const result = await callTool({ name: 'audit_opt_outs', arguments: input });
    audit = result.structuredContent as typeof audit;
    mounted = await mount('ui://iletimerkezi/opt-outs.html', input, result, 360);
    await mounted.view.locator('[data-verdict]').waitFor({ timeout: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await mounted?.page.close();
  });

  it('puts the verdict on top and marks the numbers that need action, first', async () => {
    expect(await mounted.view.locator('[data-verdict]').getAttribute('data-verdict')).toBe(audit.verdict);
    const numbers = await attributes(mounted.view.locator('tr[data-number]'), 'data-number');
    const marks = await mounted.view.locator('tr[data-number] th > .badge:nth-child(2)').allTextContents();
    const rows = numbers.map((number, index) => ({ number, mark: marks[index] }));
    const needing = audit.items.filter((item) => item.blacklisted === false || item.sendCount > 0).map((item) => item.number);
    const notBlacklisted = audit.items.filter((item) => item.blacklisted === false).map((item) => item.number);
    expect(notBlacklisted.length, 'the demo account has an opt-out left off the blacklist').toBeGreaterThan(0);
    expect(rows.map((row) => row.number).sort()).toEqual(audit.items.map((item) => item.number).sort());
    expect(rows.slice(0, needing.length).map((row) => row.number).sort()).toEqual([...needing].sort());
    for (const row of rows) expect(row.mark).toBe(needing.includes(row.number ?? '') ? '⚠ action needed' : 'ok');
    for (const number of notBlacklisted) {
      expect(await mounted.view.locator(`tr[data-number="${number}"] [data-blacklisted]`).textContent()).toBe('✗ NOT on the blacklist');
    }
  });

  it('fits 360 px without sideways scrolling, renders Turkish text, and makes no network request', async () => {
    const overflow = await inView(mounted.view, 'document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(Number(overflow)).toBeLessThanOrEqual(0);
    const text = await mounted.view.locator('main').textContent();
    expect(text).toMatch(/[İıŞşĞğ]/);
    await mounted.page.screenshot({ path: new URL('opt-outs-light.png', ARTIFACTS).pathname, fullPage: true });
    await changeHostContext(mounted.page, DARK);
    await expect.poll(() => mounted.view.locator('html').getAttribute('data-theme')).toBe('dark');
    await mounted.page.screenshot({ path: new URL('opt-outs-dark.png', ARTIFACTS).pathname, fullPage: true });
    expect(mounted.requests).toEqual([]);
  });
});

describe("npm run demo's previews", () => {
  let paths: string[] = [];
  beforeAll(async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['dist/demo/run-demo.js'], { timeout: 60_000 }, (error, out) => (error ? reject(new Error(error.message)) : resolve(out)));
    });
    paths = [...stdout.matchAll(/^ {2}(\/\S+\.html)$/gm)].map(([, path = '']) => path);
  }, 90_000);

  it('print the path of each view, which opens from the file alone: figures, a day\'s orders, and no request', async () => {
    expect(paths.map((path) => path.split('/').at(-1))).toEqual(['delivery.html', 'opt-outs.html']);
    const page = await browser.newPage({ viewport: { width: 760, height: 1000 } });
    try {
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const url = pathToFileURL(paths[0] ?? '').href;
      await page.goto(url);
      const view = page.frames().find((frame) => frame !== page.mainFrame());
      if (!view) throw new Error('the preview mounted no view');
      await view.locator('[data-slots]').waitFor({ timeout: 20_000 });
      expect(Number(await view.locator('[data-slots]').getAttribute('data-slots'))).toBeGreaterThanOrEqual(28);
      const ordersFigure = digits(await view.locator('[data-figure="orders"] .value').textContent());
      expect(ordersFigure).toBeGreaterThan(0);
      const busy = (await attributes(view.locator('g.bar'), 'data-key')).at(-1) ?? '';
      await view.locator(`g.bar[data-key="${busy}"]`).click();
      await view.getByRole('heading', { name: `Orders of ${busy}` }).waitFor();
      expect(requests).toEqual([url]);
    } finally {
      await page.close();
    }
  });
});
