import type { HistoryEntry } from '../core/wire/historyEntry';
import { button, h } from './dom';
import { formatWhen } from '../core/displayFormat';
import { runSummaryLine } from '../core/runOutcome';

// The workspace's past runs: open one, overlay one on the current chart, delete one.

export interface HistoryEvents {
  onOpen(id: string): void;
  onOverlay(id: string | null): void;
  onDelete(id: string): void;
}

export class HistoryView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'history', 'aria-label': 'Past runs' });
  private entries: HistoryEntry[] = [];
  private shownId: string | null = null;
  private overlayId: string | null = null;

  constructor(private readonly events: HistoryEvents) {
    this.element = h('section', { id: 'history', 'aria-labelledby': 'history-heading' }, h('h2', { id: 'history-heading' }, 'History'), this.list);
    this.render();
  }

  set(entries: HistoryEntry[]): void {
    this.entries = entries;
    this.render();
  }

  get ids(): string[] {
    return this.entries.map((e) => e.id);
  }

  mark(shownId: string | null, overlayId: string | null): void {
    this.shownId = shownId;
    this.overlayId = overlayId;
    this.render();
  }

  private render(): void {
    this.list.replaceChildren();
    if (!this.entries.length) {
      this.list.appendChild(h('li', { class: 'hint' }, 'Finished runs of this workspace are kept here.'));
      return;
    }
    for (const entry of this.entries) {
      const open = button('Open', { 'aria-label': `Open run ${entry.label}`, 'data-test-id': `open-${entry.id}`, disabled: entry.id === this.shownId });
      open.addEventListener('click', () => this.events.onOpen(entry.id));
      const overlaid = entry.id === this.overlayId;
      const overlay = button(overlaid ? 'Remove overlay' : 'Overlay', { 'aria-pressed': overlaid ? 'true' : 'false', 'aria-label': `${overlaid ? 'Remove overlay of' : 'Overlay'} run ${entry.label}`, 'data-test-id': `overlay-${entry.id}`, disabled: entry.id === this.shownId });
      overlay.addEventListener('click', () => this.events.onOverlay(overlaid ? null : entry.id));
      const remove = button('Delete', { 'aria-label': `Delete run ${entry.label}`, 'data-test-id': `delete-${entry.id}` });
      remove.addEventListener('click', () => this.events.onDelete(entry.id));
      const when = new Date(entry.createdAt);
      this.list.appendChild(
        h(
          'li',
          { class: entry.id === this.shownId ? 'current' : undefined },
          h('div', { class: 'history-text' }, h('strong', {}, entry.label), ' ', h('span', { class: 'hint' }, `${formatWhen(when)} · ${runSummaryLine(entry)}`)),
          h('div', { class: 'button-row compact' }, open, overlay, remove),
        ),
      );
    }
  }
}
