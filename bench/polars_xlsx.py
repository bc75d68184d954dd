#!/usr/bin/env python3
"""Polars reading an .xlsx (its calamine engine, fastexcel) and the same
per-campaign totals and top 10s as adagg (issue 18's workbook row).

    python bench/polars_xlsx.py FILE

Prints one JSON line: {"seconds": read + aggregate + both top 10s (Python
start-up and imports excluded), "campaigns": n, "top_ctr": [ids],
"top_cpa": [ids], "version": polars version}.
"""
import json
import sys
import time

import polars as pl


def main(path):
    t0 = time.perf_counter()
    df = pl.read_excel(path, engine="calamine")
    df = df.rename({c: c.strip().lower() for c in df.columns})
    totals = df.group_by("campaign_id").agg(
        pl.col("impressions").cast(pl.Int64).sum(),
        pl.col("clicks").cast(pl.Int64).sum(),
        pl.col("spend").cast(pl.Float64).sum(),
        pl.col("conversions").cast(pl.Int64).sum(),
    )
    ctr = totals.filter(pl.col("impressions") > 0).with_columns((pl.col("clicks") / pl.col("impressions")).alias("ctr"))
    top_ctr = ctr.sort(["ctr", "campaign_id"], descending=[True, False]).head(10)["campaign_id"].to_list()
    cpa = totals.filter(pl.col("conversions") > 0).with_columns((pl.col("spend") / pl.col("conversions")).alias("cpa"))
    top_cpa = cpa.sort(["cpa", "campaign_id"]).head(10)["campaign_id"].to_list()
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "campaigns": totals.height, "top_ctr": top_ctr, "top_cpa": top_cpa, "version": pl.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
