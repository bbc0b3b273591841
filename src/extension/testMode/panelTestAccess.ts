// What test mode's hooks may see of the panel (the product passes this to dist/test/testMode.js). Kept to
// functions so that the test bundle holds no copy of the product's classes and their state.

export interface PanelTestAccess {
  /** The run being shown, as the run controller and the status bar see it (null: none). */
  runState(): unknown;
  /** Sends a message to the webview, creating or revealing the panel. */
  postToWebview(message: { type: string }): void;
  /** Receives the webview's messages that the product's table does not know; returns true when taken. */
  receiveOther(handler: (raw: unknown) => boolean): void;
  /** Called when the webview is hidden or closed (its document is then destroyed). */
  onHidden(handler: () => void): void;
  /** The webview bundle under media/ that new panels load. */
  useWebviewScript(script: string): void;
}
