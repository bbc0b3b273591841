import * as vscode from 'vscode';
import { type FromWebview, fromWebview, PANEL_VIEW_TYPE, type ToWebview } from '../../core/wire/panelChannel';
import { logLine } from '../outputChannel';
import { panelHtml } from './panelHtml';

// The single range-test WebviewPanel. It is created on demand, or revived by VS Code after a reload through
// the serializer (the webview keeps its own state with getState/setState and asks for the rest on 'ready').
// Messages are validated on arrival; until the webview says 'ready', outgoing messages wait in a queue.

const SNAPSHOT_TYPES = new Set<ToWebview['type']>([
  'init',
  'runStarted',
  'progress',
  'runFinished',
  'runFailed',
  'runCancelled',
  'showRun',
  'overlay',
  'history',
]);

export class RangeTestPanel {
  private static current: RangeTestPanel | undefined;

  private ready = false;
  private queue: Array<ToWebview | { type: string }> = [];
  private readonly disposables: vscode.Disposable[] = [];

  private static readonly closed = new vscode.EventEmitter<void>();
  /** The panel was closed (by the user or by VS Code). */
  static readonly onDidClose = RangeTestPanel.closed.event;

  /** Called when the panel is hidden (its webview's document is then destroyed). */
  static onHidden: (() => void) | undefined;

  /** The webview's bundle under media/ (test mode swaps in its own). */
  static script = 'webview.js';

  static get instance(): RangeTestPanel | undefined {
    return RangeTestPanel.current;
  }

  static mediaRoot(extensionUri: vscode.Uri): vscode.Uri {
    return vscode.Uri.joinPath(extensionUri, 'media');
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [RangeTestPanel.mediaRoot(extensionUri)],
      // The webview restores itself from getState(); keeping it alive while hidden is not needed.
      retainContextWhenHidden: false,
    };
  }

  /**
   * Shows the panel (creating it when needed) beside the active editor, so that editor stays visible. The
   * keyboard focus moves into it only when `focus` (the user opened the panel), not when a run shows itself.
   */
  static show(extensionUri: vscode.Uri, onMessage: (m: FromWebview) => void, focus = false): RangeTestPanel {
    if (RangeTestPanel.current) {
      RangeTestPanel.current.panel.reveal(undefined, !focus);
      return RangeTestPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'LR Range Test',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: !focus },
      RangeTestPanel.options(extensionUri),
    );
    return new RangeTestPanel(panel, extensionUri, onMessage);
  }

  /** Adopts a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, onMessage: (m: FromWebview) => void): RangeTestPanel {
    RangeTestPanel.current?.dispose();
    panel.webview.options = RangeTestPanel.options(extensionUri);
    return new RangeTestPanel(panel, extensionUri, onMessage);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly onMessage: (m: FromWebview) => void,
  ) {
    RangeTestPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(RangeTestPanel.mediaRoot(extensionUri), 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, RangeTestPanel.mediaRoot(extensionUri), RangeTestPanel.script);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // A hidden webview is destroyed (retainContextWhenHidden is off): it must say 'ready' again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          this.ready = false;
          RangeTestPanel.onHidden?.();
        }
      }),
    );
  }

  /**
   * Messages no table of the product knows are offered here (test mode registers its table); true: taken.
   */
  static extraReceiver: ((raw: unknown) => boolean) | undefined;

  private receive(raw: unknown): void {
    const parsed = fromWebview.parse(raw);
    if (!parsed.ok) {
      if (RangeTestPanel.extraReceiver?.(raw)) return;
      logLine(`panel: dropped a message from the webview: ${parsed.problem}`);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ready') {
      this.ready = true;
      // 'ready' is handled first so that the answer to it precedes anything queued meanwhile.
      this.onMessage(message);
      const queued = this.queue;
      this.queue = [];
      for (const m of queued) void this.panel.webview.postMessage(m);
      return;
    }
    this.onMessage(message);
  }

  /**
   * Sends a message now, or once the webview is ready. Messages about runs and history are not queued:
   * the controller answers 'ready' with a full snapshot of those, so queued copies would duplicate them.
   */
  post(message: ToWebview): void {
    this.postRaw(message);
  }

  /** For test mode's own table, whose messages the product's types do not list. */
  postRaw(message: ToWebview | { type: string }): void {
    const queueable = !SNAPSHOT_TYPES.has(message.type as ToWebview['type']);
    if (!this.ready) {
      if (queueable) this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered && queueable) this.queue.push(message);
      },
      () => undefined,
    );
  }

  dispose(): void {
    if (RangeTestPanel.current === this) RangeTestPanel.current = undefined;
    RangeTestPanel.onHidden?.();
    RangeTestPanel.closed.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
