/**
 * The order ids of one window's own days. A scan keeps every window's ids until it ends, and
 * windows run side by side, so a large range holds up to a million of them at once. Open
 * addressing in a typed array costs 4–8 bytes a slot, where a Set costs about 40 an id, and its
 * storage lives outside the garbage-collected heap. Slots are 32 bits wide while every id fits,
 * as iletiMerkezi's nine- and ten-digit ids do, and widen to 64 the first time one does not: a
 * million ids then hold 8 MB rather than 16. One set a window, rather than one for the whole
 * call, keeps each small: growing a million-id table would copy it whole.
 */
export class IdSet {
  /** 0 marks an empty slot, so an id is stored as id + 1 (ids are safe integers, so this is exact). */
  private slots: Slots = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the id and returns true, or returns false when it was already there. */
  add(id: number): boolean {
    const key = id + 1;
    if (key > MAX_NARROW_KEY && this.slots instanceof Uint32Array) this.rehash(new Float64Array(this.slots.length));
    if ((this.count + 1) * 2 > this.slots.length) this.rehash(this.slots instanceof Uint32Array ? new Uint32Array(this.slots.length * 2) : new Float64Array(this.slots.length * 2));
    if (!insert(this.slots, key)) return false;
    this.count += 1;
    return true;
  }

  has(id: number): boolean {
    return this.find(id + 1) >= 0;
  }

  /** Removes the id and returns true, or returns false when it was not there. */
  delete(id: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    let hole = this.find(id + 1);
    if (hole < 0) return false;
    slots[hole] = 0;
    this.count -= 1;
    // Backward shift: later keys of the same run move into the hole if it lies on their probe path.
    for (let index = (hole + 1) & mask; slots[index] !== 0; index = (index + 1) & mask) {
      const current = slots[index] as number;
      if (((index - spread(current)) & mask) >= ((index - hole) & mask)) {
        slots[hole] = current;
        slots[index] = 0;
        hole = index;
      }
    }
    return true;
  }

  /** The slot of a stored key, or -1. */
  private find(key: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let index = spread(key) & mask; ; index = (index + 1) & mask) {
      const current = slots[index];
      if (current === key) return index;
      if (current === 0) return -1;
    }
  }

  /** Moves every key into `larger`: twice the slots, or as many but 64 bits wide. */
  private rehash(larger: Slots): void {
    const old = this.slots;
    this.slots = larger;
    for (const key of old) if (key !== 0) insert(larger, key);
  }
}

type Slots = Uint32Array | Float64Array;

/** The largest key a 32-bit slot holds. */
const MAX_NARROW_KEY = 0xffff_ffff;

function insert(slots: Slots, key: number): boolean {
  const mask = slots.length - 1;
  for (let index = spread(key) & mask; ; index = (index + 1) & mask) {
    const current = slots[index];
    if (current === 0) {
      slots[index] = key;
      return true;
    }
    if (current === key) return false;
  }
}

/** A 32-bit mix of both halves of the key, so sequential ids land far apart. */
function spread(key: number): number {
  const high = Math.floor(key / 4_294_967_296) >>> 0;
  let hash = Math.imul((key >>> 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Ids in the order they were added, stored off the garbage-collected heap like IdSet's. */
export class IdList {
  private items = new Float64Array(256);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(id: number): void {
    if (this.count === this.items.length) {
      const larger = new Float64Array(this.items.length * 2);
      larger.set(this.items);
      this.items = larger;
    }
    this.items[this.count] = id;
    this.count += 1;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let index = 0; index < this.count; index += 1) yield this.items[index] as number;
  }
}
