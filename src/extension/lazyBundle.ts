import * as path from 'node:path';

/**
 * A bundle built beside dist/extension.js (scripts/build.mjs), loaded on the first call and shared after.
 * A computed path: esbuild leaves the require alone, so the bundle stays out of dist/extension.js.
 */
export function lazyBundle<T>(file: string): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time path; an import would be bundled
  return () => (loaded ??= Promise.resolve().then(() => require(path.join(__dirname, file)) as T));
}
