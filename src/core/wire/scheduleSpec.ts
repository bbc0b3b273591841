// A schedule as it crosses a boundary (the panel's Insert, the CodeLens's preview, a command's argument).
// Its one check is PyTorch's own, in validateScheduleSpec (src/core/schedules.ts), which quotes the error
// PyTorch would raise and names the field: this schema applies it, so the panel and the CLI agree.
import * as v from 'valibot';
import { type ScheduleSpec, ScheduleSpecError, validateScheduleSpec } from '../schedules';

export const ScheduleSpecSchema = v.pipe(
  v.custom<ScheduleSpec>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), 'expected a schedule object with a policy'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    try {
      validateScheduleSpec(dataset.value);
    } catch (error) {
      const field = error instanceof ScheduleSpecError ? `${error.field}: ` : '';
      addIssue({ message: `${field}${error instanceof Error ? error.message : String(error)}` });
    }
  }),
);

export type { ScheduleSpec };
