import * as vscode from 'vscode';
import type { RangeTestResult } from '../../core/types';
import type { PanelRun } from '../../core/wire/panelChannel';
import { formatWhen } from '../../core/displayFormat';
import { runSummaryLine } from '../../core/runOutcome';
import type { RunHistory, StoredRun } from './runHistory';
import type { RunLifecycle } from './runLifecycle';
import type { PanelPort } from './runPorts';

// The workspace's kept runs as the user browses them: picked from a QuickPick (the history commands) or
// named by the panel, shown in the panel, deleted. Exports are in exportCommands.ts.

export class HistoryView {
  constructor(
    readonly history: RunHistory,
    private readonly runs: RunLifecycle,
    private readonly panel: PanelPort,
  ) {}

  /** The run `arg` names (a history id), or the one the user picks; undefined: none. */
  async pickRun(placeHolder: string, arg: unknown): Promise<StoredRun | undefined> {
    let id = typeof arg === 'string' ? arg : undefined;
    if (!id) {
      const entries = await this.history.list();
      if (!entries.length) {
        void vscode.window.showInformationMessage('No range test runs in this workspace yet.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        entries.map((e) => ({
          label: e.label,
          description: formatWhen(new Date(e.createdAt)),
          detail: runSummaryLine(e),
          id: e.id,
        })),
        { placeHolder },
      );
      id = picked?.id;
    }
    return id ? this.history.load(id) : undefined;
  }

  /** `cyclicalLr.openRun`. */
  async openCommand(arg: unknown): Promise<void> {
    const run = await this.pickRun('Open which run?', arg);
    if (!run) return;
    this.panel.reveal();
    this.show(run);
  }

  /** `cyclicalLr.deleteRun` (the command is the confirmation). */
  async deleteCommand(arg: unknown): Promise<void> {
    const run = await this.pickRun('Delete which run?', arg);
    if (run) await this.delete(run.id);
  }

  /** The panel's Delete: asks first. */
  async confirmDelete(id: string): Promise<void> {
    const entry = (await this.history.list()).find((e) => e.id === id);
    const answer = await vscode.window.showWarningMessage(`Delete the run "${entry?.label ?? id}" from the history?`, { modal: true }, 'Delete');
    if (answer === 'Delete') await this.delete(id);
  }

  /** Shows a run from the history (ignored by the webview while a run streams). */
  show(run: StoredRun): void {
    this.runs.showing(run.id);
    this.panel.post({ type: 'showRun', run: panelRunOf(run) });
  }

  private async delete(id: string): Promise<void> {
    await this.history.delete(id);
    await this.postHistory();
  }

  private async postHistory(): Promise<void> {
    this.panel.post({ type: 'history', history: await this.history.list() });
  }
}

export function panelRunOf(run: StoredRun): PanelRun & { result: RangeTestResult } {
  return { id: run.id, label: run.label, config: run.result.config, result: run.result };
}
