#!/usr/bin/env python3
"""The notebook a team would write instead of Lapse, for the simplest policy.

Policy: an idle timeout refreshed on each request (Flask's permanent session
with SESSION_REFRESH_EACH_REQUEST = True), nothing else; the answer is the
number of logouts. Vectorised with pandas/numpy, reading the same canonical
CSV (user,time_ms,kind) that `lapse run --trace` reads.

Under that policy a logout happens exactly at each gap of at least the
timeout between two consecutive server requests of a user, where the server
requests are the views, requests and submits, plus the implicit page load of
the first event after a `close` (or of a user's first event).

    python3 benches/notebook_baseline.py TRACE.csv --idle 30m --horizon 5d

prints the logouts and the time taken from reading the CSV to the answer.
"""

import argparse
import re
import sys
import time

import numpy as np
import pandas as pd

UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def duration_ms(text):
    """'30m', '1h30m', '5d' -> milliseconds."""
    parts = re.findall(r"(\d+)(ms|s|m|h|d)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r}")
    return sum(int(n) * UNITS_MS[u] for n, u in parts)


def logouts(path, idle_ms, horizon_ms):
    df = pd.read_csv(path, dtype={"user": str, "time_ms": np.int64, "kind": "category"})
    df = df[df.time_ms < horizon_ms]
    # Per user in time order; equal times keep file order (a stable sort).
    df = df.sort_values(["user", "time_ms"], kind="stable")
    user = df.user.to_numpy()
    t = df.time_ms.to_numpy()
    kind = df.kind.to_numpy()
    is_close = kind == "close"
    new_user = np.r_[True, user[1:] != user[:-1]]
    page_closed_before = new_user | np.r_[True, is_close[:-1]]
    reaches_server = np.isin(kind, ["view", "request", "submit"]) | (~is_close & page_closed_before)
    s_user, s_t = user[reaches_server], t[reaches_server]
    same_user = s_user[1:] == s_user[:-1]
    gaps = np.diff(s_t)
    return int(np.count_nonzero(same_user & (gaps >= idle_ms)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("--idle", type=duration_ms, default="30m")
    ap.add_argument("--horizon", type=duration_ms, default="5d")
    args = ap.parse_args()
    start = time.perf_counter()
    answer = logouts(args.trace, args.idle, args.horizon)
    took = time.perf_counter() - start
    print(f"logouts {answer}")
    print(f"seconds {took:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
