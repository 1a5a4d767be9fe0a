import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboxMessage, Order, ReportPage } from '../src/api/client.js';
import { SharedBlacklist } from '../src/reporting/blacklist.js';
import { auditOptOuts } from '../src/reporting/opt-out-audit.js';
import { expectedNumber } from './support/ground-truth.js';
import { pagedOrdersApi } from './support/memory-api.js';

/** A few people, each in the forms the three endpoints write them. */
const PEOPLE = ['5321234567', '5339876543', '5447771122', '5078889900'];
const INBOX_FORMS = [(digits: string) => `+90${digits}`];
const OTHER_FORMS = [(digits: string) => digits, (digits: string) => `0${digits}`, (digits: string) => `90${digits}`, (digits: string) => `+90 ${digits.slice(0, 3)} ${digits.slice(3)}`];

const at = (day: number, minutes: number) => `2026-04-${String(day).padStart(2, '0')} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

describe('audit_opt_outs, as a property', () => {
  it('reports a number as messaged after opting out exactly when an order sent after its opt-out has it as a recipient', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ person: fc.nat({ max: 3 }), day: fc.integer({ min: 8, max: 20 }), minutes: fc.nat({ max: 1439 }), text: fc.constantFrom('RET', 'ILT ACME RET', 'merhaba') }), { maxLength: 8 }),
        fc.array(fc.record({ person: fc.nat({ max: 3 }), form: fc.nat({ max: 3 }) }), { maxLength: 4 }),
        fc.array(
          fc.record({
            day: fc.integer({ min: 1, max: 21 }),
            minutes: fc.nat({ max: 1439 }),
            recipients: fc.array(fc.record({ person: fc.nat({ max: 5 }), form: fc.nat({ max: 3 }), status: fc.constantFrom(110, 111, 112) }), { maxLength: 5 }),
          }),
          { maxLength: 12 },
        ),
        async (messages, blocked, sends) => {
          const inbox: InboxMessage[] = messages.map((message, index) => ({
            id: String(index + 1),
            date: at(message.day, message.minutes),
            sender: (INBOX_FORMS[0] as (d: string) => string)(PEOPLE[message.person] ?? ''),
            number: '+908501234567',
            text: message.text,
          }));
          const blacklist = blocked.map((entry) => (OTHER_FORMS[entry.form] as (d: string) => string)(PEOPLE[entry.person] ?? ''));
          // Persons 4 and 5 are strangers who never opted out.
          const person = (index: number) => PEOPLE[index] ?? `50000000${index}0`;
          const orders: Order[] = sends.map((send, index) => {
            const time = at(send.day, send.minutes);
            return { id: 100 + index, status: 114, total: send.recipients.length, delivered: 0, undelivered: 0, waiting: 0, submitAt: time, sendAt: time, sender: 'ACME' };
          });
          const rows = new Map(sends.map((send, index) => [100 + index, send.recipients.map((recipient) => ({ number: (OTHER_FORMS[recipient.form] as (d: string) => string)(person(recipient.person)), status: recipient.status }))]));
          const api = pagedOrdersApi(orders, 5, {
            fetchInbox: (keep) => Promise.resolve({ totalRows: inbox.length, messages: inbox.map(keep) }),
            readBlacklistPage: (page) => Promise.resolve(page === 1 ? blacklist : []),
            readReportPage: (orderId, page): Promise<ReportPage | undefined> => {
              const order = orders.find((candidate) => candidate.id === orderId) as Order;
              return Promise.resolve({ ...order, message: page === 1 ? (rows.get(orderId) ?? []) : [] });
            },
          });
          const audit = await auditOptOuts(api, { range: { start: '2026-04-01', end: '2026-04-30' }, checkSends: true, today: '2026-04-30', now: '2026-04-30 23:59:59', maxRangeDays: 366 }, { maxReportOrders: 500, blacklist: new SharedBlacklist() });

          // Plain loops: each person's earliest opt-out, then any order after it that lists them.
          const optedOutAt = new Map<string, string>();
          for (const message of inbox) {
            if (!/\bRET\b/.test(message.text)) continue;
            const number = expectedNumber(message.sender).number;
            const known = optedOutAt.get(number);
            if (!known || message.date < known) optedOutAt.set(number, message.date);
          }
          const messaged = new Set<string>();
          for (const order of orders) {
            for (const recipient of rows.get(order.id) ?? []) {
              const number = expectedNumber(recipient.number).number;
              const since = optedOutAt.get(number);
              if (since !== undefined && order.sendAt > since) messaged.add(number);
            }
          }
          expect(new Set(audit.items.map((item) => item.number))).toEqual(new Set(optedOutAt.keys()));
          expect(new Set(audit.items.filter((item) => item.sendCount > 0).map((item) => item.number))).toEqual(messaged);
          expect(audit.messagedAfterOptOut).toBe(messaged.size);
          const listed = new Set(blocked.map((entry) => `+90${PEOPLE[entry.person] ?? ''}`));
          for (const item of audit.items) expect(item.blacklisted).toBe(listed.has(item.number));
        },
      ),
      { numRuns: 150 },
    );
  });
});
