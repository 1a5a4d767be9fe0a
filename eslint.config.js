// @ts-check
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The MCP SDK is called from the server wiring (and by the clients in demo, tests and bench), never from a layer below it. */
const MCP_SDK_OUTSIDE_SERVER = { group: ['@modelcontextprotocol/*'], message: 'Only src/server calls the MCP SDK; this layer stays free of it.' };

/** SDK v1 spoke 2025-11-25 only; v2 (@modelcontextprotocol/server and /client) speaks both eras. */
const MCP_SDK_V1 = { group: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*'], message: 'Use SDK v2: @modelcontextprotocol/server or @modelcontextprotocol/client.' };

/**
 * A layer boundary: files under src/<layer>/ may not import the sibling folders or src/ modules
 * named in `forbidden`. The regexes match only imports that climb out of the layer (`../`, at any
 * depth), so a module of the same name inside the layer itself (src/api/config.ts imported as
 * './config.js') stays legal, which a `**\/config.js` glob would forbid. The depth is not counted:
 * from a nested src/api/x/, '../reporting/' would be flagged though it names src/api/reporting;
 * the layers are flat today, and a subfolder named after another layer would mislead anyway.
 *
 * @param {string} layer
 * @param {string} message
 * @param {{ folders: string[], modules?: string[], packages?: { group: string[], message: string } }} forbidden
 * @returns {import('eslint').Linter.Config}
 */
function boundary(layer, message, { folders, modules = [], packages = MCP_SDK_OUTSIDE_SERVER }) {
  const leaving = String.raw`^(?:\./)?(?:\.\./)+`;
  const regexes = [String.raw`${leaving}(?:${folders.join('|')})(?:/|$)`];
  if (modules.length > 0) regexes.push(String.raw`${leaving}(?:${modules.join('|')})(?:\.js)?$`);
  return {
    name: `boundaries/${layer}`,
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...regexes.map((regex) => ({ regex, message })), packages] }],
      // no-restricted-imports does not look at import(); a lazy load is still a dependency. The
      // selector syntax ends a regex at its first '/', hence the \x2F.
      'no-restricted-syntax': [
        'error',
        ...regexes.map((regex) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', String.raw`\x2F`)}/]`, message })),
      ],
    },
  };
}

/** Every folder and module of src/ but the views: a view imports none of them. */
const SRC = readdirSync(new URL('src/', import.meta.url), { withFileTypes: true });
const OUTSIDE_VIEWS = {
  folders: SRC.filter((entry) => entry.isDirectory() && entry.name !== 'views').map((entry) => entry.name),
  modules: SRC.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => entry.name.slice(0, -'.ts'.length)),
};

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['dist/**', 'node_modules/**', 'bench/results/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    name: 'type-information',
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    name: 'project-conventions',
    rules: {
      // Leaving fields out of a copy by destructuring them next to a rest element is the idiom
      // here (`const { stats: _stats, ...figures } = summary`); those names are unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The build script and this file are outside tsconfig.json (it has no allowJs). Type-checking
    // them would need TypeScript's default project, a second program that adds about 2 s to every
    // run for some 60 lines that do no async work beyond one top-level await; they get the
    // syntactic rules only.
    name: 'javascript',
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    // Nothing declares Node's globals (URL, process) to ESLint for these files, and listing them by
    // hand would be one more thing to keep current; in .ts files the compiler checks names anyway.
    rules: { 'no-undef': 'off' },
  },
  {
    // SDK v1 spoke 2025-11-25 only; SDK v2 (@modelcontextprotocol/server and /client) serves and
    // speaks both eras. One helper keeps a v1 client, to prove that clients built on it still work.
    name: 'mcp-sdk-v2',
    files: ['src/server/**/*.ts', 'src/oauth/**/*.ts', 'src/demo/**/*.ts', 'src/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    ignores: ['test/support/other-clients.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [MCP_SDK_V1] },
      ],
    },
  },
  {
    // The one phone rule: every number, typed or sent by the API, meets the others in E.164 through
    // src/api/phone-number.ts. typescript-eslint's copy of the rule, so the layer boundaries, which
    // set ESLint's own no-restricted-imports per folder, do not replace it.
    name: 'one-phone-rule',
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/api/phone-number.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['libphonenumber-js', 'libphonenumber-js/*'],
              message: 'Phone numbers go through src/api/phone-number.ts (readNumberInput, normalizePhoneNumber), the one phone rule.',
            },
          ],
        },
      ],
    },
  },
  boundary('api', 'api is the bottom layer: it imports nothing from reporting, tools, server, demo or config.ts.', {
    folders: ['reporting', 'tools', 'server', 'demo'],
    modules: ['config'],
  }),
  boundary('reporting', 'reporting sits below tools and server: it imports nothing from them.', {
    folders: ['tools', 'server'],
  }),
  boundary('tools', 'tools sit below server: a tool imports nothing from server.', {
    folders: ['server'],
  }),
  boundary('state', 'state is the storage under the caches: it imports nothing from api, reporting, tools or server.', {
    folders: ['api', 'reporting', 'tools', 'server'],
  }),
  boundary('views', 'a view runs in the browser and learns everything from its host: it imports nothing else of src.', {
    ...OUTSIDE_VIEWS,
    // ext-apps' App is the one way out of a view; its server and host sides, the MCP SDK and Node are not for the browser.
    packages: {
      group: ['@modelcontextprotocol/*', '!@modelcontextprotocol/ext-apps', '@modelcontextprotocol/ext-apps/*', 'node:*'],
      message: "A view talks to its host through ext-apps' App only: no MCP SDK, no ext-apps server or host side, nothing of Node.",
    },
  }),
  // The sign-in mode answers the HTTP layer one question (which account a token stands for) and
  // serves the OAuth endpoints; it uses the SDK's auth helpers and types, and nothing of the server.
  boundary('oauth', 'oauth sits beside server: it imports nothing from server, tools, reporting, demo or simulator.', {
    folders: ['server', 'tools', 'reporting', 'demo', 'simulator'],
    packages: MCP_SDK_V1,
  }),
  boundary('simulator', 'the simulator stands in for the upstream API: it imports nothing from reporting, tools or server.', {
    folders: ['reporting', 'tools', 'server'],
  }),
);
