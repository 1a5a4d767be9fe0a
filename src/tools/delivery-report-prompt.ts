import { periodField } from './fields.js';
import { listFailedNumbersTool } from './list-failed-numbers.js';
import { listOrdersTool } from './list-orders.js';
import { definePrompt } from './prompt.js';
import { summarizeDeliveryTool } from './summarize-delivery.js';

/** A year by day would be hundreds of lines; by week it reads as a report. */
const groupByFor = (period: string) => (period === 'this_year' ? 'week' : 'day');

/**
 * The list_orders arguments, beside the period, that answer "which campaigns did worst?": a
 * campaign is an order of at least 100 messages, and ten of them fit a short answer.
 */
export const WORST_CAMPAIGNS = { sort: 'lowest_rate', minMessages: 100, limit: 10 } as const;

export const deliveryReportPrompt = definePrompt({
  name: 'delivery_report',
  title: 'Delivery report',
  description:
    'A short SMS delivery report for a period: totals by day or week, the campaigns that did worst, the numbers that keep failing, and whether the figures are final.',
  arguments: {
    period: periodField.describe(
      'The period to report on: today, yesterday, last_7_days, last_30_days, this_week, last_week, this_month, last_month, this_year, or a month as YYYY-MM.',
    ),
  },
  uses: [summarizeDeliveryTool, listOrdersTool, listFailedNumbersTool],
  text: ({ period }) =>
    [
      `Write a short SMS delivery report for the period ${JSON.stringify(period)} (Istanbul calendar days) of this iletiMerkezi account.`,
      `1. Call summarize_delivery with period ${JSON.stringify(period)} and groupBy "${groupByFor(period)}".`,
      `2. Call list_orders with period ${JSON.stringify(period)}, sort "${WORST_CAMPAIGNS.sort}", minMessages ${WORST_CAMPAIGNS.minMessages} ` +
        `and limit ${WORST_CAMPAIGNS.limit}, for the campaigns with the lowest delivery rates.`,
      `3. Call list_failed_numbers with period ${JSON.stringify(period)} and minFailures 2, for the numbers that keep failing. ` +
        'If it refuses because the range holds too many orders with failures, say so in the report instead of guessing.',
      '4. Write the report: messages sent, delivered, undelivered and the delivery rate; the days or weeks that stand out; ' +
        'the campaigns that did worst, with their rates; and the numbers to clean from the lists, with how often each failed.',
      'If summarize_delivery marks the figures provisional, or list_orders marks a rate provisional, say plainly that they ' +
        'are provisional, because messages are still waiting or orders are still in progress, and may change. Use only figures the tools returned.',
    ].join('\n'),
});
