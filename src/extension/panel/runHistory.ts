import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type HistoryEntry, type StoredRun, StoredRunSchema } from '../../core/wire/historyEntry';
import { parseWith } from '../../core/wire/schemaParts';
import { writeFileAtomic } from '../../outputs/atomicWrite';

// The workspace's run history: one JSON file per run in the extension's workspace storage (never in the
// user's repository). Each file is written by the atomic writer (a temporary file, flushed, renamed), so a
// crash or a second window never leaves a half-written run that would then fail to load.

export type { StoredRun };

const ID = /^[A-Za-z0-9_-]{1,100}$/;
/** Oldest runs beyond this are deleted when a new one is saved. */
export const MAX_RUNS = 50;

export class RunHistory {
  constructor(
    private readonly dir: string,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  private file(id: string): string {
    if (!ID.test(id)) throw new Error(`invalid run id ${JSON.stringify(id)}`);
    return path.join(this.dir, `${id}.json`);
  }

  async save(run: StoredRun): Promise<void> {
    writeFileAtomic(this.file(run.id), JSON.stringify(run));
    await this.prune();
  }

  async load(id: string): Promise<StoredRun | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file(id), 'utf8');
    } catch {
      return undefined;
    }
    let problem: string;
    try {
      const parsed = parseWith(StoredRunSchema, JSON.parse(text));
      if (parsed.ok && parsed.value.id === id) return parsed.value;
      problem = parsed.ok ? `it holds run ${parsed.value.id}` : parsed.problem;
    } catch {
      problem = 'not JSON';
    }
    this.onProblem(`ignoring unreadable run file ${this.file(id)} (${problem})`);
    return undefined;
  }

  async delete(id: string): Promise<void> {
    await fs.rm(this.file(id), { force: true });
  }

  /** Newest first. Unreadable files are skipped (and reported), never fatal. */
  async list(): Promise<HistoryEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const runs = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map((n) => this.load(n.slice(0, -'.json'.length))),
    );
    return runs
      .filter((r): r is StoredRun => r !== undefined)
      .map(entryOf)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private async prune(): Promise<void> {
    const entries = await this.list();
    await Promise.all(entries.slice(MAX_RUNS).map((e) => this.delete(e.id)));
  }
}

export function entryOf(run: StoredRun): HistoryEntry {
  return {
    id: run.id,
    label: run.label,
    createdAt: run.createdAt,
    dataset: run.result.config.dataset,
    backend: run.result.backend,
    stopReason: run.result.stopReason,
    points: run.result.lrs.length,
    bounds: run.result.suggestion.clr,
    confidence: run.result.suggestion.confidence,
  };
}

/** A sortable, file-name-safe id: the start time plus a random suffix. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}
