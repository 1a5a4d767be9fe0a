import type { PhoneNumber } from '../api/phone-number.js';
import { type FailureColumns, RankedFailures, otherIndex, otherKey } from './ranked-failures.js';

/**
 * The most distinct failing numbers one call tallies. A million take about 40 MB here and 5 to
 * 10 MB in a snapshot (within one snapshot's 16 MB, so a cursor walks them without re-reading);
 * past it, the call stops rather than let memory grow with the data.
 */
export const MAX_FAILED_NUMBERS = 1_000_000;

const E164 = /^\+[1-9]\d{0,14}$/;
const FIRST_CAPACITY = 1024;

/** A key's place in an open-addressing table of `mask + 1` places. */
function placeOf(key: number, mask: number): number {
  // The low and the high 32 bits of the key, mixed (murmur3's finalizer).
  let hash = (key | 0) ^ Math.imul((key / 0x1_0000_0000) | 0, 0x9e37_79b1);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85eb_ca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2_ae35);
  return (hash ^ (hash >>> 16)) & mask;
}

function grown<A extends Float64Array | Uint32Array>(array: A, length: number): A {
  const next = new (array.constructor as new (length: number) => A)(length);
  next.set(array);
  return next;
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, power) => 10 ** power);

function digitsOf(key: number): number {
  let digits = 1;
  while (digits < 15 && key >= (POWERS_OF_TEN[digits] as number)) digits += 1;
  return digits;
}

/**
 * Tallies undelivered messages per number, one order at a time, in growing typed arrays: a
 * number is a whole number (its E.164 digits), its counts sit beside it, and an open-addressing
 * table of slot indexes finds it. Values that are not phone numbers go in a side list. Past
 * `capacity` distinct numbers it throws what `refuse` makes, before it takes more memory.
 */
export class FailureTally {
  private keys = new Float64Array(FIRST_CAPACITY);
  private failures = new Uint32Array(FIRST_CAPACITY);
  private orders = new Uint32Array(FIRST_CAPACITY);
  /** The ordinal of the last order that added to the number, so an order counts once per number. */
  private lastOrder = new Uint32Array(FIRST_CAPACITY);
  private lastSent = new Uint32Array(FIRST_CAPACITY);
  private size = 0;
  /** Slot + 1 of the number at each place, 0 for a free place; never more than half full. */
  private places = new Int32Array(FIRST_CAPACITY * 2);
  private readonly others: PhoneNumber[] = [];
  private readonly otherKeys = new Map<string, number>();
  private readonly sendTimes: string[] = [];
  private readonly sendTimeIndex = new Map<string, number>();
  private ordersAdded = 0;

  constructor(
    private readonly capacity: number,
    private readonly refuse: (ordersAdded: number) => Error,
  ) {}

  /**
   * The compact form of a number: its digits for an E.164 phone number, else a key into the
   * side list. Called as messages arrive, so an order holds its failed numbers as plain numbers
   * until it is read whole and added.
   */
  keyOf(number: PhoneNumber): number {
    if (number.isPhoneNumber && E164.test(number.number)) return Number(number.number.slice(1));
    let key = this.otherKeys.get(number.number);
    if (key === undefined) {
      key = otherKey(this.others.length);
      this.others.push(number);
      this.otherKeys.set(number.number, key);
    }
    return key;
  }

  /** Adds the failed numbers of one order, read whole (a number may come more than once). */
  addOrder(order: { sendAt: string }, keys: readonly number[]): void {
    this.ordersAdded += 1;
    const ordinal = this.ordersAdded;
    let sent = this.sendTimeIndex.get(order.sendAt);
    if (sent === undefined) {
      sent = this.sendTimes.push(order.sendAt) - 1;
      this.sendTimeIndex.set(order.sendAt, sent);
    }
    for (const key of keys) {
      const slot = this.slotOf(key, sent);
      this.failures[slot] = (this.failures[slot] as number) + 1;
      if (this.lastOrder[slot] !== ordinal) {
        this.orders[slot] = (this.orders[slot] as number) + 1;
        this.lastOrder[slot] = ordinal;
      }
      if (order.sendAt > (this.sendTimes[this.lastSent[slot] as number] as string)) this.lastSent[slot] = sent;
    }
  }

  /** Every number tallied, most failures first, then by number as text (as `<` orders strings). */
  rank(): RankedFailures {
    const { size, keys, failures } = this;
    // Digits compare as text when padded with zeros on the right to the same length; the few
    // numbers that tie then (one is the other and zeros) and the values that are not phone
    // numbers (NaN here) are compared as text.
    const padded = new Float64Array(size);
    for (let slot = 0; slot < size; slot += 1) {
      const key = keys[slot] as number;
      padded[slot] = key >= 0 ? key * (POWERS_OF_TEN[15 - digitsOf(key)] as number) : Number.NaN;
    }
    const textOf = (slot: number): string => {
      const key = keys[slot] as number;
      return key >= 0 ? `+${key}` : (this.others[otherIndex(key)] as PhoneNumber).number;
    };
    const asText = (a: number, b: number): number => {
      const textA = textOf(a);
      const textB = textOf(b);
      return textA < textB ? -1 : textA > textB ? 1 : 0;
    };
    const order = new Uint32Array(size);
    for (let slot = 0; slot < size; slot += 1) order[slot] = slot;
    order.sort((a, b) => (failures[b] as number) - (failures[a] as number) || (padded[a] as number) - (padded[b] as number) || asText(a, b));
    return new RankedFailures(this.gather(order));
  }

  /** The columns in `order`, with the side list cut to the values still in them. */
  private gather(order: Uint32Array): FailureColumns {
    const size = order.length;
    const columns = {
      keys: new Float64Array(size),
      failures: new Uint32Array(size),
      orders: new Uint32Array(size),
      lastSent: new Uint32Array(size),
      others: [] as PhoneNumber[],
      sendTimes: this.sendTimes,
    };
    for (let position = 0; position < size; position += 1) {
      const slot = order[position] as number;
      let key = this.keys[slot] as number;
      if (key < 0) {
        columns.others.push(this.others[otherIndex(key)] as PhoneNumber);
        key = otherKey(columns.others.length - 1);
      }
      columns.keys[position] = key;
      columns.failures[position] = this.failures[slot] as number;
      columns.orders[position] = this.orders[slot] as number;
      columns.lastSent[position] = this.lastSent[slot] as number;
    }
    return columns;
  }

  /** The slot of `key`, made (with `sent` as its latest send time) when it has none. */
  private slotOf(key: number, sent: number): number {
    let mask = this.places.length - 1;
    let place = placeOf(key, mask);
    for (let held = this.places[place] as number; held !== 0; held = this.places[place] as number) {
      if (this.keys[held - 1] === key) return held - 1;
      place = (place + 1) & mask;
    }
    if (this.size >= this.capacity) throw this.refuse(this.ordersAdded);
    if (this.size === this.keys.length) this.growColumns();
    const slot = this.size;
    this.size += 1;
    this.keys[slot] = key;
    this.lastSent[slot] = sent;
    if (this.size * 2 > this.places.length) {
      this.growPlaces();
      mask = this.places.length - 1;
      for (place = placeOf(key, mask); this.places[place] !== 0; place = (place + 1) & mask);
    }
    this.places[place] = slot + 1;
    return slot;
  }

  private growColumns(): void {
    const length = Math.min(this.keys.length * 2, Math.max(this.capacity, FIRST_CAPACITY));
    this.keys = grown(this.keys, length);
    this.failures = grown(this.failures, length);
    this.orders = grown(this.orders, length);
    this.lastOrder = grown(this.lastOrder, length);
    this.lastSent = grown(this.lastSent, length);
  }

  private growPlaces(): void {
    const places = new Int32Array(this.places.length * 2);
    const mask = places.length - 1;
    for (let slot = 0; slot < this.size - 1; slot += 1) {
      let place = placeOf(this.keys[slot] as number, mask);
      while (places[place] !== 0) place = (place + 1) & mask;
      places[place] = slot + 1;
    }
    this.places = places;
  }
}
