// The panel's webview entry (media/webview.js): the product's panel and nothing else. Test mode loads its
// own entry instead (src/webview/testMode/main.ts), which adds what the tests need to see.
import { Panel, type VsCodeApi } from './panel';

declare function acquireVsCodeApi(): VsCodeApi;

new Panel(document.getElementById('app') ?? document.body, acquireVsCodeApi());
