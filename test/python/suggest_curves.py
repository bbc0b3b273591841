"""Reads {"curves": [{"lrs", "losses", "beta", "diverged"}, ...]} (null for a non-finite loss) on stdin and
prints, for each curve, cyclical_lr's suggestion as JSON or {"error": message}."""

import json
import sys

from cyclical_lr.suggest import CurveError, suggest

out = []
for curve in json.load(sys.stdin)["curves"]:
    try:
        out.append(suggest(curve["lrs"], curve["losses"], curve.get("beta"), curve.get("diverged", False)).to_json())
    except CurveError as exc:
        out.append({"error": str(exc)})
print(json.dumps(out))
