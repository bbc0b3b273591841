// What the first-suggestion test writes to CLR_BENCH_OUT and bench/firstSuggestion/run.ts reads: one VS Code's
// timed runs, in milliseconds.

export interface FirstSuggestionSample {
  /** From the command to the suggestion shown in the panel. */
  shown: number;
  /** From the command to the run's result in the extension host. */
  result: number;
  /** From the command to the new panel's webview reporting (a new panel only). */
  webview?: number;
  /** CPU the machine spent from the command to the suggestion shown, all processes (machineCpu.ts); NaN off Linux. */
  cpu?: number;
}

export interface FirstSuggestionFigures {
  /** First clicks (no panel open); the first of them is a fresh VS Code's first panel. */
  newPanel: FirstSuggestionSample[];
  /** Runs in the open panel. */
  openPanel: FirstSuggestionSample[];
}
