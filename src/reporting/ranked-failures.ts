import * as z from 'zod';
import type { PhoneNumber } from '../api/phone-number.js';
import { VarintReader, VarintWriter } from './varint.js';

/** One number that failed, over every order of the range in which it did. */
export interface FailedNumber {
  number: string;
  isPhoneNumber: boolean;
  /** Undelivered messages to it. */
  failures: number;
  /** Orders in which it failed at least once. */
  orders: number;
  /** The sendAt of the latest of those orders (API wall-clock). */
  lastFailedAt: string;
}

/**
 * Failing numbers in columns rather than as objects, about 20 bytes a number: a million fit in
 * memory, and in one snapshot, where a million objects would take over a gigabyte.
 */
export interface FailureColumns {
  /**
   * The number: an E.164 phone number as the whole number of its digits (15 at most, so under
   * 2^53); any other value as -(1 + its index in `others`).
   */
  keys: Float64Array;
  failures: Uint32Array;
  orders: Uint32Array;
  /** The index in `sendTimes` of the sendAt of the latest order the number failed in. */
  lastSent: Uint32Array;
  /** The values that are not E.164 phone numbers, as normalized (short codes, malformed numbers). */
  others: readonly PhoneNumber[];
  sendTimes: readonly string[];
}

/** A key's value when it is not a phone number's digits, and the key for the value at `index` of `others`. */
export const otherIndex = (key: number) => -key - 1;
export const otherKey = (index: number) => -(index + 1);

/**
 * The largest whole number of E.164 digits: the plan allows 15. A key of digits is exact below
 * 2^53, and its text is `+` and the key written out.
 */
const MAX_PHONE_KEY = 999_999_999_999_999;

/** The most a count column holds. */
const MAX_COUNT = 0xffff_ffff;

/** What a snapshot keeps of a ranking: about 6 characters of JSON a number when they are Turkish mobiles (at most 16 for any). */
const encodedSchema = z.object({
  /** The failure counts down the ranking, as runs: [failures, numbers with them, failures, numbers…]. */
  runs: z.array(z.number().int().min(0).max(MAX_COUNT)),
  /** Base64 of varints, three a number: its key's difference from the one before it (zigzagged), orders, lastSent. */
  data: z.string(),
  others: z.array(z.tuple([z.string(), z.boolean()])),
  sendTimes: z.array(z.string()),
});

export type EncodedFailures = z.infer<typeof encodedSchema>;

/**
 * The failing numbers of a range, most failures first, then by number (as text): read one at a
 * time by position, so a page of 50 builds 50 objects however many numbers there are.
 */
export class RankedFailures implements Iterable<FailedNumber> {
  constructor(
    private readonly columns: FailureColumns,
    /** The leading numbers of the columns that this ranking holds. */
    readonly length = columns.keys.length,
  ) {}

  at(position: number): FailedNumber | undefined {
    if (!Number.isInteger(position) || position < 0 || position >= this.length) return undefined;
    const { keys, failures, orders, lastSent, others, sendTimes } = this.columns;
    const key = keys[position] as number;
    const number = key >= 0 ? { number: `+${key}`, isPhoneNumber: true } : (others[otherIndex(key)] as PhoneNumber);
    return {
      number: number.number,
      isPhoneNumber: number.isPhoneNumber,
      failures: failures[position] as number,
      orders: orders[position] as number,
      lastFailedAt: sendTimes[lastSent[position] as number] as string,
    };
  }

  /** The numbers that failed at least `min` times: the failures only fall down the ranking, so they lead it. */
  atLeast(min: number): RankedFailures {
    const { failures } = this.columns;
    let start = 0;
    let end = this.length;
    while (start < end) {
      const middle = (start + end) >>> 1;
      if ((failures[middle] as number) >= min) start = middle + 1;
      else end = middle;
    }
    return new RankedFailures(this.columns, start);
  }

  *[Symbol.iterator](): Iterator<FailedNumber> {
    for (let position = 0; position < this.length; position += 1) yield this.at(position) as FailedNumber;
  }

  encode(): EncodedFailures {
    const { keys, failures, orders, lastSent, others, sendTimes } = this.columns;
    const runs: number[] = [];
    const writer = new VarintWriter();
    let previous = 0;
    for (let position = 0; position < this.length; position += 1) {
      const count = failures[position] as number;
      if (runs.at(-2) === count) runs[runs.length - 1] = (runs.at(-1) as number) + 1;
      else runs.push(count, 1);
      const key = keys[position] as number;
      // Within a run the numbers ascend, so most differences take two or three bytes.
      writer.writeSigned(key - previous);
      previous = key;
      writer.write(orders[position] as number);
      writer.write(lastSent[position] as number);
    }
    const bytes = writer.written();
    return {
      runs,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      others: others.map((other) => [other.number, other.isPhoneNumber]),
      sendTimes: [...sendTimes],
    };
  }

  /** The ranking `encode` wrote, or undefined for anything else (a foreign or damaged value reads as a miss). */
  static decode(stored: unknown): RankedFailures | undefined {
    const parsed = encodedSchema.safeParse(stored);
    if (!parsed.success) return undefined;
    const { runs, data, others, sendTimes } = parsed.data;
    if (runs.length % 2 !== 0) return undefined;
    let length = 0;
    for (let index = 1; index < runs.length; index += 2) length += runs[index] as number;
    const bytes = Buffer.from(data, 'base64');
    // Each number takes at least three bytes, so a length past that is not one encode wrote.
    if (length * 3 > bytes.length) return undefined;
    const columns = {
      keys: new Float64Array(length),
      failures: new Uint32Array(length),
      orders: new Uint32Array(length),
      lastSent: new Uint32Array(length),
      others: others.map(([number, isPhoneNumber]) => ({ number, isPhoneNumber })),
      sendTimes,
    };
    const reader = new VarintReader(bytes);
    try {
      let position = 0;
      let key = 0;
      for (let run = 0; run < runs.length; run += 2) {
        const count = runs[run] as number;
        const end = position + (runs[run + 1] as number);
        for (; position < end; position += 1) {
          key += reader.readSigned();
          const orders = reader.read();
          const lastSent = reader.read();
          if (key > MAX_PHONE_KEY || (key < 0 && otherIndex(key) >= others.length) || orders > MAX_COUNT || lastSent >= sendTimes.length) return undefined;
          columns.keys[position] = key;
          columns.failures[position] = count;
          columns.orders[position] = orders;
          columns.lastSent[position] = lastSent;
        }
      }
    } catch {
      return undefined;
    }
    return reader.done ? new RankedFailures(columns, length) : undefined;
  }
}
