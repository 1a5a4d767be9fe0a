import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules and the type-aware rules of eslint.config.js, proven on code planted at virtual
 * paths: lintText never writes the file, so nothing can be left behind in src/ or collide with
 * another test. The planted paths are outside tsconfig.json's program (they do not exist), so
 * this instance, and only this one, lets TypeScript's default project (with tsconfig.json's
 * options) type-check them.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// One path per folder, for typescript-eslint's cap on the files open in the default project.
const PLANTED = '__planted__.ts';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      languageOptions: {
        parserOptions: {
          projectService: {
            allowDefaultProject: [`src/*/${PLANTED}`, `src/*/*/${PLANTED}`],
            defaultProject: 'tsconfig.json',
            // One planted path per folder, and there are more than the default 8 folders.
            maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
          },
        },
      },
    },
  });
});

async function lint(folder: string, code: string): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: `src/${folder}/${PLANTED}`, warnIgnored: true });
  if (!result) throw new Error(`no lint result for src/${folder}/${PLANTED}`);
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

/** An import of `name` from `source`, used so that no rule can object to an unused binding. */
const importing = (name: string, source: string) => `import { ${name} } from '${source}';\nexport const planted = ${name};\n`;

type Case = [source: string, name: string];

const LAYERS: Array<{ folder: string; says: string; forbidden: Case[]; allowed: Case[] }> = [
  {
    folder: 'api',
    says: 'api is the bottom layer',
    forbidden: [
      ['../reporting/calendar.js', 'today'],
      ['../tools/tool.js', 'defineTool'],
      ['../server/stdio.js', 'serveStdio'],
      ['../config.js', 'loadConfig'],
      ['../demo/demo-api.js', 'startDemoApi'],
    ],
    allowed: [
      ['../errors.js', 'UpstreamError'],
      ['../log.js', 'silentLogger'],
      ['./schemas.js', 'orderSchema'],
    ],
  },
  {
    folder: 'reporting',
    says: 'reporting sits below tools and server',
    forbidden: [
      ['../tools/tool.js', 'defineTool'],
      ['../server/create-server.js', 'createServer'],
    ],
    allowed: [
      ['../api/client.js', 'fetchOrdersPage'],
      ['./calendar.js', 'today'],
      ['../config.js', 'loadConfig'],
    ],
  },
  {
    folder: 'tools',
    says: 'tools sit below server',
    forbidden: [['../server/create-server.js', 'createServer']],
    allowed: [
      ['../reporting/calendar.js', 'today'],
      ['../api/client.js', 'fetchOrdersPage'],
      ['./tool.js', 'defineTool'],
    ],
  },
  {
    folder: 'state',
    says: 'state is the storage under the caches',
    forbidden: [
      ['../reporting/calendar.js', 'today'],
      ['../api/client.js', 'IletimerkeziClient'],
    ],
    allowed: [['./store.js', 'sizeOf']],
  },
  {
    folder: 'views',
    says: 'a view runs in the browser and learns everything from its host',
    forbidden: [
      ['../tools/tool.js', 'defineTool'],
      ['../server/views.js', 'viewMetaOf'],
      ['../api/order-status.js', 'ORDER_STATUS'],
      ['../config.js', 'loadConfig'],
    ],
    allowed: [['./shared/app.js', 'startView']],
  },
  {
    folder: 'oauth',
    says: 'oauth sits beside server',
    forbidden: [
      ['../server/http.js', 'startHttpServer'],
      ['../server/accounts.js', 'AccountRegistry'],
      ['../tools/tool.js', 'defineTool'],
      ['../reporting/calendar.js', 'today'],
      ['../demo/demo-api.js', 'startDemoApi'],
    ],
    allowed: [
      ['../api/client.js', 'IletimerkeziClient'],
      ['../state/store.js', 'withFallback'],
      ['../http-body.js', 'readBody'],
      ['@modelcontextprotocol/server', 'checkResourceAllowed'],
      ['./keys.js', 'OAuthKeys'],
    ],
  },
  {
    folder: 'simulator',
    says: 'the simulator stands in for the upstream API',
    forbidden: [
      ['../reporting/calendar.js', 'today'],
      ['../tools/tool.js', 'defineTool'],
      ['../server/stdio.js', 'serveStdio'],
    ],
    allowed: [
      ['../api/schemas.js', 'orderSchema'],
      ['./random.js', 'seededRandom'],
    ],
  },
];

describe('layer boundaries', () => {
  for (const { folder, says, forbidden, allowed } of LAYERS) {
    it.each(forbidden)(`src/${folder} may not import %s`, async (source, name) => {
      const messages = await lint(folder, importing(name, source));
      expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
      expect(messages[0]?.message).toContain(says);
    });

    it.each(allowed)(`src/${folder} may import %s`, async (source, name) => {
      expect(await lint(folder, importing(name, source))).toEqual([]);
    });
  }

  it('keeps the MCP SDK out of the layers below server, and SDK v1 out of everything', async () => {
    const sdkInTools = await lint('tools', importing('McpServer', '@modelcontextprotocol/server'));
    expect(sdkInTools).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining('Only src/server calls the MCP SDK') as unknown }]);
    expect(await lint('server', importing('McpServer', '@modelcontextprotocol/server'))).toEqual([]);
    const v1InOAuth = await lint('oauth', importing('McpServer', '@modelcontextprotocol/sdk/server/mcp.js'));
    expect(v1InOAuth).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining('Use SDK v2') as unknown }]);
    const v1 = await lint('server', importing('McpServer', '@modelcontextprotocol/sdk/server/mcp.js'));
    expect(v1).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining('Use SDK v2') as unknown }]);
  });

  it("lets a view import ext-apps' App and nothing else of MCP, nor Node", async () => {
    expect(await lint('views', importing('App', '@modelcontextprotocol/ext-apps'))).toEqual([]);
    for (const [source, name] of [
      ['@modelcontextprotocol/ext-apps/server', 'registerAppResource'],
      ['@modelcontextprotocol/ext-apps/app-bridge', 'AppBridge'],
      ['@modelcontextprotocol/client', 'Client'],
      ['node:fs', 'readFileSync'],
    ]) {
      const messages = await lint('views', importing(name ?? '', source ?? ''));
      expect(messages, source).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining("through ext-apps' App only") as unknown }]);
    }
  });

  it('lets only src/api/phone-number.ts import libphonenumber-js, the one phone rule', async () => {
    const says = 'Phone numbers go through src/api/phone-number.ts (readNumberInput, normalizePhoneNumber), the one phone rule.';
    for (const folder of ['api', 'reporting', 'tools', 'server', 'simulator', 'demo']) {
      for (const source of ['libphonenumber-js', 'libphonenumber-js/max']) {
        expect(await lint(folder, importing('parsePhoneNumberFromString', source)), `${folder} importing ${source}`).toEqual([
          { ruleId: '@typescript-eslint/no-restricted-imports', message: `'${source}' import is restricted from being used by a pattern. ${says}` },
        ]);
      }
    }
    const [own] = await eslint.lintFiles(['src/api/phone-number.ts']);
    expect(own?.messages).toEqual([]);
  });

  it('counts type-only imports and re-exports as imports', async () => {
    const typeOnly = await lint('api', "import type { Config } from '../config.js';\nexport type Planted = Config;\n");
    expect(typeOnly.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
    const reexport = await lint('tools', "export { createServer } from '../server/create-server.js';\n");
    expect(reexport.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });

  it('counts a lazy import() as an import', async () => {
    const lazy = await lint('tools', "export const load = () => import('../server/stdio.js');\n");
    expect(lazy.map((m) => m.ruleId)).toEqual(['no-restricted-syntax']);
    expect(lazy[0]?.message).toContain('tools sit below server');
    expect(await lint('tools', "export const load = () => import('./tool.js');\n")).toEqual([]);
    expect(await lint('api', "export const load = () => import('../config.js');\n")).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-syntax' }),
    ]);
  });

  it('catches a layer left from a nested folder', async () => {
    const messages = await lint('api/nested', importing('today', '../../reporting/calendar.js'));
    expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });

  it("leaves a layer's own modules alone, whatever their names", async () => {
    // Modules named like a forbidden one but inside the layer: './config.js' is src/api/config.js.
    expect(await lint('api', "import './config.js';\nimport './reporting/index.js';\n")).toEqual([]);
    expect(await lint('reporting', "import './tools.js';\nimport './server/index.js';\n")).toEqual([]);
  });

  it('lets the layers with no rule import any layer', async () => {
    expect(await lint('demo', importing('defineTool', '../tools/tool.js'))).toEqual([]);
    expect(await lint('server', importing('today', '../reporting/calendar.js'))).toEqual([]);
  });
});

describe('type-aware rules', () => {
  it('reports a floating promise from a module of the project', async () => {
    const code = "import { startDemoApi } from './demo-api.js';\nstartDemoApi(new Date());\n";
    expect((await lint('demo', code)).map((m) => m.ruleId)).toEqual(['@typescript-eslint/no-floating-promises']);
  });

  it('accepts the same promise once awaited', async () => {
    const code = "import { startDemoApi } from './demo-api.js';\nawait (await startDemoApi(new Date())).close();\n";
    expect(await lint('demo', code)).toEqual([]);
  });

  it('reports unsafe uses of any', async () => {
    const code = "const parsed = JSON.parse('{}');\nexport const size: number = parsed.size;\nexport const keys = Object.keys(JSON.parse('{}'));\n";
    expect((await lint('simulator', code)).map((m) => m.ruleId)).toEqual([
      '@typescript-eslint/no-unsafe-assignment',
      '@typescript-eslint/no-unsafe-assignment',
      '@typescript-eslint/no-unsafe-member-access',
      '@typescript-eslint/no-unsafe-argument',
    ]);
  });
});
