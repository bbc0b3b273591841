// One point of a range test as it streams in: from the engine, the worker, the Python runner, to the panel.
import * as v from 'valibot';
import { MAX_ITERATIONS } from '../limits';
import { lossValue } from './schemaParts';

export const CurvePointSchema = v.object({
  step: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_ITERATIONS - 1)),
  lr: v.pipe(v.number(), v.finite()),
  loss: lossValue,
  smoothed: lossValue,
  valLoss: v.optional(lossValue),
});

export type CurvePoint = v.InferOutput<typeof CurvePointSchema>;
