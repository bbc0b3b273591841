import { suggestFromRecordedRuns } from '../core/runsSuggestion';
import type { Suggestion } from '../core/types';

/**
 * Reads a made-up five-run curve once, so that the run's own suggestion runs as compiled code (read cold, the
 * default run's suggestion took 60–80 ms of wall time at its end, warm ~20 ms). A spare worker does this
 * while the user reads the panel; a multi-run test does it on the core its first finished thread frees
 * (parallelRuns.ts). The curve falls and turns up, so the whole rule runs, bootstrap included.
 */
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
