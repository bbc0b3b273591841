"""The run file: the contract between any training process and the Cyclical LR extension.

JSON Lines, flushed line by line so that a reader sees each step as it happens:
  {"type": "header", "format": "cyclical-lr-run", "version": 1, "framework", "config": {...}, "worldSize",
   "host", "pid", "started", "groups": [{"lr", "ratio"}, ...], ...}
  {"type": "step", "step": 0, "lr": 1e-07, "loss": 2.31, "smoothed": 2.31, "groupLrs": [...], "valLoss"?}
  ...
  {"type": "end", "stopReason", "stoppedAt", "steps", "seconds", "suggestion": {...} | null, "error"?}
A loss that is NaN or infinite is written as null. A process that is killed leaves no end line and maybe a
half-written last line; every reader (this one, `clr suggest`, the extension) ignores such a line.
"""

import datetime
import json
import math
import os
import re
import socket

FORMAT = "cyclical-lr-run"
VERSION = 1
RUN_DIR_ENV = "CLR_RUN_DIR"
DEFAULT_RUN_DIR = os.path.join(".cyclical-lr", "runs")


def json_number(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def run_path(out=None, name=None):
    """Where a run is written: `out` (a .jsonl file or a folder), else $CLR_RUN_DIR, else
    .cyclical-lr/runs/ under the working directory; the file name is unique per process and time."""
    if out is not None and str(out).endswith(".jsonl"):
        return os.path.abspath(str(out))
    folder = str(out) if out is not None else os.environ.get(RUN_DIR_ENV) or DEFAULT_RUN_DIR
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", name or "run").strip("-") or "run"
    host = re.sub(r"[^A-Za-z0-9_.-]+", "-", socket.gethostname()) or "host"
    return os.path.abspath(os.path.join(folder, "%s-%s-%s-%d.jsonl" % (stamp, label, host, os.getpid())))


def header(config, framework, framework_version=None, world_size=1, groups=None, name=None):
    import sys

    return {
        "type": "header",
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "framework": framework,
        "frameworkVersion": framework_version,
        "python": sys.version.split()[0],
        "config": config,
        "worldSize": world_size,
        "groups": groups or [],
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "script": os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else None,
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
    }


class RunWriter:
    """Appends the run's lines; each line is written whole and flushed at once."""

    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self._file = open(path, "w", encoding="utf-8")

    def write(self, record):
        self._file.write(json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n")
        self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()


class Run:
    """A run file as read back: its header, its steps and its end (None while running or after a kill)."""

    def __init__(self, header, steps, end):
        self.header = header
        self.steps = steps
        self.end = end

    @property
    def lrs(self):
        return [s["lr"] for s in self.steps]

    @property
    def losses(self):
        return [math.nan if s.get("loss") is None else s["loss"] for s in self.steps]


def read_run(path):
    """Reads a run file, tolerating a half-written last line (a process killed while writing it)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    head, steps, end = None, [], None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            if number == len(lines):  # the last line, without its newline: the writer was cut off
                break
            raise ValueError("%s:%d: not a JSON line of a run file" % (path, number))
        kind = record.get("type") if isinstance(record, dict) else None
        if kind == "header":
            head = record
        elif kind == "step":
            steps.append(record)
        elif kind == "end":
            end = record
    if head is None or head.get("format") != FORMAT:
        raise ValueError("%s: not a Cyclical LR run file (no header line)" % path)
    return Run(head, steps, end)
