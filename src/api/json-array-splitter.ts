/**
 * Reads a JSON document chunk by chunk and lifts the elements of one array out of it, found by
 * its path of object keys (`response.orders`), parsing each element as soon as its last byte
 * arrives. Everything else, with that array left empty, is kept as the skeleton.
 *
 * Why: a page of thousands of orders, read whole, is a body, a string twice its size and a parse
 * tree all alive at once, long enough to outlive the young generation. Lifted one by one, each
 * element's garbage dies young and the bytes go as they are read.
 *
 * Nothing here checks JSON syntax except the separators between lifted elements: JSON.parse of
 * each element and of the skeleton checks the rest, so the pieces are valid exactly when the
 * whole document is. Byte-level scanning is safe in UTF-8, where no byte of a multi-byte
 * character is below 0x80.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** An open object or array on the way down to the lifted array; deeper levels are only counted. */
interface Frame {
  isObject: boolean;
  /** The key whose value comes next, or is being read; undefined between a comma and the next key. */
  key: string | undefined;
  /** Whether every enclosing key so far is the path's. */
  onPath: boolean;
}

type Mode =
  /** Outside strings, outside the lifted array. */
  | 'structure'
  /** Inside a string outside the lifted array; `readingKey` tells whether it is a key to remember. */
  | 'string'
  /** Inside the lifted array, between elements. */
  | 'between'
  /** Inside one element of the lifted array. */
  | 'element';

export interface SplitResult {
  /** The document without the lifted elements, or undefined when the pieces are not valid JSON. */
  skeleton: unknown;
  /** Whether a key on the path appeared more than once, which makes the lifted array ambiguous. */
  duplicatePath: boolean;
}

export class JsonArraySplitter {
  private mode: Mode = 'structure';
  private readonly frames: Frame[] = [];
  /** Open containers below the tracked frames, outside elements. */
  private untrackedDepth = 0;
  private escaped = false;
  private readingKey = false;
  private keyParts: Buffer[] = [];
  /** Where the key being read starts in the current chunk; 0 when it began in an earlier one. */
  private keyStart = 0;
  private readonly skeletonParts: Buffer[] = [];
  /** Where the current chunk's run of skeleton bytes, or of the current element's bytes, starts; -1 outside one. */
  private skeletonFrom = 0;
  private elementFrom = -1;
  private elementParts: Buffer[] = [];
  private elementDepth = 0;
  private elementInString = false;
  private elementIsLiteral = false;
  /** In 'between': whether an element must come next (after '[' or ','), or may not (after an element). */
  private expectElement = true;
  private afterOpen = true;
  private elements = 0;
  private malformed = false;
  private duplicatePath = false;
  private readonly pathKeysSeen: number[];

  constructor(
    private readonly path: readonly string[],
    private readonly onElement: (value: unknown, index: number) => void,
  ) {
    this.pathKeysSeen = path.map(() => 0);
  }

  write(chunk: Buffer): void {
    if (this.malformed) return;
    this.skeletonFrom = this.mode === 'between' || this.mode === 'element' ? -1 : 0;
    this.elementFrom = this.mode === 'element' ? 0 : -1;
    const length = chunk.length;
    for (let index = 0; index < length && !this.malformed; index += 1) {
      if (this.mode === 'element') {
        const end = this.scanElement(chunk, index);
        if (end < 0) break;
        this.finishElement(chunk, this.elementFrom, end);
        this.elementFrom = -1;
        index = end - 1;
      } else if (this.mode === 'between') {
        this.readBetween(chunk[index] as number, index);
      } else if (this.mode === 'string') {
        this.readString(chunk, index);
      } else {
        this.readStructure(chunk, index);
      }
    }
    if (this.malformed) return;
    if (this.mode === 'string' && this.readingKey) {
      this.keyParts.push(Buffer.from(chunk.subarray(this.keyStart)));
      this.keyStart = 0;
    }
    if (this.skeletonFrom >= 0 && this.skeletonFrom < length) this.skeletonParts.push(Buffer.from(chunk.subarray(this.skeletonFrom)));
    if (this.elementFrom >= 0 && this.elementFrom < length) this.elementParts.push(chunk.subarray(this.elementFrom));
  }

  /** Inside the lifted array, between elements: whitespace, one comma, the closing bracket, or an element's first byte. */
  private readBetween(byte: number, index: number): void {
    if (isSpace(byte)) return;
    if (byte === CLOSE_ARRAY && (!this.expectElement || this.afterOpen)) {
      this.mode = 'structure';
      this.frames.pop();
      this.skeletonFrom = index;
      this.closeValue();
    } else if (byte === COMMA && !this.expectElement) {
      this.expectElement = true;
      this.afterOpen = false;
    } else if (!this.expectElement || byte === COMMA || byte === CLOSE_ARRAY) {
      this.malformed = true;
    } else {
      this.mode = 'element';
      this.elementFrom = index;
      this.elementInString = byte === QUOTE;
      this.elementDepth = byte === OPEN_OBJECT || byte === OPEN_ARRAY ? 1 : 0;
      this.elementIsLiteral = !this.elementInString && this.elementDepth === 0;
    }
  }

  private readString(chunk: Buffer, index: number): void {
    const byte = chunk[index] as number;
    if (this.escaped) this.escaped = false;
    else if (byte === BACKSLASH) this.escaped = true;
    else if (byte === QUOTE) {
      this.mode = 'structure';
      if (this.readingKey) this.finishKey(chunk, index);
    }
  }

  private readStructure(chunk: Buffer, index: number): void {
    const byte = chunk[index] as number;
    if (byte === QUOTE) {
      this.mode = 'string';
      const frame = this.frames.at(-1);
      this.readingKey = this.untrackedDepth === 0 && frame !== undefined && frame.isObject && frame.key === undefined;
      this.keyStart = index + 1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (this.opensLiftedArray(byte)) {
        this.skeletonParts.push(Buffer.from(chunk.subarray(this.skeletonFrom, index + 1)));
        this.skeletonFrom = -1;
        this.frames.push({ isObject: false, key: undefined, onPath: false });
        this.mode = 'between';
        this.expectElement = true;
        this.afterOpen = true;
      } else if (this.untrackedDepth === 0 && this.frames.length < this.path.length) {
        const parent = this.frames.at(-1);
        const onPath = parent === undefined || (parent.onPath && parent.key === this.path[this.frames.length - 1]);
        this.frames.push({ isObject: byte === OPEN_OBJECT, key: undefined, onPath });
      } else {
        this.untrackedDepth += 1;
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (this.untrackedDepth > 0) this.untrackedDepth -= 1;
      else this.frames.pop();
      this.closeValue();
    } else if (byte === COMMA) {
      this.closeValue();
    }
  }

  /**
   * Scans the element being read from `start`; returns the index just past its last byte, or -1
   * when the chunk ends first. The hot loop of a large page, so its state lives in locals.
   */
  private scanElement(chunk: Buffer, start: number): number {
    const length = chunk.length;
    if (this.elementIsLiteral) {
      for (let index = start; index < length; index += 1) {
        const byte = chunk[index] as number;
        if (byte === COMMA || byte === CLOSE_ARRAY || isSpace(byte)) return index;
      }
      return -1;
    }
    let depth = this.elementDepth;
    let inString = this.elementInString;
    let escaped = this.escaped;
    let end = -1;
    for (let index = start; index < length; index += 1) {
      const byte = chunk[index] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (depth === 0) {
            end = index + 1;
            break;
          }
        }
      } else if (byte === QUOTE) inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth += 1;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) {
          end = index + 1;
          break;
        }
      }
    }
    this.elementDepth = depth;
    this.elementInString = inString;
    this.escaped = escaped;
    return end;
  }

  end(): SplitResult {
    if (this.malformed || this.mode !== 'structure' || this.frames.length > 0 || this.untrackedDepth > 0) {
      return { skeleton: undefined, duplicatePath: this.duplicatePath };
    }
    try {
      return { skeleton: JSON.parse(Buffer.concat(this.skeletonParts).toString('utf8')) as unknown, duplicatePath: this.duplicatePath };
    } catch {
      return { skeleton: undefined, duplicatePath: this.duplicatePath };
    }
  }

  private finishKey(chunk: Buffer, end: number): void {
    this.keyParts.push(chunk.subarray(this.keyStart, end));
    const raw = Buffer.concat(this.keyParts).toString('utf8');
    this.keyParts = [];
    let key: string;
    try {
      key = JSON.parse(`"${raw}"`) as string;
    } catch {
      this.malformed = true;
      return;
    }
    const frame = this.frames.at(-1) as Frame;
    frame.key = key;
    const depth = this.frames.length - 1;
    if (frame.onPath && key === this.path[depth]) {
      this.pathKeysSeen[depth] = (this.pathKeysSeen[depth] ?? 0) + 1;
      if ((this.pathKeysSeen[depth] ?? 0) > 1) this.duplicatePath = true;
    }
  }

  /** A value ended (a ',' or a closing bracket): the enclosing object waits for its next key. */
  private closeValue(): void {
    if (this.untrackedDepth > 0) return;
    const frame = this.frames.at(-1);
    if (frame?.isObject) frame.key = undefined;
  }

  private opensLiftedArray(byte: number): boolean {
    if (byte !== OPEN_ARRAY || this.untrackedDepth > 0 || this.frames.length !== this.path.length) return false;
    const parent = this.frames.at(-1);
    return parent !== undefined && parent.isObject && parent.onPath && parent.key === this.path[this.path.length - 1];
  }

  private finishElement(chunk: Buffer, from: number, to: number): void {
    const text =
      this.elementParts.length === 0
        ? chunk.toString('utf8', from, to)
        : Buffer.concat([...this.elementParts, chunk.subarray(from, to)]).toString('utf8');
    this.elementParts = [];
    this.mode = 'between';
    this.expectElement = false;
    this.afterOpen = false;
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      this.malformed = true;
      return;
    }
    this.onElement(value, this.elements);
    this.elements += 1;
  }
}
