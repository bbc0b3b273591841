import type { RangeTestResult, Suggestion } from '../core/types';
import { button, h } from './dom';
import { formatLr } from './format';
import { preprocessingNote } from '../core/preprocessingNote';
import { groupThousands } from '../core/displayFormat';
import { stopAtStep } from '../core/runOutcome';

// The suggestions of a finished run: our cyclical bounds and one-cycle max_lr (with how far to trust them),
// the other finders' rules for comparison, and the diagnostics to act on.

export interface SuggestionsEvents {
  onUseBounds(suggestion: Suggestion): void;
  onUseOneCycle(suggestion: Suggestion): void;
}

export class SuggestionsView {
  readonly element: HTMLElement;
  private readonly body = h('div', { id: 'suggestions-body' });
  private rowsShown: Array<[string, string]> = [];
  private diagnosticsShown: string[] = [];

  constructor(private readonly events: SuggestionsEvents) {
    this.element = h('section', { id: 'suggestions', 'aria-labelledby': 'suggestions-heading' }, h('h2', { id: 'suggestions-heading' }, 'Suggestions'), this.body);
    this.show(null);
  }

  get rows(): Array<[string, string]> {
    return this.rowsShown;
  }

  get diagnostics(): string[] {
    return this.diagnosticsShown;
  }

  show(result: RangeTestResult | null): void {
    this.body.replaceChildren();
    this.rowsShown = [];
    this.diagnosticsShown = [];
    if (!result) {
      this.body.appendChild(h('p', { class: 'hint' }, 'Run a range test: the suggested learning rates appear here.'));
      return;
    }
    const s = result.suggestion;
    const f = s.finders;
    const rows: Array<[string, string, string, HTMLElement | null]> = [
      ['Cyclical bounds (base_lr – max_lr)', `${formatLr(s.clr.baseLr)} – ${formatLr(s.clr.maxLr)}`, 'Smith 2017: max_lr a quarter of where the loss turns up; base_lr where it starts falling if that is within max/4..max/3, else max/4', this.useButton('Use these bounds', 'use-bounds', () => this.events.onUseBounds(s))],
      [
        'One-cycle max_lr',
        formatLr(s.oneCycle.maxLr),
        'the peak rate for OneCycleLR / fit_one_cycle, and for the warm-up schedules (warm-up + cosine, WSD, linear decay)',
        this.useButton('Use as the peak', 'use-one-cycle', () => this.events.onUseOneCycle(s)),
      ],
      ['Steepest gradient', formatLr(f?.torchLrFinder.steepest ?? s.steepest), 'torch-lr-finder: the steepest fall of its smoothed loss', null],
      ['suggestion()', formatLr(f?.lightning.suggestion ?? null), 'Lightning: the steepest fall of its smoothed loss against lr', null],
      ['Valley', formatLr(f?.fastai.valley ?? s.valley), 'fastai (lr_find default): the middle of the longest descent', null],
      ['Minimum ÷ 10', formatLr(f?.fastai.minimum ?? s.minimum), 'fastai: a tenth of the lr at the lowest loss', null],
      ['Steep', formatLr(f?.fastai.steep ?? null), 'fastai: the steepest slope', null],
      ['Slide', formatLr(f?.fastai.slide ?? s.slide), 'fastai: the slide rule, where the slope flattens out before the minimum', null],
    ];
    const confidence = Math.round(Math.max(0, Math.min(1, s.confidence)) * 100);
    const level = confidence >= 70 ? 'high' : confidence >= 40 ? 'medium' : 'low';
    this.body.appendChild(
      h(
        'div',
        { class: 'confidence' },
        h('label', { for: 'confidence-meter' }, 'Confidence'),
        h('meter', { id: 'confidence-meter', min: 0, max: 100, low: 40, high: 70, optimum: 100, value: confidence }, `${confidence}%`),
        h('span', { class: `confidence-${level}` }, `${confidence}% (${level})`),
      ),
    );
    const [maxLo, maxHi] = s.clr.maxLrRange ?? [NaN, NaN];
    const [baseLo, baseHi] = s.clr.baseLrRange ?? [NaN, NaN];
    if (s.clr.maxLrRange) {
      this.body.appendChild(
        h('p', { class: 'hint', id: 'seed-interval' }, `Across the ${result.config.runs} seeds a rerun would land within max_lr ${formatLr(maxLo)} – ${formatLr(maxHi)}, base_lr ${formatLr(baseLo)} – ${formatLr(baseHi)}. The other finders below are what each library computes on the first seed's sweep.`),
      );
    }
    const scaling = preprocessingNote(result.preprocessing, 'run `clr range-test --raw` on the file for bounds on those');
    if (scaling) this.body.appendChild(h('p', { class: 'hint', id: 'scaling-note' }, `Scaling: ${scaling}.`));
    const table = h('table', { class: 'suggestions' }, h('caption', { class: 'visually-hidden' }, 'Suggested learning rates by rule'));
    table.appendChild(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rule'), h('th', { scope: 'col' }, 'Learning rate'), h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')))));
    const tbody = h('tbody');
    for (const [rule, value, source, action] of rows) {
      tbody.appendChild(h('tr', {}, h('th', { scope: 'row' }, rule), h('td', { class: 'number' }, value), h('td', { class: 'hint' }, source), h('td', {}, action)));
      this.rowsShown.push([rule, value]);
    }
    table.appendChild(tbody);
    this.body.appendChild(table);
    const stopped = stopAtStep(result);
    const diagnostics = [...s.diagnostics];
    this.diagnosticsShown = diagnostics;
    this.body.appendChild(
      h(
        'div',
        { class: 'diagnostics' },
        h('h3', {}, 'Diagnostics'),
        h('p', { class: 'hint' }, `${stopped} · ${result.stepsPerSecond.toFixed(1)} steps/s on ${result.backend} · ${groupThousands(result.dataset.rows)} rows`),
        diagnostics.length ? h('ul', {}, ...diagnostics.map((d) => h('li', {}, d))) : h('p', {}, 'No problems found with this curve.'),
      ),
    );
  }

  private useButton(label: string, testId: string, onClick: () => void): HTMLButtonElement {
    const b = button(label, { 'data-test-id': testId, class: testId === 'use-bounds' ? 'primary' : undefined });
    b.addEventListener('click', onClick);
    return b;
  }
}
