import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The tests' (and benchmarks') temp folders, all under one folder per process that is removed when the suite
// ends (and, for a suite or bench run some other way, when the process exits): a run leaves nothing in the
// system's temp folder.
// Before this, each unit run left ~80 clr-* folders there, and failed tests their fixtures.

let root: string | undefined;

/** A new empty folder whose name starts with `prefix`, removed with the others at the end of the run. */
export function testTempDir(prefix: string): string {
  if (!root) {
    root = mkdtempSync(join(tmpdir(), 'clr-tests-'));
    process.once('exit', removeTestTempDirs);
  }
  return mkdtempSync(join(root, prefix));
}

/** Removes every folder testTempDir made in this process. */
export function removeTestTempDirs(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}
