// The range-test panel's front end; bundled into media/webview.js.
export {};
