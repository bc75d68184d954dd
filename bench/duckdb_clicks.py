#!/usr/bin/env python3
"""The DuckDB side of the click-log bench (issue 17): the issue's query,
GROUP BY ad_id, time_bucket(1 minute) with approx_count_distinct(user_id),
on the same file (NDJSON or CSV), with all cores.

    python bench/duckdb_clicks.py FILE

Prints one JSON line: {"seconds": query time (Python start-up and
`import duckdb` excluded), "groups": n, "version": duckdb version}.
DuckDB does no de-duplication, fraud rules, 5-minute or hourly windows
here: it is the lower bound the issue names.
"""
import json
import os
import sys
import time

import duckdb


def main(path):
    con = duckdb.connect()
    con.execute(f"SET threads={os.cpu_count()}")
    src = f"read_json('{path}', format='newline_delimited')" if path.endswith(".ndjson") else f"read_csv('{path}')"
    t0 = time.perf_counter()
    groups = con.execute(
        f"""SELECT count(*) FROM (
              SELECT ad_id, time_bucket(INTERVAL '1 minute', to_timestamp(CAST("timestamp" AS BIGINT))) AS w,
                     count(*) AS clicks, approx_count_distinct(user_id) AS users
              FROM {src} GROUP BY ad_id, w)"""
    ).fetchone()[0]
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "groups": groups, "version": duckdb.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
