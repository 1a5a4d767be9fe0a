import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../src/tools/index.js';
import { type Connected, type Era, connect } from './support/harness.js';

const VIEWS = { summarize_delivery: 'ui://iletimerkezi/delivery.html', audit_opt_outs: 'ui://iletimerkezi/opt-outs.html' };
const NO_DOMAINS = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };

/** What an MCP Apps host reads before it shows a view, in either protocol era; the browser tests (views.test.ts) show the rest. */
describe.each<Era>(['legacy', 'modern'])('the MCP Apps views as resources (%s era)', (era) => {
  let session: Connected;
  beforeAll(async () => {
    session = await connect({ era });
  });
  afterAll(async () => {
    await session.close();
  });

  it('are declared by their tools in _meta.ui, and by no other tool', async () => {
    const { tools } = await session.mcp.listTools();
    const declared = Object.fromEntries(tools.filter((tool) => tool._meta?.ui).map((tool) => [tool.name, (tool._meta?.ui as { resourceUri: string }).resourceUri]));
    expect(declared).toEqual(VIEWS);
    const { resources } = await session.mcp.listResources();
    expect(resources.map((resource) => [resource.uri, resource.mimeType])).toEqual(Object.values(VIEWS).map((uri) => [uri, 'text/html;profile=mcp-app']));
  });

  it.each(Object.values(VIEWS))('%s is one HTML document with an empty CSP, under 1 MB raw and 250 KB gzipped', async (uri) => {
    const { contents } = await session.mcp.readResource({ uri });
    expect(contents).toHaveLength(1);
    const [content] = contents;
    if (!content || !('text' in content)) throw new Error(`${uri} has no text`);
    expect(content).toMatchObject({ uri, mimeType: 'text/html;profile=mcp-app', _meta: { ui: { csp: NO_DOMAINS } } });
    expect(content.text).toMatch(/^<!doctype html>/);
    // Everything inline: no script or stylesheet is fetched from anywhere.
    expect(content.text).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*\shref=/i);
    const raw = Buffer.byteLength(content.text, 'utf8');
    expect(raw).toBeLessThan(1024 * 1024);
    expect(gzipSync(content.text).length).toBeLessThan(250 * 1024);
  });

  it('serves no view resource when its tool is not served', async () => {
    const narrow = await connect({ era, tools: TOOLS.filter((tool) => tool.name === 'audit_opt_outs') });
    try {
      expect((await narrow.mcp.listResources()).resources.map((resource) => resource.uri)).toEqual([VIEWS.audit_opt_outs]);
    } finally {
      await narrow.close();
    }
  });
});
