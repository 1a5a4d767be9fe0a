import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../src/api/json-array-splitter.js';

/**
 * The splitter against JSON.parse as the reference: whatever the chunking, a document is read as
 * valid exactly when JSON.parse accepts it, the lifted elements are the array's, in order, and
 * the skeleton is the document with that array emptied.
 */

const PATH = ['response', 'orders'] as const;

function split(text: string, cuts: readonly number[] = []) {
  const bytes = Buffer.from(text, 'utf8');
  const elements: Array<{ value: unknown; index: number }> = [];
  const splitter = new JsonArraySplitter(PATH, (value, index) => elements.push({ value, index }));
  let from = 0;
  for (const cut of [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  splitter.write(bytes.subarray(from));
  return { ...splitter.end(), elements };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What the splitter should produce, by JSON semantics: response.orders lifted when it is an array. */
function expected(document: unknown): { skeleton: unknown; elements: unknown[] } {
  const response = (document as { response?: unknown } | null)?.response;
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(document) || !isObject(response) || !Array.isArray(response.orders)) return { skeleton: document, elements: [] };
  return { skeleton: { ...document, response: { ...response, orders: [] } }, elements: response.orders };
}

const order = fc.record({
  id: fc.nat(),
  sender: fc.string({ unit: 'binary' }),
  submitAt: fc.constant('2026-11-20 09:15:00'),
  nested: fc.jsonValue({ maxDepth: 3 }),
});
const element = fc.oneof(order, fc.jsonValue({ maxDepth: 3 }));
const document = fc.oneof(
  fc.record({
    response: fc.record({ status: fc.record({ code: fc.constant(200), message: fc.string({ unit: 'binary' }) }), orders: fc.array(element, { maxLength: 12 }) }),
    extra: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({ response: fc.record({ orders: fc.jsonValue({ maxDepth: 2 }) }) }),
  fc.jsonValue({ maxDepth: 4 }),
);
const cuts = fc.array(fc.nat(), { maxLength: 12 });
const indent = fc.constantFrom(undefined, 1, '\t', ' \r\n ');

describe('JsonArraySplitter', () => {
  it('lifts response.orders and keeps the rest, for any document, layout and chunking', () => {
    fc.assert(
      fc.property(document, indent, cuts, (value, space, at) => {
        const text = JSON.stringify(value, null, space);
        const result = split(text, at);
        const want = expected(JSON.parse(text));
        expect(result.skeleton).toEqual(want.skeleton);
        expect(result.elements.map((item) => item.value)).toEqual(want.elements);
        expect(result.elements.map((item) => item.index)).toEqual(want.elements.map((_, index) => index));
        expect(result.duplicatePath).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts a damaged document exactly when JSON.parse does: cut short, a byte dropped or a byte added', () => {
    const damage = fc.oneof(
      fc.nat().map((at) => (text: string) => text.slice(0, at % (text.length + 1))),
      fc.nat().map((at) => (text: string) => text.slice(0, at % text.length) + text.slice((at % text.length) + 1)),
      fc
        .tuple(fc.nat(), fc.constantFrom(',', ']', '[', '}', '{', '"', '\\', ':', ' ', '1', 'x'))
        .map(([at, byte]) => (text: string) => text.slice(0, at % text.length) + byte + text.slice(at % text.length)),
    );
    fc.assert(
      fc.property(document, damage, cuts, (value, hurt, at) => {
        // Through UTF-8 and back, as a body arrives: damage may have split a surrogate pair.
        const text = Buffer.from(hurt(JSON.stringify(value)), 'utf8').toString('utf8');
        const reference = parseOrUndefined(text);
        const result = split(text, at);
        if (reference === undefined) {
          expect(result.skeleton).toBeUndefined();
        } else if (!result.duplicatePath) {
          const want = expected(reference);
          expect(result.skeleton).toEqual(want.skeleton);
          expect(result.elements.map((item) => item.value)).toEqual(want.elements);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['a trailing comma', '{"response":{"orders":[1,]}}'],
    ['a leading comma', '{"response":{"orders":[,1]}}'],
    ['two commas', '{"response":{"orders":[1,,2]}}'],
    ['a missing comma', '{"response":{"orders":[{"a":1} {"b":2}]}}'],
    ['an unclosed array', '{"response":{"orders":[1,2'],
    ['an unclosed element', '{"response":{"orders":[{"a":"b}]}}'],
    ['a literal run into a bracket', '{"response":{"orders":[12}]}}'],
    ['an HTML page', '<html>maintenance</html>'],
    ['nothing', ''],
  ])('refuses %s', (_label, text) => {
    expect(parseOrUndefined(text)).toBeUndefined();
    expect(split(text).skeleton).toBeUndefined();
  });

  it('flags a path key named twice, where JSON.parse would silently keep the last', () => {
    expect(split('{"response":{"orders":[1],"orders":[2]}}').duplicatePath).toBe(true);
    expect(split('{"response":{"orders":[1]},"response":{"orders":[]}}').duplicatePath).toBe(true);
    expect(split('{"response":{"orders":[1],"other":{"orders":[2]}},"orders":[3]}').duplicatePath).toBe(false);
  });

  it('reads escaped keys as JSON does, across chunk boundaries', () => {
    const text = '{"resp\\u006fnse":{"ord\\"ers":[9],"\\u006frders":[{"k\\"}":"v]"}, "x"]}}';
    for (let cut = 0; cut <= Buffer.byteLength(text); cut += 1) {
      const result = split(text, [cut]);
      expect(result.elements.map((item) => item.value)).toEqual([{ 'k"}': 'v]' }, 'x']);
      expect(result.skeleton).toEqual({ response: { 'ord"ers': [9], orders: [] } });
    }
  });

  it('keeps multi-byte characters whole when a chunk ends inside one', () => {
    const text = JSON.stringify({ response: { orders: [{ sender: 'ACME BİLGİ ğüşöç 🚀' }] } });
    for (let cut = 0; cut <= Buffer.byteLength(text); cut += 1) {
      expect(split(text, [cut]).elements[0]?.value).toEqual({ sender: 'ACME BİLGİ ğüşöç 🚀' });
    }
  });

  it('scans deep nesting without recursion, inside and outside the lifted array', () => {
    const deepArray = `{"response":{"status":{"code":200},"orders":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}}`;
    expect(split(deepArray).elements).toHaveLength(1);
    const deepObject = `{"response":{"extra":${'{"x":'.repeat(50_000)}1${'}'.repeat(50_000)},"orders":[{"id":1}]}}`;
    const result = split(deepObject, [7, 70_000, 200_000]);
    expect(result.elements.map((item) => item.value)).toEqual([{ id: 1 }]);
    expect((result.skeleton as { response: { orders: unknown } }).response.orders).toEqual([]);
  });
});
