import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type * as z from 'zod';

type JsonSchema = Record<string, unknown>;
type Direction = 'input' | 'output';
type JsonSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>[0];

/**
 * What zod writes into every JSON Schema that says nothing to a client: the dialect, which is
 * MCP's default (2020-12) anyway, and the ±2^53-1 bounds it puts on every integer. In an output
 * schema, also `additionalProperties: false`, which zod adds to every object it emits: a client
 * that validates results against a list it cached would then reject an answer that gained a field.
 * Together they were 11 KB of a 76 KB tools/list.
 */
function leaveOutNoise(schema: unknown, direction: Direction): unknown {
  if (Array.isArray(schema)) return schema.map((item) => leaveOutNoise(item, direction));
  if (schema === null || typeof schema !== 'object') return schema;
  const kept: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (direction === 'output' && key === 'additionalProperties' && value === false) continue;
    kept[key] = leaveOutNoise(value, direction);
  }
  return kept;
}

/** A zod schema as the SDK takes it: zod still validates, and tools/list shows its JSON Schema without the noise above. */
export function compactSchema<S extends z.ZodType>(schema: S): StandardSchemaWithJSON<z.input<S>, z.output<S>> {
  const standard = schema['~standard'];
  const jsonSchema = (direction: Direction) => (options: JsonSchemaOptions) =>
    leaveOutNoise(standard.jsonSchema[direction](options), direction) as JsonSchema;
  return {
    '~standard': {
      version: 1,
      vendor: standard.vendor,
      validate: (value) => standard.validate(value),
      jsonSchema: { input: jsonSchema('input'), output: jsonSchema('output') },
    },
  };
}
