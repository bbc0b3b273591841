// Entry point VS Code loads as extensionTestsPath: runs every test/integration/**/*.test.js inside the real
// extension host.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { runMocha, writeCounts } from '../support/mochaSummary';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

export async function run(): Promise<void> {
  // color off: the output travels through the workbench's console into the harness log
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  // CLR_INTEGRATION_GREP=panel runs only the matching tests (for working on one area).
  if (process.env.CLR_INTEGRATION_GREP) mocha.grep(process.env.CLR_INTEGRATION_GREP);
  // test/e2e holds the browser-driven tests (screenshots); they run in the same VS Code.
  for (const file of [...testFiles(__dirname), ...testFiles(join(__dirname, '..', 'e2e'))].sort()) mocha.addFile(file);
  const counts = await runMocha(mocha);
  writeCounts(process.env.CLR_TEST_RESULTS, counts);
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed`);
  if (counts.passed === 0) throw new Error('no integration test ran');
}
