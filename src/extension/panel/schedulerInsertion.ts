import * as vscode from 'vscode';
import type { ScheduleSpec } from '../../core/schedules';

// The panel's Insert button. A focused webview leaves no active text editor, so the editor the user was in
// before the panel took the focus is remembered, and the code goes there through the snippet helper's
// command (cyclicalLr.insertScheduler), exactly as if the user had run it in that editor.

export class SchedulerInsertion implements vscode.Disposable {
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly watch = vscode.window.onDidChangeActiveTextEditor((editor) => {
    if (editor && editor.document.uri.scheme !== 'output') this.lastEditor = editor;
  });

  async insert(framework: string, spec: ScheduleSpec, stepsPerEpoch?: number, optimizer?: string): Promise<void> {
    const editor =
      this.lastEditor && !this.lastEditor.document.isClosed
        ? this.lastEditor
        : vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'file' || e.document.uri.scheme === 'untitled');
    if (!editor) {
      void vscode.window.showWarningMessage('Open your training script in an editor, put the cursor where the scheduler goes, then press Insert again.');
      return;
    }
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', { framework, policy: spec.policy, spec, stepsPerEpoch, optimizer });
  }

  dispose(): void {
    this.watch.dispose();
  }
}
