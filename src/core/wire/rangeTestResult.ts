// The result of a range test: `clr range-test --json`'s output, the worker's 'result', a history file's run,
// what the panel plots. Its arrays line up (one loss per learning rate; `stoppedAt` inside the curve).
import * as v from 'valibot';
import { MAX_ITERATIONS } from '../limits';
import { STOP_REASONS } from '../types';
import { DatasetSummarySchema } from './datasetSummary';
import { RangeTestConfigSchema } from './rangeTestConfig';
import { count, integer, lossValue, text } from './schemaParts';
import { SuggestionSchema } from './suggestion';

const curve = v.array(lossValue);
const finiteNumbers = v.array(v.pipe(v.number(), v.finite()));

/**
 * How the range test scaled the data it trained on. The bounds it suggests hold for a model that sees the
 * data scaled the same way: a regression target 5× larger, for instance, moves them by about 25×.
 */
export const PreprocessingSchema = v.object({
  /**
   * 'per-column': each numeric column x' = (x − mean) / std (population std, over the rows read; missing
   * values become 0, the mean); 'all-pixels': one mean and std over every pixel; 'none': as in the file.
   * One-hot columns of text categories are 0/1 in every case.
   */
  features: v.picklist(['per-column', 'all-pixels', 'none']),
  /** Per encoded feature ('per-column', one-hot columns 0 and 1) or one value ('all-pixels'). */
  mean: v.optional(finiteNumbers),
  std: v.optional(finiteNumbers),
  /** Regression with scaled features: the model learned y' = (y − mean) / std. */
  target: v.optional(v.object({ mean: v.pipe(v.number(), v.finite()), std: v.pipe(v.number(), v.finite()) })),
});

export type Preprocessing = v.InferOutput<typeof PreprocessingSchema>;

export const RangeTestResultSchema = v.pipe(
  v.object({
    /** The backend that ran it: 'tensorflow', 'wasm', 'cpu', or 'pytorch' for the Python bridge. */
    backend: text(100),
    config: RangeTestConfigSchema,
    dataset: DatasetSummarySchema,
    lrs: v.pipe(v.array(v.pipe(v.number(), v.finite(), v.gtValue(0))), v.maxLength(MAX_ITERATIONS)),
    losses: curve,
    smoothed: curve,
    /** Deprecated (results before the median curve): standard deviation across runs at each step. */
    spread: v.optional(curve),
    /** runs > 1: lrs/losses are the runs' pointwise median; the band is the lowest and highest run there. */
    band: v.optional(v.object({ low: curve, high: curve })),
    /** runs > 1: each run's raw losses (on the schedule's first lrs), for rereading with `clr suggest`. */
    runCurves: v.optional(v.array(v.object({ seed: v.number(), losses: curve, stopReason: v.picklist(STOP_REASONS) }))),
    /** Validation losses as [step, loss] pairs, when valEvery > 0. */
    valLosses: v.optional(v.array(v.tuple([count, lossValue]))),
    stopReason: v.picklist(STOP_REASONS),
    /** Index of the last step recorded. */
    stoppedAt: integer,
    stepsPerSecond: lossValue,
    suggestion: SuggestionSchema,
    /** How the data was scaled for the test (absent for the user's own PyTorch model, which scales its own). */
    preprocessing: v.optional(PreprocessingSchema),
    /** Where a PyTorch run ran (backend 'pytorch' only). */
    pytorchRuntime: v.optional(
      v.object({
        python: text(),
        torch: text(),
        device: text(),
        /** CPU time the runner process spent in the sweep (steps per CPU second hardly depend on other load). */
        cpuSeconds: v.optional(v.number()),
      }),
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const r = dataset.value;
    const n = r.lrs.length;
    for (const name of ['losses', 'smoothed', 'spread'] as const) {
      const values = r[name];
      if (values !== undefined && values.length !== n) addIssue({ message: `${name} has ${values.length} values for ${n} learning rates` });
    }
    if (r.valLosses?.some(([step]) => step >= n)) addIssue({ message: `valLosses has a step beyond the ${n} learning rates` });
    if (r.stoppedAt < -1 || r.stoppedAt >= n) addIssue({ message: `stoppedAt ${r.stoppedAt} is outside the curve of ${n} steps` });
  }),
);

export type RangeTestResult = v.InferOutput<typeof RangeTestResultSchema>;
