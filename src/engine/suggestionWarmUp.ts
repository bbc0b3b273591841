import { suggestFromRecordedRuns } from '../core/runsSuggestion';
import type { Suggestion } from '../core/types';

let warmedUp = false;

/**
 * Compiles the suggestion's code ahead of a run's end (read cold, the default run's suggestion took 60–80 ms
 * of wall time at its end, warm ~20 ms), once per process: a spare worker does it while the user reads the
 * panel, a multi-run test on the core its first finished thread frees (parallelRuns.ts), whichever comes first.
 */
export function warmUpSuggestionOnce(): void {
  if (warmedUp) return;
  warmedUp = true;
  warmUpSuggestion();
}

/** Reads a made-up five-run test that falls and turns up, so that the whole rule runs, each run's read and the resampled interval included. */
export function warmUpSuggestion(): Suggestion | undefined {
  const steps = 150;
  const schedule = Array.from({ length: steps }, (_, i) => 1e-6 * 1e7 ** (i / (steps - 1)));
  const runs = [0.1, 0.2, 0.3, 0.4, 0.5].map((phase) => ({
    losses: schedule.map((lr, i) => 1 + 0.02 * Math.sin(7 * i + phase) - 0.6 * Math.exp(-((Math.log10(lr) + 2) ** 2))),
    stopReason: 'completed' as const,
  }));
  try {
    return suggestFromRecordedRuns(runs, schedule, { seed: 0 });
  } catch {
    return undefined; // a warm-up must never cost the run it prepares for
  }
}
