import { type ToolResult, type ViewContext, element, errorText, figure, percent, startView } from '../shared/app.js';

interface Counters {
  orders: number;
  total: number;
  delivered: number;
  undelivered: number;
  waiting: number;
}
interface Group extends Counters {
  key: string;
  deliveryRate: number | null;
  provisional: boolean;
}
interface Summary extends Counters {
  range: { start: string; end: string; timezone: string };
  deliveryRate: number | null;
  provisional: boolean;
  groups?: Group[];
  senderFilter?: { sender: string; match: string; sendersInRange?: Array<{ sender: string }> };
}
type TimeGrouping = 'day' | 'week' | 'month';

const TIME_GROUPINGS: readonly string[] = ['day', 'week', 'month'];

/** The filters of the call the view was opened for, which every further call repeats. */
function sameFilters(args: Record<string, unknown>, summary: Summary): Record<string, unknown> {
  return { start: summary.range.start, end: summary.range.end, ...(typeof args.sender === 'string' ? { sender: args.sender } : {}) };
}

async function summaryBy(context: ViewContext, summary: Summary, groupBy: string): Promise<Summary> {
  const result = await context.callTool('summarize_delivery', { ...sameFilters(context.args, summary), groupBy });
  if (result.isError || !result.structuredContent) throw new Error(errorText(result));
  return result.structuredContent as unknown as Summary;
}

/** A further call's answer, or the error that stands in its place. */
const settled = <T>(pending: Promise<T>): Promise<T | Error> => pending.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

const failure = (text: string) => element('p', { className: 'error', role: 'alert' }, text);

function headline(summary: Summary, context: ViewContext): HTMLElement {
  const count = (value: number) => context.numbers.format(value);
  const title = element('h1', {}, `Delivery ${summary.range.start} – ${summary.range.end}`);
  if (summary.provisional) title.append(' ', element('span', { className: 'badge warning', 'data-badge': 'provisional' }, 'provisional'));
  return element(
    'section',
    { 'aria-label': 'Totals' },
    title,
    element(
      'div',
      { className: 'figures' },
      figure('Orders', count(summary.orders), 'orders'),
      figure('Messages', count(summary.total), 'total'),
      figure('Delivered', count(summary.delivered), 'delivered'),
      figure('Undelivered', count(summary.undelivered), 'undelivered'),
      figure('Waiting', count(summary.waiting), 'waiting'),
      figure('Delivery rate', percent(summary.deliveryRate, context.numbers), 'deliveryRate'),
    ),
  );
}

/** The first and last day of a period key, kept inside the range. */
function periodDays(key: string, grouping: TimeGrouping, range: { start: string; end: string }): { start: string; end: string } {
  const clip = (start: string, end: string) => ({ start: start < range.start ? range.start : start, end: end > range.end ? range.end : end });
  if (grouping === 'day') return { start: key, end: key };
  if (grouping === 'week') {
    const sunday = new Date(`${key}T00:00:00Z`);
    sunday.setUTCDate(sunday.getUTCDate() + 6);
    return clip(key, sunday.toISOString().slice(0, 10));
  }
  const [year, month] = key.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  return clip(`${key}-01`, last);
}

const SVG = 'http://www.w3.org/2000/svg';
const PARTS = ['delivered', 'undelivered', 'waiting'] as const;

/** One stacked bar per period of the range, empty ones included; each bar is a button that lists its orders. */
function chart(series: Group[], grouping: TimeGrouping, context: ViewContext, onPick: (group: Group) => void): HTMLElement {
  const height = 160;
  const highest = Math.max(1, ...series.map((group) => group.delivered + group.undelivered + group.waiting));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${series.length} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', `Messages per ${grouping}: delivered, undelivered and waiting`);
  series.forEach((group, slot) => {
    const bar = document.createElementNS(SVG, 'g');
    bar.setAttribute('class', 'bar');
    bar.setAttribute('tabindex', '0');
    bar.setAttribute('role', 'button');
    bar.dataset.key = group.key;
    const figures = PARTS.map((part) => `${context.numbers.format(group[part])} ${part}`).join(', ');
    bar.setAttribute('aria-label', `${group.key}: ${figures}. List its orders.`);
    const hit = document.createElementNS(SVG, 'rect');
    Object.entries({ x: slot, y: 0, width: 1, height, class: 'hit' }).forEach(([name, value]) => hit.setAttribute(name, String(value)));
    bar.append(hit);
    let top = height;
    for (const part of PARTS) {
      const size = (group[part] / highest) * height;
      if (size <= 0) continue;
      top -= size;
      const rect = document.createElementNS(SVG, 'rect');
      Object.entries({ x: slot + 0.1, y: top, width: 0.8, height: size, class: part }).forEach(([name, value]) => rect.setAttribute(name, String(value)));
      bar.append(rect);
    }
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${group.key}: ${figures}`;
    bar.append(title);
    bar.addEventListener('click', () => onPick(group));
    bar.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      onPick(group);
    });
    svg.append(bar);
  });
  const legend = element('p', { className: 'legend' }, ...PARTS.map((part) => element('span', { className: `key ${part}` }, part)));
  const axis = element('p', { className: 'axis' }, element('span', {}, series[0]?.key ?? ''), element('span', {}, series.at(-1)?.key ?? ''));
  return element(
    'section',
    { className: 'chart', 'aria-label': 'Chart', 'data-slots': String(series.length), 'data-grouping': grouping },
    element('h2', {}, `Per ${grouping} (${context.numbers.format(series.length)})`),
    svg as unknown as HTMLElement,
    axis,
    legend,
  );
}

function senderTable(senders: Group[], context: ViewContext): HTMLElement {
  const rows = senders.map((group) =>
    element(
      'tr',
      { 'data-sender': group.key },
      element('th', { 'aria-label': 'sender' }, group.key),
      element('td', {}, context.numbers.format(group.total)),
      element('td', {}, context.numbers.format(group.delivered)),
      element('td', {}, context.numbers.format(group.undelivered)),
      element('td', {}, percent(group.deliveryRate, context.numbers)),
    ),
  );
  const head = element('tr', {}, ...['Sender', 'Messages', 'Delivered', 'Undelivered', 'Rate'].map((name) => element('th', {}, name)));
  return element(
    'section',
    { 'aria-label': 'Senders' },
    element('h2', {}, 'Per sender'),
    element('div', { className: 'scroll' }, element('table', {}, element('thead', {}, head), element('tbody', {}, ...rows))),
  );
}

/** The answer of a drill-down: a list of what the server sent, or its error. */
function listing(title: string, items: string[], note: string): HTMLElement {
  return element(
    'section',
    { className: 'drill', 'aria-live': 'polite', 'aria-label': title },
    element('h2', {}, title),
    element('p', {}, note),
    element('ul', { className: 'ids' }, ...items.map((item) => element('li', {}, item))),
  );
}

async function showOrders(panel: HTMLElement, context: ViewContext, summary: Summary, days: { start: string; end: string }): Promise<void> {
  panel.replaceChildren(element('p', { role: 'status' }, `Listing the orders of ${days.start}…`));
  const result = await context.callTool('list_orders', { ...sameFilters(context.args, summary), ...days });
  if (result.isError || !result.structuredContent) {
    panel.replaceChildren(failure(errorText(result)));
    return;
  }
  const list = result.structuredContent as { totalOrders: number; orders: Array<{ id: number; sender: string; total: number }> };
  const label = days.start === days.end ? days.start : `${days.start} – ${days.end}`;
  const shown = list.orders.map((order) => `#${order.id} ${order.sender}: ${context.numbers.format(order.total)} messages`);
  const note = `${context.numbers.format(list.totalOrders)} orders` + (list.orders.length < list.totalOrders ? `, the newest ${context.numbers.format(list.orders.length)} shown.` : '.');
  panel.replaceChildren(listing(`Orders of ${label}`, shown, note));
}

async function showFailedNumbers(panel: HTMLElement, context: ViewContext, summary: Summary): Promise<void> {
  panel.replaceChildren(element('p', { role: 'status' }, 'Listing the failed numbers…'));
  const result = await context.callTool('list_failed_numbers', sameFilters(context.args, summary));
  if (result.isError || !result.structuredContent) {
    panel.replaceChildren(failure(errorText(result)));
    return;
  }
  const list = result.structuredContent as { matched: number; items: Array<{ number: string; failures: number }> };
  const shown = list.items.map((item) => `${item.number}: ${context.numbers.format(item.failures)} ${item.failures === 1 ? 'failure' : 'failures'}`);
  panel.replaceChildren(listing('Failed numbers', shown, `${context.numbers.format(list.matched)} numbers failed, most failures first.`));
}

async function render(root: HTMLElement, result: ToolResult, context: ViewContext): Promise<void> {
  if (result.isError || !result.structuredContent) {
    root.replaceChildren(failure(errorText(result)));
    return;
  }
  const summary = result.structuredContent as unknown as Summary;
  const filter = summary.senderFilter;
  if (filter?.match === 'none') {
    // Zeros would read as the sender's figures; there are none, so the view says so instead.
    const others = (filter.sendersInRange ?? []).map((entry) => entry.sender).join(', ');
    root.replaceChildren(
      element('h1', {}, `Delivery ${summary.range.start} – ${summary.range.end}`),
      failure(`No order in this range was sent with sender "${filter.sender}", so there are no figures.${others ? ` The range's senders: ${others}.` : ''}`),
    );
    return;
  }
  const asked = typeof context.args.groupBy === 'string' ? context.args.groupBy : undefined;
  const grouping: TimeGrouping = asked && TIME_GROUPINGS.includes(asked) ? (asked as TimeGrouping) : 'day';
  root.replaceChildren(headline(summary, context), element('p', { role: 'status' }, 'Loading the chart…'));
  // Whatever the call grouped by, the view shows both a time series and the senders: what the call
  // did not return it asks the server for, through the host, for the same range and sender. Either
  // may fail on its own (a host without server tools, a toolset without the tool) and says so.
  const [series, senders] = await Promise.all([
    grouping === asked ? (summary.groups ?? []) : settled(summaryBy(context, summary, 'day').then((daily) => daily.groups ?? [])),
    asked === 'sender' ? (summary.groups ?? []) : settled(summaryBy(context, summary, 'sender').then((bySender) => bySender.groups ?? [])),
  ]);
  const panel = element('div', { className: 'drill-panel' });
  const failed = element('button', { type: 'button', className: 'action' }, 'Failed numbers');
  failed.addEventListener('click', () => void showFailedNumbers(panel, context, summary));
  root.replaceChildren(
    headline(summary, context),
    series instanceof Error
      ? failure(`The chart could not be loaded: ${series.message}`)
      : chart(series, grouping, context, (group) => void showOrders(panel, context, summary, periodDays(group.key, grouping, summary.range))),
    senders instanceof Error ? failure(`The senders could not be loaded: ${senders.message}`) : senderTable(senders, context),
    element('p', {}, failed),
    panel,
  );
}

startView('iletimerkezi-delivery', render);
