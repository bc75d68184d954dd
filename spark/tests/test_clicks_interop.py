"""DataSketches HLL interop between adagg and Spark, both ways:

  * adagg's user_sketches_1h.csv read by Spark: `hll_sketch_estimate(unbase64(...))`
    is the CLI's unique_users; `hll_union_agg` with a sketch Spark builds
    from an overlapping set of users estimates the union within the
    sketch's bounds (exactly when both are small);
  * the Spark job's user_sketches_1h.csv read by the Python `datasketches`
    package: the same estimate; merged with the CLI's sketch of the same
    window nothing changes (same users, same hashing: same registers);
    merged with a sketch built in Python from an overlapping set, within
    the bounds.

The log: per ad a known set of users in one hour (tests/clicks/interop.py's
layout, smaller): coupon list, coupon set, HLL mode, UTF-8 ids."""
import base64
import csv
import json
import math
import subprocess

import pytest
from pyspark.sql import functions as F

from adagg_jobs import clicks

HOUR = 1736942400
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
USERS = {
    "a_big": [f"u{i}" for i in range(20000)],
    "a_mid": [f"u{i}" for i in range(1500)],
    "a_set": [f"u{i}" for i in range(300)],
    "a_list": [f"u{i}" for i in range(7)],
    "a_utf8": [f"ü{i}" for i in range(40)] + [f"用户{i}" for i in range(40)],
}


def others(ad):
    """An overlapping set: the upper half shifted by the count."""
    mine = USERS[ad]
    if ad == "a_utf8":
        return [f"ü{i}" for i in range(20, 60)] + [f"用户{i}" for i in range(20, 60)]
    n = len(mine)
    return [f"u{i}" for i in range(n // 2, n + n // 2)]


@pytest.fixture(scope="module")
def outputs(spark, adagg_bin, tmp_path_factory):
    d = tmp_path_factory.mktemp("interop")
    log = d / "users.ndjson"
    n = 0
    with open(log, "w", encoding="utf-8") as f:
        for ad, users in USERS.items():
            for k, user in enumerate(users):
                row = {"click_id": f"c{n}", "ad_id": ad, "user_id": user, "timestamp": HOUR + (k * 7919 + n) % 3600,
                       "ip_address": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}", "user_agent": UA}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    subprocess.run([adagg_bin, "clicks", "--input", str(log), "--output", str(d / "cli")], check=True, capture_output=True)
    assert clicks.main(["--input", str(log), "--output", str(d / "spark")]) == 0

    def rows(which):
        with open(d / which / "user_sketches_1h.csv", encoding="utf-8", newline="") as f:
            return {r["ad_id"]: r for r in csv.DictReader(f)}
    return rows("cli"), rows("spark")


def bounds_ok(est, truth, lo, hi, lg_k=12):
    return lo <= truth <= hi and abs(est - truth) / truth <= 3 * 1.04 / math.sqrt(1 << lg_k)


def test_cli_sketches_read_and_merged_by_spark(spark, outputs):
    cli_rows, _ = outputs
    assert sorted(cli_rows) == sorted(USERS)
    sk = spark.createDataFrame([(ad, r["sketch_base64"], int(r["unique_users"])) for ad, r in cli_rows.items()],
                               "ad string, b64 string, users bigint")
    est = {r["ad"]: (r["est"], r["users"]) for r in
           sk.select("ad", "users", F.hll_sketch_estimate(F.unbase64("b64")).alias("est")).collect()}
    for ad, (e, users) in est.items():
        assert e == users, ad
        if len(USERS[ad]) <= 300:
            assert e == len(USERS[ad]), ad
    theirs = spark.createDataFrame([(ad, u) for ad in USERS for u in others(ad)], "ad string, user string") \
        .groupBy("ad").agg(F.hll_sketch_agg("user", 12).alias("s"))
    merged = sk.select("ad", F.unbase64("b64").alias("s")).unionByName(theirs) \
        .groupBy("ad").agg(F.hll_sketch_estimate(F.hll_union_agg("s")).alias("est")).collect()
    import datasketches as ds
    for r in merged:
        truth = len(set(USERS[r["ad"]]) | set(others(r["ad"])))
        if truth <= 384:
            assert r["est"] == truth, r
        else:
            # the bounds of the union as DataSketches (Python) computes them
            u = ds.hll_union(12)
            u.update(ds.hll_sketch.deserialize(base64.b64decode(cli_rows[r["ad"]]["sketch_base64"])))
            mine = ds.hll_sketch(12, ds.tgt_hll_type.HLL_8)
            for x in others(r["ad"]):
                mine.update(x)
            u.update(mine)
            res = u.get_result(ds.tgt_hll_type.HLL_8)
            assert bounds_ok(r["est"], truth, res.get_lower_bound(3), res.get_upper_bound(3)), (r, truth)


def test_spark_sketches_read_and_merged_by_datasketches(outputs):
    import datasketches as ds
    cli_rows, spark_rows = outputs
    assert sorted(spark_rows) == sorted(USERS)
    for ad, r in spark_rows.items():
        s = ds.hll_sketch.deserialize(base64.b64decode(r["sketch_base64"]))
        assert s.lg_config_k == int(r["lg_k"]) == 12
        assert round(s.get_estimate()) == int(r["unique_users"]), ad
        # merged with the CLI's sketch of the same window: the same users
        theirs = ds.hll_sketch.deserialize(base64.b64decode(cli_rows[ad]["sketch_base64"]))
        u = ds.hll_union(12)
        u.update(s)
        u.update(theirs)
        assert round(u.get_result(ds.tgt_hll_type.HLL_8).get_estimate()) == round(theirs.get_estimate()), ad
        # merged with a sketch of an overlapping set built here
        mine = ds.hll_sketch(12, ds.tgt_hll_type.HLL_8)
        for x in others(ad):
            mine.update(x)
        u2 = ds.hll_union(12)
        u2.update(s)
        u2.update(mine)
        res = u2.get_result(ds.tgt_hll_type.HLL_8)
        truth = len(set(USERS[ad]) | set(others(ad)))
        if truth <= 384:
            assert round(res.get_estimate()) == truth, ad
        else:
            assert bounds_ok(res.get_estimate(), truth, res.get_lower_bound(3), res.get_upper_bound(3)), ad
        # the CLI's exact bytes (list, set and HLL modes: hll.canonical), but
        # for the HIP accumulator of an HLL-mode sketch (unused: out of order)
        a, b = base64.b64decode(r["sketch_base64"]), base64.b64decode(cli_rows[ad]["sketch_base64"])
        if a[7] & 3 == 2:
            assert a[:8] + a[16:] == b[:8] + b[16:] and a[5] & 16, ad
        else:
            assert a == b, ad
