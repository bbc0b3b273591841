import type { RangeTestResult, StopReason } from './types';
import type { HistoryEntry } from './wire/historyEntry';
import type { RunProgressView } from './wire/panelChannel';
import { groupThousands } from './displayFormat';

// How a run ended, in the words a person reads in the panel's header, the notification and the log. A
// range test is meant to push the learning rate until the loss blows up, so stopping there is the
// expected end, not a failure, and the words say so.

/** A learning rate as people write it: 3 significant digits, 3e-4 style below 0.001 and from 10,000 up. */
export function formatLr(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e4) return String(Number(value.toPrecision(3)));
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/** "12,345 of 60,000 steps": in the panel's header, the status bar and the notification alike. */
export function stepsText(view: Pick<RunProgressView, 'stepsDone' | 'stepsTotal'>): string {
  return `${groupThousands(view.stepsDone)} of ${groupThousands(view.stepsTotal)} steps`;
}

/** "1 step", "12,345 steps". */
export function stepCount(n: number): string {
  return `${groupThousands(n)} step${n === 1 ? '' : 's'}`;
}

/** One line about how the run ended, e.g. "stopped early: the loss blew up at lr 2.4 — as expected …". */
export function describeRunEnd(
  result: Pick<RangeTestResult, 'stopReason' | 'stoppedAt' | 'lrs'> & { config: Pick<RangeTestResult['config'], 'startLr' | 'endLr'> },
): string {
  const last = Math.max(0, Math.min(result.stoppedAt, result.lrs.length - 1));
  const lr = formatLr(result.lrs[last]);
  switch (result.stopReason) {
    case 'completed':
      return `finished: swept the learning rate from ${formatLr(result.config.startLr)} to ${formatLr(result.config.endLr)} in ${stepCount(result.lrs.length)}`;
    case 'diverged':
      return `stopped early: the loss blew up at lr ${lr} — as expected at the end of a range test`;
    case 'non-finite':
      return `stopped early: the loss became infinite at lr ${lr} — as expected at the end of a range test`;
    case 'cancelled':
      return `stopped: cancelled after ${stepCount(result.lrs.length)}`;
  }
}

const STOP_WORDS: Record<StopReason, string> = {
  completed: 'swept to the end',
  diverged: 'loss blew up',
  'non-finite': 'loss became infinite',
  cancelled: 'cancelled',
};

/** Where the run stopped, in a few words: "loss blew up at step 161", "swept to the end: 200 steps". */
export function stopAtStep(result: Pick<RangeTestResult, 'stopReason' | 'stoppedAt' | 'lrs'>): string {
  if (result.stopReason === 'completed') return `${STOP_WORDS.completed}: ${stepCount(result.lrs.length)}`;
  return `${STOP_WORDS[result.stopReason]} at step ${groupThousands(result.stoppedAt + 1)}`;
}

/**
 * A kept run's facts in one line, the same in the panel's history list and in the Open Run quick pick:
 * "1,200 steps · loss blew up · bounds 0.001 – 0.06 · confidence 62%".
 */
export function runSummaryLine(entry: Pick<HistoryEntry, 'points' | 'stopReason' | 'bounds' | 'confidence'>): string {
  return [
    stepCount(entry.points),
    STOP_WORDS[entry.stopReason],
    `bounds ${formatLr(entry.bounds.baseLr)} – ${formatLr(entry.bounds.maxLr)}`,
    `confidence ${Math.round(entry.confidence * 100)}%`,
  ].join(' · ');
}
