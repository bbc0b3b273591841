import * as vscode from 'vscode';

// While a range test runs: a status-bar item (click to cancel) and a cancellable progress notification.
// Both end when `done()` is called; Cancel in either place calls `onCancel` once.

export interface RunProgress {
  /** Step `step` (1-based) of `total` steps over all runs. */
  report(step: number, total: number): void;
  cancelling(): void;
  done(): void;
}

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
    report(step, total) {
      const percent = total > 0 ? Math.min(100, (100 * step) / total) : 0;
      item.text = `$(sync~spin) LR range test ${step}/${total}`;
      // Notifications take increments; reporting only changes keeps the message traffic low.
      if (reporter && percent - lastPercent >= 1) {
        reporter.report({ increment: percent - lastPercent, message: `step ${step} of ${total}` });
        lastPercent = percent;
      }
    },
    cancelling() {
      item.text = '$(loading~spin) Cancelling range test…';
    },
    done() {
      finish();
      item.dispose();
      void vscode.commands.executeCommand('setContext', 'cyclicalLr.rangeTestRunning', false);
    },
  };
}
