#!/usr/bin/env python3
"""The Polars side of the bench: same per-campaign totals and top 10s as adagg.

    python bench/polars_agg.py FILE

Prints one JSON line: {"seconds": query time (scan + aggregate + both top 10s,
Python start-up and `import polars` excluded), "campaigns": n, "top_ctr": [ids],
"top_cpa": [ids], "version": polars version}.
"""
import json
import sys
import time

import polars as pl

SCHEMA = {
    "campaign_id": pl.String,
    "date": pl.String,  # not parsed: adagg does not parse it either
    "impressions": pl.Int64,
    "clicks": pl.Int64,
    "spend": pl.Float64,
    "conversions": pl.Int64,
}


def main(path):
    t0 = time.perf_counter()
    totals = (
        pl.scan_csv(path, schema=SCHEMA)
        .group_by("campaign_id")
        .agg(pl.col("impressions", "clicks", "spend", "conversions").sum())
        .with_columns(
            ctr=pl.when(pl.col("impressions") > 0).then(pl.col("clicks") / pl.col("impressions")),
            cpa=pl.when(pl.col("conversions") > 0).then(pl.col("spend") / pl.col("conversions")),
        )
        .collect(engine="streaming")
    )
    top_ctr = totals.drop_nulls("ctr").sort(["ctr", "campaign_id"], descending=[True, False]).head(10)
    top_cpa = totals.drop_nulls("cpa").sort(["cpa", "campaign_id"]).head(10)
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "seconds": seconds,
        "campaigns": totals.height,
        "top_ctr": top_ctr["campaign_id"].to_list(),
        "top_cpa": top_cpa["campaign_id"].to_list(),
        "version": pl.__version__,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
