import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

// The panel's HTML shell. Everything visible is built by media/webview.js; the shell only sets the content
// security policy: nothing loads unless listed, scripts run only with this page's nonce (so no inline
// handlers and no eval), styles and images come only from the extension's media/ folder.

/** `script`: the bundle under media/ (test mode loads its own, see src/extension/testMode/). */
export function panelHtml(webview: vscode.Webview, mediaRoot: vscode.Uri, script = 'webview.js'): string {
  const nonce = randomBytes(16).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, ...script.split('/')));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'panel.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>LR Range Test</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}
