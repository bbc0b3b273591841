// `npm test`: checks that the tools the suites need are installed, runs the unit tests (mocha, this Node),
// then the integration suite inside a real VS Code, and prints one summary line for both.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';
import { runTests } from '@vscode/test-electron';
import { findTorchPython } from '../src/worker/pythonInterpreter';
import { MissingToolError, findChromium } from './harness/provision';
import { SuiteCounts, runMocha } from './support/mochaSummary';

const root = resolve(__dirname, '..', '..');
const outTests = join(root, 'out', 'test');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

function preflight(): void {
  const problems: string[] = [];
  try {
    findChromium();
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    const python = findTorchPython(process.env.CLR_PYTHON);
    console.log(`PyTorch ${python.torch} found in ${python.executable}`);
  } catch (error) {
    problems.push(`PyTorch is needed by the oracle and snippet tests: ${(error as Error).message}`);
  }
  if (problems.length) throw new MissingToolError(problems.join('\n'));
}

async function unitTests(): Promise<SuiteCounts> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: 'spec' });
  const files = testFiles(join(outTests, 'unit')).sort();
  const filter = process.env.CLR_UNIT_GREP;
  if (filter) mocha.grep(filter);
  files.forEach((f) => mocha.addFile(f));
  return runMocha(mocha);
}

async function integrationTests(): Promise<SuiteCounts> {
  const resultsFile = join(root, '.vscode-test', 'integration-results.json');
  rmSync(resultsFile, { force: true });
  const online = process.env.CLR_VSCODE_DOWNLOAD === '1';
  try {
    await runTests({
      // Offline (always, on these machines), a stand-in runs the suite in code-server + Chromium.
      vscodeExecutablePath: online ? undefined : join(root, 'test', 'harness', 'code-shim.sh'),
      extensionDevelopmentPath: root,
      extensionTestsPath: join(outTests, 'integration', 'index'),
      launchArgs: [join(root, 'test', 'fixtures', 'workspace')],
      extensionTestsEnv: { CLR_TEST_RESULTS: resultsFile, CLR_REPO_ROOT: root },
    });
  } catch (error) {
    console.error(`integration suite failed: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteCounts;
  } catch {
    // The suite never reported: count it as one failure so the run cannot pass.
    return { passed: 0, failed: 1, pending: 0 };
  }
}

async function main(): Promise<number> {
  preflight();
  const only = process.argv[2];
  const unit = only === 'integration' ? { passed: 0, failed: 0, pending: 0 } : await unitTests();
  const integration = only === 'unit' ? { passed: 0, failed: 0, pending: 0 } : await integrationTests();
  console.log('');
  console.log(`unit: ${unit.passed} passed, ${unit.failed} failed, ${unit.pending} skipped`);
  console.log(`integration: ${integration.passed} passed, ${integration.failed} failed, ${integration.pending} skipped`);
  const passed = unit.passed + integration.passed;
  const failed = unit.failed + integration.failed;
  console.log(`tests: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof MissingToolError ? `error: ${error.message}` : (error.stack ?? String(error)));
    process.exit(1);
  },
);
