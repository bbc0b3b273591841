import type { RunProgressView } from '../../core/wire/panelChannel';
import type { CurvePoint } from '../../core/types';
import type { WorkerEvent } from '../../core/wire/workerChannel';

// The one source of truth about the run in progress. It is driven only by the worker's events (and the
// user's cancel), and everything that shows the run (the panel, the status bar, the progress notification)
// renders from the updates it emits, so they can never disagree. Updates are coalesced: at most one per
// RENDER_INTERVAL_MS, always carrying the latest state, while the moments a person waits for (cancel
// clicked, run ended) are rendered at once. No vscode import: the unit tests drive it with a fake clock.

/**
 * At most 10 updates a second reach the panel and the status bar, however fast the worker streams. Each
 * update costs the window's renderer a redraw of the chart and the status bar (in a browser-hosted VS Code,
 * in software: ~20–50 ms of CPU). At 30 a second, on 2 cores, that was CPU taken from the run itself: the
 * default run in the open panel showed its suggestion after 1.1–1.2 s instead of 0.7–0.8 s.
 */
export const RENDER_INTERVAL_MS = 100;
/**
 * The chart follows one repeat of a multi-run test. It moves to another only after the one it follows has
 * been silent this long (it ended): repeats running in parallel interleave their events, and switching on
 * every event made the header flip between "run 1" and "run 2" and flooded the panel with redraws.
 */
export const FOLLOW_SILENCE_MS = 300;
/**
 * The live chart gets at most about this many points of the followed repeat: every point of a 100,000-step
 * run would make each redraw of the webview slower than the updates arrive. When more come, every other
 * point is dropped (the chart is resent thinned). The finished run's chart shows every point.
 */
export const LIVE_POINTS = 2000;
/**
 * The panel acknowledges each update once it has drawn it. At most IN_FLIGHT updates go unacknowledged; the
 * next waits for an answer (or for this long without one, e.g. while the panel is hidden): however slow the
 * webview, no backlog of updates can build up in front of the Cancel and the end, which are always sent at
 * once.
 */
export const ACK_TIMEOUT_MS = 1000;
/**
 * Updates on their way to the panel or being drawn. With one, the rate was one per round trip, and the
 * trip is mostly transport: in a browser-hosted VS Code (the test harness's code-server) on a busy machine
 * it took 0.3–2 s while the webview drew an update in 10–360 ms (measured), so the live chart moved about
 * once a second. Five in flight let updates arrive every RENDER_INTERVAL_MS on any ordinary round trip and
 * still bound what can queue up in front of Cancel; updates that arrive together are drawn in one frame.
 */
export const IN_FLIGHT = 5;

export interface RunUpdate {
  progress: RunProgressView;
  /** Points of `progress.chartRun` since the last update, or all of them when `replace` is set. */
  points: CurvePoint[];
  /** The chart switched to another repeat: draw `points` on an empty chart. */
  replace: boolean;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class RunController {
  private phase: RunProgressView['phase'] = 'running';
  private suggesting = false;
  private readonly stepsByRun: number[];
  private readonly pointsByRun: CurvePoint[][];
  private readonly lastEventByRun: number[];
  private chartRun = -1;
  /** Every `stride`-th step of the followed repeat goes to the live chart. */
  private stride = 1;
  private sent = 0;
  private pending: CurvePoint[] = [];
  private replace = false;
  private timer: unknown;
  /** When each unacknowledged update was sent, oldest first. */
  private unacknowledged: number[] = [];
  private lastRenderAt = -Infinity;
  private lastEventAt: number | null = null;
  private endedAt: number | null = null;
  /** Updates emitted so far (the integration test checks the rate). */
  renders = 0;
  /** Sum and count of the acknowledged updates' round trips (the integration test relates the rate to them). */
  private roundTrips = { total: 0, count: 0 };

  constructor(
    readonly runId: string,
    private readonly runs: number,
    /** Steps per run: the worker's 'started' event says how many when the engine sizes the sweep itself. */
    private iterations: number,
    private readonly render: (update: RunUpdate) => void,
    private readonly clock: Clock = systemClock,
    /** The status bar: every update's progress, whether or not the panel has caught up. */
    private readonly onProgress: (progress: RunProgressView) => void = () => undefined,
  ) {
    this.stepsByRun = new Array<number>(runs).fill(0);
    this.pointsByRun = Array.from({ length: runs }, () => []);
    this.lastEventByRun = new Array<number>(runs).fill(-Infinity);
  }

  get progress(): RunProgressView {
    return {
      phase: this.phase,
      stepsDone: this.stepsByRun.reduce((a, b) => a + b, 0),
      stepsTotal: this.runs * this.iterations,
      runs: this.runs,
      chartRun: Math.max(0, this.chartRun),
      suggesting: this.suggesting,
      lastEventAt: this.lastEventAt,
      endedAt: this.endedAt,
    };
  }

  /** Everything the live chart shows now (for a webview recreated mid-run). */
  get chartPoints(): CurvePoint[] {
    return this.chartRun >= 0 ? this.pointsByRun[this.chartRun].filter((p) => p.step % this.stride === 0) : [];
  }

  get running(): boolean {
    return this.phase === 'running' || this.phase === 'cancelling';
  }

  /** Every event the worker sends; only progress changes what is shown. */
  event(event: WorkerEvent): void {
    if (!this.running) return;
    this.lastEventAt = this.clock.now();
    if (event.type === 'started' && event.lrs.length > 0) this.iterations = event.lrs.length;
    if (event.type === 'suggesting') {
      // Shown at once, like a phase change: nothing else will be sent until the result.
      this.suggesting = true;
      this.renderNow(true);
      return;
    }
    if (event.type !== 'progress') return;
    const run = event.run;
    if (!(run >= 0 && run < this.runs)) return;
    const now = this.lastEventAt;
    this.stepsByRun[run] = Math.min(this.iterations, Math.max(this.stepsByRun[run], event.point.step + 1));
    this.pointsByRun[run].push(event.point);
    this.lastEventByRun[run] = now;
    if (run === this.chartRun) {
      if (event.point.step % this.stride === 0) {
        this.pending.push(event.point);
        if (++this.sent > LIVE_POINTS) {
          this.stride *= 2;
          this.resendChart();
        }
      }
    } else if (this.chartRun < 0 || now - this.lastEventByRun[this.chartRun] >= FOLLOW_SILENCE_MS) {
      this.chartRun = run;
      this.stride = 1;
      while (this.pointsByRun[run].length / this.stride > LIVE_POINTS) this.stride *= 2;
      this.resendChart();
    }
    this.schedule();
  }

  private resendChart(): void {
    this.pending = this.chartPoints;
    this.sent = this.pending.length;
    this.replace = true;
  }

  /** The mean time from an update to its acknowledgement, in ms (null before the first). */
  get roundTripMs(): number | null {
    return this.roundTrips.count ? this.roundTrips.total / this.roundTrips.count : null;
  }

  /** The panel has drawn the oldest update it had not answered: it may have another. */
  acknowledge(): void {
    const sentAt = this.unacknowledged.shift();
    if (sentAt === undefined) return;
    this.roundTrips.total += this.clock.now() - sentAt;
    this.roundTrips.count++;
    if (this.pending.length || this.replace) this.schedule();
  }

  /** The user asked to cancel: shown at once; the run ends when the worker's last event says so. */
  cancelRequested(): void {
    if (this.phase !== 'running') return;
    this.phase = 'cancelling';
    this.renderNow(true);
  }

  /** The worker's result or failure arrived: the final state is rendered at once. */
  end(phase: 'done' | 'failed' | 'cancelled'): void {
    if (!this.running) return;
    this.phase = phase;
    this.endedAt = this.clock.now();
    this.renderNow(true);
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const now = this.clock.now();
    const at = Math.max(now, this.lastRenderAt + RENDER_INTERVAL_MS);
    this.timer = this.clock.setTimeout(() => this.renderNow(), at - now);
  }

  /** `force`: a phase change, sent even while the panel has not acknowledged the last update. */
  private renderNow(force = false): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    // An update unanswered this long was not drawn (a hidden or reloaded panel): stop waiting for it.
    while (this.unacknowledged.length && now - this.unacknowledged[0] >= ACK_TIMEOUT_MS) this.unacknowledged.shift();
    if (!force && this.unacknowledged.length >= IN_FLIGHT) {
      // The panel is behind: it gets everything since, in one update, when it answers.
      this.onProgress(this.progress);
      this.lastRenderAt = now;
      this.schedule();
      return;
    }
    const update: RunUpdate = { progress: this.progress, points: this.pending, replace: this.replace };
    this.pending = [];
    this.replace = false;
    this.lastRenderAt = now;
    if (this.running) this.unacknowledged.push(now);
    else this.unacknowledged = [];
    this.renders++;
    this.onProgress(update.progress);
    this.render(update);
  }
}
