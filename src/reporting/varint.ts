/**
 * Whole numbers as LEB128 varints: seven bits a byte, low bits first, the high bit set on every
 * byte but the last, so a small number takes one byte and none takes more than eight. Numbers
 * past 2^31 go through arithmetic, because JavaScript's bitwise operators stop at 32 bits.
 */

const LOW_SEVEN = 0x7f;
const MORE = 0x80;
const BITWISE_SAFE = 2 ** 31;
/** 2^53 needs 8 bytes of 7 bits. */
const MAX_BYTES = 8;

export class VarintWriter {
  private bytes = new Uint8Array(4096);
  private length = 0;

  /** A whole number from 0 to 2^53 - 1. */
  write(value: number): void {
    if (this.length + MAX_BYTES > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    let rest = value;
    while (rest >= BITWISE_SAFE) {
      this.bytes[this.length++] = (rest % MORE) | MORE;
      rest = Math.floor(rest / MORE);
    }
    while (rest >= MORE) {
      this.bytes[this.length++] = (rest & LOW_SEVEN) | MORE;
      rest >>>= 7;
    }
    this.bytes[this.length++] = rest;
  }

  /** A whole number of either sign, zigzagged so that a small magnitude stays short: 0, -1, 1, -2… become 0, 1, 2, 3… */
  writeSigned(value: number): void {
    this.write(value < 0 ? -2 * value - 1 : 2 * value);
  }

  /** The bytes written so far (a view, not a copy). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Reads what a VarintWriter wrote; a truncated or overlong number throws a RangeError. */
export class VarintReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(): number {
    const first = this.bytes[this.offset++];
    if (first !== undefined && first < MORE) return first;
    let value = 0;
    let scale = 1;
    for (let count = 0, byte = first; count < MAX_BYTES; count += 1, byte = this.bytes[this.offset++]) {
      if (byte === undefined) throw new RangeError('varint cut short');
      value += (byte & LOW_SEVEN) * scale;
      if (byte < MORE) {
        if (!Number.isSafeInteger(value)) throw new RangeError('varint too large');
        return value;
      }
      scale *= MORE;
    }
    throw new RangeError('varint too long');
  }

  readSigned(): number {
    const zigzag = this.read();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  /** Whether every byte was read. */
  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}
