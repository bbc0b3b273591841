// The panel channel's test-only messages. They exist only when the extension runs in test mode
// (ExtensionMode.Test): the host registers this table then, and the webview that speaks it is a separate
// bundle (media/test/, never packaged) that only test mode loads. Nothing in the product imports this file.
import * as v from 'valibot';
import { SCHEDULE_POLICIES } from '../schedules';
import { command, type MessageOf, messageTable, notification } from './messageTable';
import { RUN_STATUSES } from './panelChannel';
import { count, finiteNumber, id, integer, text } from './schemaParts';
import { LrBoundsSchema } from './suggestion';

/**
 * What the webview shows (reported debounced, at once when the status changes): the integration tests read
 * the last report through a test-mode command, since they cannot look inside the webview.
 */
export const PanelStateReportSchema = v.object({
  status: v.picklist(RUN_STATUSES),
  runId: v.nullable(id),
  /** Points of the raw-loss dataset that the chart has drawn. */
  pointsPlotted: count,
  overlayRunId: v.nullable(id),
  overlayPoints: count,
  /** Rows of the suggestions table as rendered: [rule, value]. */
  suggestionRows: v.array(v.tuple([text(1000), text(1000)])),
  diagnostics: v.array(text()),
  bounds: v.nullable(LrBoundsSchema),
  policy: v.picklist(SCHEDULE_POLICIES),
  schedulePoints: count,
  error: v.nullable(text()),
  theme: text(100),
  /** Ids of the runs the history list shows, newest first. */
  historyIds: v.array(id),
  /** The dataset line under the form's dataset field (its inspection, or the problem with it). */
  datasetInfo: text(),
  /** The value of the form's dataset field. */
  datasetField: text(4096),
  /** The header's status line as shown, and the epoch ms at which `status` last changed. */
  statusLine: text(1000),
  statusChangedAt: finiteNumber,
  /** Steps done as the header shows them (from the run controller's latest update). */
  stepsShown: integer,
  /** Epoch ms of the last click on the panel's Cancel button (null: none yet). */
  cancelClickedAt: v.nullable(finiteNumber),
  /** How late the webview ran a 100-ms timer lately (90th percentile, ms): its own share of any lag. */
  timerDelay: finiteNumber,
});
export type PanelStateReport = v.InferOutput<typeof PanelStateReportSchema>;

/** webview → host: what it shows now. */
export const State = command('state', { state: PanelStateReportSchema });
/** host → webview: click the element whose data-test-id is `target`, as a user would. */
export const TestAction = notification('testAction', { action: v.literal('click'), target: text(200) });

export const fromTestWebview = messageTable([State]);
export const toTestWebview = messageTable([TestAction]);
export type FromTestWebview = MessageOf<typeof State>;
export type ToTestWebview = MessageOf<typeof TestAction>;
