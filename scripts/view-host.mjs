// A minimal MCP Apps host, for the browser tests and the demo's previews: ext-apps' own AppBridge
// over postMessage to a sandboxed iframe, as a chat client embeds a view. `npm run build` bundles it
// to dist/demo/view-host.js. The page answers the view's tools/call with window.hostCallTool: the
// tests from the real server, a preview from the answers it recorded; window.hostCalls keeps them.
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

/** The CSP a host derives from a resource's _meta.ui.csp: the view's own inline code and nothing else. */
function policyOf(csp) {
  const list = (domains) => (domains && domains.length > 0 ? ` ${domains.join(' ')}` : '');
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline'${list(csp?.resourceDomains)}`,
    `style-src 'unsafe-inline'${list(csp?.resourceDomains)}`,
    `img-src data:${list(csp?.resourceDomains)}`,
    `font-src${list(csp?.resourceDomains) || " 'none'"}`,
    `connect-src${list(csp?.connectDomains) || " 'none'"}`,
    `frame-src${list(csp?.frameDomains) || " 'none'"}`,
    `base-uri${list(csp?.baseUriDomains) || " 'none'"}`,
  ].join('; ');
}

window.hostCalls = [];

window.mountView = async ({ html, csp, hostContext, toolInput, toolResult, width }) => {
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.title = 'view';
  iframe.style.cssText = `width: ${width}px; height: 900px; border: 0; display: block;`;
  document.body.append(iframe);
  const bridge = new AppBridge(null, { name: 'view-test-host', version: '1.0.0' }, { serverTools: {}, sandbox: { csp } }, { hostContext });
  bridge.oncalltool = async (params) => {
    window.hostCalls.push({ name: params.name, arguments: params.arguments });
    return window.hostCallTool(params);
  };
  const initialized = new Promise((resolve) => {
    bridge.oninitialized = resolve;
  });
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  const policy = `<meta http-equiv="Content-Security-Policy" content="${policyOf(csp)}">`;
  iframe.srcdoc = html.replace('<head>', `<head>\n${policy}`);
  await initialized;
  await bridge.sendToolInput({ arguments: toolInput });
  await bridge.sendToolResult(toolResult);
  window.hostBridge = bridge;
};

window.changeHostContext = (context) => window.hostBridge.setHostContext(context);
