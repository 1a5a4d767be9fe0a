import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../src/config.js';
import { readJson, readPackageJson } from './support/distribution.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface EnvironmentEntry {
  name: string;
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  default?: string;
}

interface ServerJson {
  $schema: string;
  name: string;
  version: string;
  packages: Array<{ registryType: string; identifier: string; version: string; transport: { type: string }; environmentVariables?: EnvironmentEntry[] }>;
}

/**
 * The 2025-12-11 schema as the registry keeps it (modelcontextprotocol/registry,
 * internal/validators/schemas/2025-12-11.json), the one `mcp-publisher publish` checks against.
 */
const SCHEMA_FILE = 'test/fixtures/server.schema.2025-12-11.json';

/** Names whose values are credentials: shown masked by clients, never logged. */
// A Redis URL may carry its password, so it is a secret too.
const SECRET_NAME = /_(KEY|HASH|TOKEN|SECRET|PASSWORD|REDIS_URL)$/;

describe('server.json for the official MCP Registry', () => {
  const pkg = readPackageJson();
  const server = readJson<ServerJson>('server.json');
  const schema = readJson<{ $id: string }>(SCHEMA_FILE);

  it('is valid against the 2025-12-11 schema it names', () => {
    expect(server.$schema).toBe(schema.$id);
    expect(schema.$id).toBe('https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json');
    // strict off: the schema carries OpenAPI's `example`, which is not a JSON Schema keyword.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(server), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('has the name npm links it by (mcpName) and the package version', () => {
    expect(server.name).toBe(pkg.mcpName);
    expect(server.version).toBe(pkg.version);
    expect(server.packages).toHaveLength(1);
    expect(server.packages[0]).toMatchObject({ registryType: 'npm', identifier: pkg.name, version: pkg.version, transport: { type: 'stdio' } });
  });

  it('lists every environment variable the server reads, none required, credentials secret', () => {
    const listed = server.packages[0]?.environmentVariables ?? [];
    expect(listed.map((variable) => variable.name)).toEqual(ENVIRONMENT.map((variable) => variable.name));
    for (const variable of ENVIRONMENT) {
      const entry = listed.find((candidate) => candidate.name === variable.name);
      expect(entry, variable.name).toMatchObject({
        description: variable.about,
        // The server starts without credentials (tools then say what to set, and --demo works).
        isRequired: false,
        isSecret: SECRET_NAME.test(variable.name),
      });
      // A fallback in parentheses describes the default rather than giving one.
      expect(entry?.default, variable.name).toBe(variable.fallback.startsWith('(') ? undefined : variable.fallback);
    }
  });
});
