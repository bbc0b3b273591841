import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { removeTestTempDirs } from './tempDirs';

export interface SuiteCounts {
  passed: number;
  failed: number;
  pending: number;
}

/** Runs a configured mocha instance and counts outcomes (mocha's own reporter still prints the details). */
export function runMocha(mocha: Mocha): Promise<SuiteCounts> {
  return new Promise((resolve) => {
    const counts: SuiteCounts = { passed: 0, failed: 0, pending: 0 };
    const runner = mocha.run(() => {
      removeTestTempDirs();
      resolve(counts);
    });
    runner.on('pass', () => counts.passed++);
    runner.on('fail', () => counts.failed++);
    runner.on('pending', () => counts.pending++);
  });
}

export function writeCounts(file: string | undefined, counts: SuiteCounts): void {
  if (file) writeFileSync(file, JSON.stringify(counts));
}
