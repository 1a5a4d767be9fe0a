import { type ToolResult, type ViewContext, element, errorText, figure, startView } from '../shared/app.js';

interface Send {
  orderId: number;
  sendAt: string;
  sender: string;
  status: string;
}
interface OptOut {
  number: string;
  optOutKind: 'clear' | 'possible';
  optedOutAt: string;
  text: string;
  blacklisted: boolean | null;
  sendCount: number;
  sendsAfterOptOut: Send[];
}
interface Audit {
  range: { start: string; end: string };
  verdict: 'clean' | 'action_needed' | 'review_needed' | 'partial' | 'nothing_to_audit';
  optOuts: number;
  notBlacklisted: number;
  messagedAfterOptOut: number;
  complete: boolean;
  items: OptOut[];
  nextCursor?: string | null;
}

const VERDICTS: Record<Audit['verdict'], { text: string; tone: string }> = {
  clean: { text: 'Clean: every checkable opt-out is on the blacklist and none was messaged afterwards.', tone: 'success' },
  action_needed: { text: 'Action needed on the marked numbers.', tone: 'danger' },
  review_needed: { text: 'Review needed: possible opt-outs need a person to read them.', tone: 'warning' },
  partial: { text: 'Partial: act on the marked numbers; the audit could not check everything.', tone: 'warning' },
  nothing_to_audit: { text: 'Nothing to audit: no opt-out was received in this range. This is not a clean result.', tone: 'info' },
};

/** A number needs action when it is off the blacklist or was messaged after it opted out. */
const needsAction = (item: OptOut) => item.blacklisted === false || item.sendCount > 0;

/** The opt-out's own time as the server wrote it (Istanbul), without the seconds and offset. */
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function blacklistCell(item: OptOut): HTMLElement {
  const label = 'Blacklist';
  if (item.blacklisted === null) return element('td', { 'data-label': label, 'data-blacklisted': 'unknown' }, 'cannot be checked (not a phone number)');
  return item.blacklisted
    ? element('td', { 'data-label': label, 'data-blacklisted': 'yes' }, '✓ on the blacklist')
    : element('td', { 'data-label': label, 'data-blacklisted': 'no', className: 'danger' }, '✗ NOT on the blacklist');
}

function sendsCell(item: OptOut, context: ViewContext): HTMLElement {
  const label = 'Sends after';
  if (item.sendCount === 0) return element('td', { 'data-label': label, 'data-sends': '0' }, 'none');
  const listed = item.sendsAfterOptOut.map((send) => element('li', {}, `#${send.orderId} ${when(send.sendAt)} ${send.sender} (${send.status})`));
  const more = item.sendCount - item.sendsAfterOptOut.length;
  return element(
    'td',
    { 'data-label': label, 'data-sends': String(item.sendCount), className: 'danger' },
    `${context.numbers.format(item.sendCount)} after opting out`,
    element('ul', {}, ...listed, ...(more > 0 ? [element('li', {}, `…${context.numbers.format(more)} more`)] : [])),
  );
}

function row(item: OptOut, context: ViewContext): HTMLElement {
  const action = needsAction(item);
  const mark = action ? element('span', { className: 'badge danger' }, '⚠ action needed') : element('span', { className: 'badge quiet' }, 'ok');
  const possible = item.optOutKind === 'possible' ? [element('span', { className: 'badge warning' }, 'possible opt-out, read it')] : [];
  return element(
    'tr',
    { 'data-number': item.number, 'data-action': action ? 'needed' : 'none', className: action ? 'needs-action' : '' },
    element('th', {}, element('span', { className: 'number' }, item.number), ' ', mark, ...possible),
    element('td', { 'data-label': 'Opted out (RET)' }, when(item.optedOutAt), element('div', { className: 'quote' }, item.text)),
    blacklistCell(item),
    sendsCell(item, context),
  );
}

function render(root: HTMLElement, result: ToolResult, context: ViewContext): void {
  if (result.isError || !result.structuredContent) {
    root.replaceChildren(element('p', { className: 'error', role: 'alert' }, errorText(result)));
    return;
  }
  const audit = result.structuredContent as unknown as Audit;
  const verdict = VERDICTS[audit.verdict];
  // The rows that need action first, in the server's order otherwise (newest opt-out first).
  const items = [...audit.items].sort((a, b) => Number(needsAction(b)) - Number(needsAction(a)));
  const head = element('tr', {}, ...['Number', 'Opted out (RET)', 'Blacklist', 'Sends after'].map((name) => element('th', {}, name)));
  root.replaceChildren(
    element('h1', {}, `Opt-outs ${audit.range.start} – ${audit.range.end}`),
    element('p', { className: `verdict ${verdict.tone}`, role: 'status', 'data-verdict': audit.verdict }, verdict.text),
    element(
      'div',
      { className: 'figures' },
      figure('Opted out', context.numbers.format(audit.optOuts), 'optOuts'),
      figure('Not blacklisted', context.numbers.format(audit.notBlacklisted), 'notBlacklisted'),
      figure('Messaged after', context.numbers.format(audit.messagedAfterOptOut), 'messagedAfterOptOut'),
    ),
    element('div', { className: 'scroll' }, element('table', { className: 'cards' }, element('thead', {}, head), element('tbody', {}, ...items.map((item) => row(item, context))))),
    ...(audit.nextCursor ? [element('p', {}, 'More opted-out numbers follow: ask for the next page.')] : []),
  );
}

startView('iletimerkezi-opt-outs', render);
