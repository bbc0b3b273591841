// A stand-in for the VS Code executable, for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// It accepts the desktop flags runTests passes and runs the suite in code-server + headless Chromium, so the
// same test runner works with a real desktop VS Code (online) and offline. Its exit code is the suite's.
import { dirname, join, resolve } from 'node:path';
import { MissingToolError, provisionOfflineVsCode } from './provision';
import { runSuiteInCodeServer } from './runInCodeServer';

const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir']);

function parse(argv: string[]) {
  const values: Record<string, string> = {};
  let folder: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) {
      folder = argv[i];
      continue;
    }
    const [, name, inline] = match;
    if (!VALUE_FLAGS.has(name)) continue; // desktop-only flags (--no-sandbox, --disable-updates, …)
    values[name] = inline ?? argv[++i];
  }
  return { values, folder };
}

async function main(): Promise<number> {
  const { values, folder } = parse(process.argv.slice(2));
  const devPath = values.extensionDevelopmentPath;
  const testsPath = values.extensionTestsPath;
  if (!devPath || !testsPath) {
    console.error('code-shim: --extensionDevelopmentPath and --extensionTestsPath are required');
    return 3;
  }
  const cacheDir = process.env.CLR_VSCODE_CACHE ?? join(resolve(devPath), '.vscode-test');
  const tools = provisionOfflineVsCode(cacheDir);
  const userDataDir = values['user-data-dir'];
  return runSuiteInCodeServer(tools, {
    extensionDevelopmentPath: devPath,
    extensionTestsPath: testsPath.endsWith('.js') ? testsPath : `${testsPath}.js`,
    folder,
    runDir: userDataDir ? join(dirname(userDataDir), 'code-server-run') : join(cacheDir, 'code-server-run'),
    env: process.env,
    timeoutSeconds: Number(process.env.CLR_INTEGRATION_TIMEOUT ?? 900),
  });
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof MissingToolError ? `error: ${error.message}` : `code-shim failed: ${error.stack ?? error.message}`);
    process.exit(3);
  },
);
