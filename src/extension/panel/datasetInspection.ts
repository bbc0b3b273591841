import { ChildProcess, fork } from 'node:child_process';
import { isDatasetSummary } from '../../core/panelProtocol';
import type { DatasetSummary } from '../../core/types';

// Dataset inspection for the panel's form (format, rows, target column). It runs `clr inspect --json` in a
// child process rather than in the extension host: inspecting an image folder decodes its images, and a
// large CSV is read through once, which is seconds of CPU that must not stall the editor. A newer request
// replaces an older one (the user changed the dataset again).

const TIMEOUT_MS = 120_000;

export class DatasetInspector {
  private current: ChildProcess | undefined;

  constructor(private readonly cliPath: string) {}

  /** The summary, or a one-line error the user can act on (the CLI's `error:` line). */
  inspect(path: string, target?: string): Promise<{ summary: DatasetSummary } | { error: string }> {
    this.current?.kill('SIGKILL');
    // '--' ends the flags: a path is never read as one, whatever it starts with.
    const args = ['inspect', '--json', ...(target ? ['--target', target] : []), '--', path];
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = fork(this.cliPath, args, { silent: true, execArgv: [] });
      } catch (error) {
        resolve({ error: `could not start the dataset inspection: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      this.current = child;
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve({ error: `dataset inspection failed: ${error.message}` });
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.current === child) this.current = undefined;
        if (code === 0) {
          try {
            const summary: unknown = JSON.parse(stdout);
            if (isDatasetSummary(summary)) return resolve({ summary });
          } catch {
            // reported below
          }
          return resolve({ error: 'dataset inspection printed something unexpected' });
        }
        const errorLine = stderr.split('\n').find((l) => l.startsWith('error: '));
        if (errorLine) return resolve({ error: errorLine.slice('error: '.length) });
        resolve({ error: signal ? `dataset inspection stopped (${signal})` : `dataset inspection failed (exit code ${code})` });
      });
    });
  }

  dispose(): void {
    this.current?.kill('SIGKILL');
  }
}
