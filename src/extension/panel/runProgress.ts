import * as vscode from 'vscode';
import type { RunProgress } from './runPorts';
import { stepsText } from '../../core/runOutcome';

// While a range test runs: a status-bar item (click to cancel) and a cancellable progress notification.
// Both render the run controller's updates (the same ones the panel renders), so they never disagree with
// it. Both end when `done()` is called; Cancel in either place calls `onCancel` once.

export function showRunProgress(label: string, onCancel: () => void): RunProgress {
  const item = vscode.window.createStatusBarItem('cyclicalLr.rangeTest', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Cyclical LR range test';
  item.command = 'cyclicalLr.cancelRangeTest';
  item.tooltip = `Range test on ${label} — click to cancel`;
  item.text = '$(sync~spin) LR range test';
  item.show();
  void vscode.commands.executeCommand('setContext', 'cyclicalLr.rangeTestRunning', true);

  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    onCancel();
  };

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let lastPercent = 0;
  let reporter: vscode.Progress<{ message?: string; increment?: number }> | undefined;

  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `LR range test: ${label}`, cancellable: true },
    (progress, token) => {
      reporter = progress;
      token.onCancellationRequested(cancel);
      return finished;
    },
  );

  return {
    report(view) {
      if (view.phase === 'cancelling') {
        item.text = `$(loading~spin) Cancelling range test (${stepsText(view)})`;
        reporter?.report({ message: 'cancelling…' });
        return;
      }
      if (view.phase !== 'running') return;
      if (view.suggesting) {
        item.text = '$(sync~spin) LR range test: computing the suggestion';
        reporter?.report({ message: 'computing the suggestion…' });
        return;
      }
      item.text = `$(sync~spin) LR range test: ${stepsText(view)}`;
      const percent = view.stepsTotal > 0 ? Math.min(100, (100 * view.stepsDone) / view.stepsTotal) : 0;
      // Notifications take increments; reporting only whole-percent changes keeps the message traffic low.
      if (reporter && percent - lastPercent >= 1) {
        reporter.report({ increment: percent - lastPercent, message: stepsText(view) });
        lastPercent = percent;
      }
    },
    get text() {
      return item.text;
    },
    done() {
      finish();
      item.dispose();
      void vscode.commands.executeCommand('setContext', 'cyclicalLr.rangeTestRunning', false);
    },
  };
}
