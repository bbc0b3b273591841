// The output of suggest() (src/core/suggest.ts), `clr suggest`'s JSON and a result's suggestion.
import * as v from 'valibot';
import { finiteNumber, text } from './schemaParts';

/** A learning rate of a suggestion: NaN (null over JSON) when the curve was too short to read. */
const suggestedRate = v.custom<number>((value) => value === null || (typeof value === 'number' && !(value <= 0) && value !== Infinity), 'expected a rate > 0, or null');
const rangeOf = v.tuple([finiteNumber, finiteNumber]);
/** A finder's rate: null when the library gives none (NaN in process, null over JSON). */
const finderRate = v.custom<number | null>((value) => value === null || typeof value === 'number', 'expected a number or null');

export const LrBoundsSchema = v.object({
  baseLr: finiteNumber,
  maxLr: finiteNumber,
  /** Where max_lr lies across the runs' seeds, [lo, hi] (absent for a single curve). */
  maxLrRange: v.optional(rangeOf),
  /** Where base_lr lies across the runs' seeds, [lo, hi] (absent for a single curve). */
  baseLrRange: v.optional(rangeOf),
});

/** What each popular LR finder would have suggested on the same sweep (null: the library gives none). */
export const LibraryFindersSchema = v.object({
  fastai: v.object({ valley: finderRate, slide: finderRate, minimum: finderRate, steep: finderRate }),
  torchLrFinder: v.object({ steepest: finderRate }),
  lightning: v.object({ suggestion: finderRate }),
});

export const SuggestionSchema = v.object({
  clr: v.object({ ...LrBoundsSchema.entries, baseLr: suggestedRate, maxLr: suggestedRate }),
  oneCycle: v.object({ maxLr: suggestedRate }),
  /** The other finders, each computed as its library computes it (src/core/lrFinderRules.ts). */
  finders: v.optional(LibraryFindersSchema),
  /** Deprecated (kept for one release): finders.torchLrFinder.steepest. */
  steepest: v.nullable(suggestedRate),
  /** Deprecated (kept for one release): finders.fastai.minimum, .valley, .slide. */
  minimum: v.nullable(suggestedRate),
  valley: v.nullable(suggestedRate),
  slide: v.nullable(suggestedRate),
  /** How much to trust clr/oneCycle, in [0, 1]. */
  confidence: v.pipe(finiteNumber, v.minValue(0), v.maxValue(1)),
  /** Things the user can act on, e.g. "never diverged: raise end_lr". */
  diagnostics: v.array(text()),
});

export type LrBounds = v.InferOutput<typeof LrBoundsSchema>;
export type LibraryFinders = v.InferOutput<typeof LibraryFindersSchema>;
export type Suggestion = v.InferOutput<typeof SuggestionSchema>;
