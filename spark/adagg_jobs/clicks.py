"""The click-event batch job: the files of `adagg clicks` from Spark.

    spark-submit spark/adagg_spark.py clicks --input PATH_OR_GLOB [--input ...] --output DIR
        [--blocklist FILE] [--velocity-max N] [--no-rule RULE]... [--lg-k K] [--top N]

Reads click logs (CSV or NDJSON; files, directories, globs, any storage
Spark reads) and writes into DIR, each as one file, the CLI's
clicks_1m.csv, clicks_5m.csv, clicks_1h.csv, top10_ads.csv,
flagged_clicks.csv, rejected_rows.csv, user_sketches_1h.csv and
click_summary.json. With one input file every file is the CLI's, byte for
byte, but for these documented differences (tests/test_clicks.py holds
the rest equal):
  * click_summary.json: `dedup_limit` is null (Spark keeps every click id:
    no limit, so `dedup_limit_reached` is false and `not_deduplicated` 0);
    `dedup_set_bytes` is the CLI's formula (24 bytes an id), not Spark's
    memory; with several files a `files` key lists them in order.
  * user_sketches_1h.csv: an HLL-mode sketch's HIP accumulator (8 bytes,
    unused by every reader: the sketch is flagged out of order) can differ
    (hll.py); the estimate, registers and the rest of the bytes are equal.
  * the log must be UTF-8 (the CLI also reads UTF-16 and Windows-1252);
    the CLI's 1 MiB cap on a CSV record over several lines is not applied;
    a bare CR inside an unquoted CSV field is text here (csv_core ends the
    record there); in reasons, only control characters are escaped as
    Rust's `{:?}` escapes them (not other non-printable Unicode).
  * NDJSON: Spark's JSON parser (Jackson) decides which lines are invalid;
    the reason is serde_json's message, rebuilt on the driver
    (click_rows.serde_json_error). A value that is a nested object or
    array, and every value of a line that has one, is Jackson's text
    (floats as Java writes them) rather than the bytes as written.
With several files they are read as one log in file order (paths sorted):
line numbers are per file, and flagged_clicks.csv and rejected_rows.csv
get a first column `file`.

How (the CLI's order of judgement, src/clicks/tally.rs):
  * line numbers: per (file, split) the number of lines and the first
    monotonically_increasing_id, prefix-summed in split order on the driver;
    a row's line is its id minus its split's first id plus the lines
    before the split;
  * rows parsed and judged by click_rows.parse_clicks (rejected rows with
    the CLI's reason);
  * a duplicate is a row whose click_id has an earlier row (file, line);
  * velocity: the non-duplicate clicks of each (ad, minute, IP) and (ad,
    minute, user) bucket counted; more than N flag the bucket;
  * the static rules (blocklist: expressions; bots: the isbot list matched
    once per distinct user agent);
  * 1-minute cells summed (clicks, duplicates, flagged, cost as
    decimal(38,6)) with hll_sketch_agg of the billable users; 5 minutes,
    1 hour and whole-log totals from them with hll_union_agg; estimates
    with the sketch marked out of order (as the CLI), rounded.
"""
import argparse
import base64
import json
import os
import shutil
import tempfile

from pyspark.sql import Window
from pyspark.sql import functions as F

from adagg_jobs import click_rows as R
from adagg_jobs import hll
from adagg_jobs.hll import out_of_order
from adagg_jobs.cli import UsageError

WINDOWS = [(60, "clicks_1m.csv"), (300, "clicks_5m.csv"), (3600, "clicks_1h.csv")]
WINDOW_HEADER = "ad_id,window_start,clicks,unique_users,duplicates,flagged,cost\n"
TOP_HEADER = "ad_id,clicks,unique_users,duplicates,flagged,cost\n"
FLAGGED_HEADER = "line,click_id,ad_id,timestamp,rules\n"
REJECTED_HEADER = "line,reason,raw_line\n"
SKETCHES_HEADER = "ad_id,window_start,lg_k,unique_users,sketch_base64\n"


def parse_args(argv):
    p = argparse.ArgumentParser(prog="adagg_spark.py clicks", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-i", "--input", action="append", required=True, help="a file, directory or glob (repeatable)")
    p.add_argument("-o", "--output", required=True, help="the directory written")
    p.add_argument("--blocklist", help="IPs and CIDR ranges, one a line, # comments")
    p.add_argument("--velocity-max", type=int, default=5, help="flag a bucket with more than N clicks (default 5)")
    p.add_argument("--no-rule", action="append", default=[], help="switch a rule off (repeatable): " + ", ".join(R.RULES))
    p.add_argument("--lg-k", type=int, default=12, help="HLL lg_k, 4 to 21 (default 12)")
    p.add_argument("--top", type=int, default=10, help="ads in top10_ads.csv (default 10)")
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        if e.code == 0:
            raise
        raise UsageError("bad arguments (see --help)")
    for r in a.no_rule:
        if r.strip() not in R.RULES:
            raise UsageError(f"--no-rule {r!r}: the rules are {', '.join(R.RULES)}")
    if not 4 <= a.lg_k <= 21:
        raise UsageError(f"--lg-k: lg_k must be between 4 and 21, not {a.lg_k}")
    if a.velocity_max < 0:
        raise UsageError("--velocity-max: not a whole number")
    return a


def main(argv):
    a = parse_args(argv)
    blocklist = R.Blocklist()
    if a.blocklist:
        try:
            with open(a.blocklist, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except OSError as e:
            raise UsageError(f"--blocklist {a.blocklist}: {e.strerror}")
        try:
            blocklist = R.read_blocklist(text)
        except ValueError as e:
            raise UsageError(f"{a.blocklist}: {e}")
    from adagg_jobs.session import get_session
    spark = get_session("adagg clicks")
    summary = run(spark, a.input, a.output, blocklist=blocklist, velocity_max=a.velocity_max,
                  rules_off=[r.strip() for r in a.no_rule], lg_k=a.lg_k, top=a.top)
    print(f"click log ({summary['format']}): {summary['rows']} rows: {summary['clicks']} clicks, "
          f"{summary['rejected']} rejected; {summary['billable']} billable, {summary['duplicates']} duplicates, "
          f"{summary['flagged']} flagged; wrote {a.output}")
    return 0


# ---------------------------------------------------------------- helpers

def money(cost):
    """Cost with 2 decimals, half away from zero (costs are not negative)."""
    return F.round(cost, 2).cast("decimal(38,2)").cast("string")


class _Out:
    """Writes the output files: straight into a local directory, or into a
    local temporary one copied to any Hadoop file system at the end."""

    def __init__(self, spark, output):
        self.spark = spark
        self.output = output
        self.remote = "://" in output and not output.startswith("file:")
        self.dir = tempfile.mkdtemp(prefix="adagg-clicks-") if self.remote else \
            (output[5:] if output.startswith("file:") else output)
        os.makedirs(self.dir, exist_ok=True)

    def open(self, name):
        return open(os.path.join(self.dir, name), "w", encoding="utf-8", newline="")

    def lines(self, name, header, df, order):
        """Writes `header`, then the `line` column of df sorted by `order`,
        one `\\n`-terminated line each (streamed through the driver)."""
        n = 0
        with self.open(name) as f:
            f.write(header)
            # sorted in parallel; the sorted partitions read in order by one
            # task (coalesce keeps their order): one job, not one a partition
            for row in df.orderBy(*order).select("line").coalesce(1).toLocalIterator():
                f.write(row[0])
                f.write("\n")
                n += 1
        return n

    def finish(self):
        if not self.remote:
            return
        jvm = self.spark._jvm
        dst = jvm.org.apache.hadoop.fs.Path(self.output)
        fs = dst.getFileSystem(self.spark._jsc.hadoopConfiguration())
        fs.mkdirs(dst)
        for name in sorted(os.listdir(self.dir)):
            fs.copyFromLocalFile(False, True, jvm.org.apache.hadoop.fs.Path("file://" + os.path.join(self.dir, name)),
                                 jvm.org.apache.hadoop.fs.Path(self.output.rstrip("/") + "/" + name))
        shutil.rmtree(self.dir, ignore_errors=True)


def _iso(secs):
    import datetime
    return (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cut_raw(raw: str) -> str:
    """The first 1024 bytes of a rejected line, cut at a character boundary."""
    b = raw.encode("utf-8", errors="surrogateescape")
    if len(b) <= 1024:
        return raw
    cut = 1024
    while cut < len(b) and (b[cut] & 0xC0) == 0x80:
        cut -= 1
    return b[:cut].decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the job

def numbered_lines(spark, files):
    """The lines of the files with `fno` (file order), `line` (physical line
    number in its file) and `header_lines`; the plan; the file names in
    order; per file (fno) its number of lines."""
    lines = R.read_click_lines(spark, files)
    stats = lines.groupBy("file", "block").agg(F.count(F.lit(1)).alias("n"), F.min("row_id").alias("first_id")).collect()
    names = sorted({r["file"] for r in stats})
    plans = {}
    for name in names:
        try:
            plans[name] = R.sniff_plan(spark, name)
        except R.NotAClickLog as e:
            raise UsageError(f"{name}: {e}")
        except ValueError as e:
            raise UsageError(f"{name}: {e}")
    layouts = {p.layout() for p in plans.values()}
    if len(layouts) > 1:
        raise UsageError("the input files are not of one layout (NDJSON, or CSV with the same columns): "
                         + ", ".join(f"{n}: {plans[n].format_name()} {sorted(plans[n].columns.items())}" for n in names))
    base = []
    totals = {}
    for fno, name in enumerate(names):
        before = 0
        for r in sorted((r for r in stats if r["file"] == name), key=lambda r: r["block"]):
            base.append((name, r["block"], fno, before + 1 - r["first_id"], plans[name].header_lines))
            before += r["n"]
        totals[fno] = before
    bdf = spark.createDataFrame(base, "file string, block bigint, fno int, base bigint, header_lines int")
    numbered = lines.join(F.broadcast(bdf), ["file", "block"]).withColumn("line", F.col("row_id") + F.col("base"))
    numbered = numbered.filter(F.col("line") > F.col("header_lines"))
    plan = plans[names[0]] if names else R.ClickPlan("ndjson")
    return numbered, plan, names, totals


def stitch_records(spark, numbered, totals):
    """CSV records whose quoted field spans lines (src/clicks/source.rs: a
    line with an odd number of quotes opens a record that goes on, joined
    by LF, up to the line that makes the count even again). The lines with
    an odd number of quotes are few: they are collected, the records built
    on the driver and put in place of their lines. (The CLI's 1 MiB cap
    on such a record is not applied.)"""
    c = F.col
    quotes = F.length(c("value")) - F.length(F.replace(c("value"), F.lit('"'), F.lit("")))
    odd = sorted((r["fno"], r["line"]) for r in numbered.filter(quotes % 2 == 1).select("fno", "line").collect())
    if not odd:
        return numbered
    spans = []
    by_file = {}
    for fno, line in odd:
        by_file.setdefault(fno, []).append(line)
    for fno, ls in by_file.items():
        for k in range(0, len(ls), 2):
            spans.append((fno, ls[k], ls[k + 1] if k + 1 < len(ls) else totals[fno]))
    members = spark.createDataFrame([(f, ln, s) for f, s, e in spans for ln in range(s, e + 1)],
                                    "fno int, line bigint, start bigint")
    inside = numbered.join(F.broadcast(members), ["fno", "line"]).collect()
    groups = {}
    for r in inside:
        groups.setdefault((r["fno"], r["start"]), []).append(r)
    records = []
    for (fno, start), rs in sorted(groups.items()):
        rs.sort(key=lambda r: r["line"])
        text = "\n".join(r["value"][:-1] if r["value"].endswith("\r") else r["value"] for r in rs)
        d = rs[0].asDict()
        d.pop("start")
        d["value"] = text
        records.append(d)
    cols = numbered.columns
    schema = numbered.schema
    stitched = spark.createDataFrame([tuple(d[k] for k in cols) for d in records], schema)
    rest = numbered.join(F.broadcast(members.select("fno", "line")), ["fno", "line"], "left_anti")
    return rest.select(*cols).unionByName(stitched)


class _Timer:
    """Steps' times on stderr when ADAGG_TIMING is set (as the CLI's)."""

    def __init__(self):
        import time
        self.on = bool(os.environ.get("ADAGG_TIMING"))
        self.t0 = time.time()

    def __call__(self, step):
        if self.on:
            import sys
            import time
            print(f"{step}: {time.time() - self.t0:.1f} s", file=sys.stderr, flush=True)


def run(spark, inputs, output, blocklist=None, velocity_max=5, rules_off=(), lg_k=12, top=10):
    """Runs the job; returns the summary (also written as click_summary.json)."""
    mark = _Timer()
    blocklist = blocklist or R.Blocklist()
    off = set(rules_off)
    try:
        files = R.list_files(spark, inputs)
    except FileNotFoundError as e:
        raise UsageError(str(e))
    if not files:
        raise UsageError("no input files")
    numbered, plan, names, totals = numbered_lines(spark, files)
    # Shuffle partitions: Spark's default (200) costs more than the work on
    # a small log; unless the user set it, about one per million lines
    # (at least the default parallelism). Restored at the end.
    saved_partitions = spark.conf.get("spark.sql.shuffle.partitions")
    if not spark.sparkContext.getConf().contains("spark.sql.shuffle.partitions"):
        lines_total = sum(totals.values())
        spark.conf.set("spark.sql.shuffle.partitions",
                       str(max(spark.sparkContext.defaultParallelism, min(2000, lines_total // 1_000_000 + 1))))
    mark("line numbers")
    if plan.fmt == "csv":
        numbered = stitch_records(spark, numbered, totals)
    several = len(names) > 1
    parsed = R.parse_clicks(numbered, plan, value="value", first_line=F.col("line") == 1).filter(~F.col("skip"))
    keep = ["fno", "line", "raw", "reject_kind", "reject_reason", "ad_id", "click_id", "user_id", "ip", "ip_key",
            "user_agent", "has_ua", "present", "cost", "ts_ms", "ts_sec", "ts_unit"]
    parsed = parsed.select(*keep).persist()
    out = _Out(spark, output)
    c = F.col
    fname = F.element_at(F.array(*[F.lit(n) for n in names]), c("fno") + 1) if names else F.lit("")

    # ---- rejected rows (the raw line cut on the driver)
    rejected = parsed.filter(c("reject_kind").isNotNull())
    with out.open("rejected_rows.csv") as f:
        f.write(("file," if several else "") + REJECTED_HEADER)
        for r in rejected.orderBy("fno", "line").select("fno", "line", "reject_reason", "raw").coalesce(1).toLocalIterator():
            head = (R.csv_text_py(names[r["fno"]]) + "," if several else "")
            reason = r["reject_reason"]
            if reason == "invalid JSON":
                # serde_json's message (Spark's parser gives none)
                why = R.serde_json_error(r["raw"])
                reason = f"invalid JSON: {why}" if why else reason
            f.write(f"{head}{r['line']},{R.csv_text_py(reason)},{R.csv_text_py(_cut_raw(r['raw']))}\n")

    mark("rejected rows")
    # ---- clicks: duplicates
    clicks = parsed.filter(c("reject_kind").isNull()).drop("raw", "reject_kind", "reject_reason")
    first = Window.partitionBy("click_id").orderBy("fno", "line")
    with_id = clicks.filter(c("click_id") != "").withColumn("dup", F.row_number().over(first) > 1)
    clicks = with_id.unionByName(clicks.filter(c("click_id") == "").withColumn("dup", F.lit(False)))
    clicks = clicks.withColumn("minute", F.floor(c("ts_sec") / 60) * 60)

    # ---- velocity buckets over the non-duplicate clicks
    nodup = clicks.filter(~c("dup"))
    ip_w = Window.partitionBy("ad_id", "minute", "ip_key")
    user_w = Window.partitionBy("ad_id", "minute", "user_id")
    nodup = nodup.withColumn("ip_n", F.count(F.lit(1)).over(ip_w)).withColumn("user_n", F.count(F.lit(1)).over(user_w))
    nodup = nodup.withColumn("ip_velocity", F.lit("ip_velocity" not in off) & (c("ip") != "") & (c("ip_n") > velocity_max))
    nodup = nodup.withColumn("user_velocity", F.lit("user_velocity" not in off) & (c("user_id") != "")
                             & (c("user_n") > velocity_max))
    # static rules: the blocklist as expressions, bots once per user agent
    nodup = R.static_rules(nodup, blocklist, list(off) + ["bot_user_agent"])
    if "bot_user_agent" not in off:
        uas = nodup.filter(c("has_ua")).select("user_agent").distinct()
        uas = uas.withColumn("_bot", R.is_bot(c("user_agent")))
        nodup = nodup.drop("bot_user_agent").join(uas, ["user_agent"], "left") \
            .withColumn("bot_user_agent", c("has_ua") & F.coalesce(c("_bot"), F.lit(False))).drop("_bot")
    rule_cols = R.RULES
    nodup = nodup.withColumn("flagged", F.greatest(*[c(r) for r in rule_cols]))
    dups = clicks.filter(c("dup"))
    for r in rule_cols:
        dups = dups.withColumn(r, F.lit(False))
    dups = dups.withColumn("flagged", F.lit(False))
    cols = ["fno", "line", "ad_id", "click_id", "user_id", "cost", "ts_ms", "ts_sec", "ts_unit", "minute", "dup",
            "flagged", "present"] + rule_cols
    judged = nodup.select(*cols).unionByName(dups.select(*cols))
    judged = judged.withColumn("billable", ~c("dup") & ~c("flagged")).persist()

    mark("judged")
    # ---- flagged clicks
    rules_text = F.concat_ws("|", *[F.when(c(r), F.lit(r)) for r in rule_cols])
    fl = judged.filter(c("flagged")).select("fno", c("line").alias("ln"), F.concat_ws(
        ",", *([R.csv_text(fname)] if several else []), c("line").cast("string"), R.csv_text(c("click_id")),
        R.csv_text(c("ad_id")), R.iso_second(c("ts_sec")), rules_text).alias("line"))
    out.lines("flagged_clicks.csv", ("file," if several else "") + FLAGGED_HEADER, fl, ["fno", "ln"])

    mark("flagged clicks")
    # ---- windows
    all_present = parsed.agg(F.bit_or("present")).first()[0] or 0
    has_cost = bool(all_present & R.FIELD_BIT["cost"]) if plan.fmt == "ndjson" else plan.has("cost")
    zero = F.lit(0).cast("decimal(38,6)")
    m1 = judged.groupBy("ad_id", c("minute").alias("start")).agg(
        F.sum(c("billable").cast("bigint")).alias("clicks"),
        F.sum(c("dup").cast("bigint")).alias("duplicates"),
        F.sum(c("flagged").cast("bigint")).alias("flagged"),
        F.sum(F.when(c("billable"), c("cost")).otherwise(zero)).alias("cost"),
        F.hll_sketch_agg(F.when(c("billable") & (c("user_id") != ""), c("user_id")), lg_k).alias("sketch")).persist()

    def roll(cells, size):
        return cells.groupBy("ad_id", (F.floor(c("start") / size) * size).alias("start")).agg(
            F.sum("clicks").alias("clicks"), F.sum("duplicates").alias("duplicates"), F.sum("flagged").alias("flagged"),
            F.sum("cost").alias("cost"), F.hll_union_agg("sketch", True).alias("sketch"))

    m5 = roll(m1, 300).persist()
    h1 = roll(m5, 3600).persist()

    def tail(df):
        return [c("clicks").cast("string"),
                F.hll_sketch_estimate(out_of_order(c("sketch"))).cast("string"),
                c("duplicates").cast("string"), c("flagged").cast("string"),
                money(c("cost")) if has_cost else F.lit("")]

    counts = {}
    for (size, name), cells in zip(WINDOWS, [m1, m5, h1]):
        df = cells.select("ad_id", "start", F.concat_ws(",", R.csv_text(c("ad_id")), R.iso_second(c("start")),
                                                        *tail(cells)).alias("line"))
        df = df.withColumn("_key", F.encode(c("ad_id"), "UTF-8"))
        counts[name] = out.lines(name, WINDOW_HEADER, df, ["_key", "start"])

    mark("windows")
    # ---- top ads
    totals = h1.groupBy("ad_id").agg(
        F.sum("clicks").alias("clicks"), F.sum("duplicates").alias("duplicates"), F.sum("flagged").alias("flagged"),
        F.sum("cost").alias("cost"), F.hll_union_agg("sketch", True).alias("sketch"))
    top_rows = totals.withColumn("_key", F.encode(c("ad_id"), "UTF-8")).orderBy(c("clicks").desc(), c("_key")) \
        .limit(top).select(F.concat_ws(",", R.csv_text(c("ad_id")), *tail(totals)).alias("line")).collect()
    with out.open("top10_ads.csv") as f:
        f.write(TOP_HEADER)
        for r in top_rows:
            f.write(r[0] + "\n")

    mark("top ads")
    # ---- sketches (rewritten on the driver as the CLI serializes them: hll.py)
    sk = h1.select("ad_id", "start", F.hll_sketch_estimate(out_of_order(c("sketch"))).alias("users"),
                   out_of_order(c("sketch")).alias("sketch")).withColumn("_key", F.encode(c("ad_id"), "UTF-8"))
    with out.open("user_sketches_1h.csv") as f:
        f.write(SKETCHES_HEADER)
        seen_ads = set()
        for r in sk.orderBy("_key", "start").coalesce(1).toLocalIterator():
            seen_ads.add(r["ad_id"])
            b64 = base64.b64encode(hll.canonical(bytes(r["sketch"]))).decode("ascii")
            f.write(f"{R.csv_text_py(r['ad_id'])},{_iso(r['start'])},{lg_k},{r['users']},{b64}\n")

    mark("sketches")
    # ---- summary
    s = judged.agg(
        F.count(F.lit(1)).alias("clicks"),
        F.sum(c("billable").cast("bigint")).alias("billable"),
        F.sum(c("dup").cast("bigint")).alias("duplicates"),
        F.sum(c("flagged").cast("bigint")).alias("flagged"),
        *[F.sum(c(r).cast("bigint")).alias(r) for r in rule_cols],
        *[F.sum((c("ts_unit") == i).cast("bigint")).alias(f"u{i}") for i in range(4)],
        F.min("ts_ms").alias("first"), F.max("ts_ms").alias("last"),
    ).first()
    without_id = parsed.filter(c("reject_kind").isNull() & (c("click_id") == "")).count()
    dedup_ids = parsed.filter(c("reject_kind").isNull() & (c("click_id") != "")).select("click_id").distinct().count()
    rej = {k: 0 for k in R.REJECT_KINDS}
    for r in rejected.groupBy("reject_kind").count().collect():
        rej[r[0]] = r[1]
    present = all_present if plan.fmt == "ndjson" else sum(R.FIELD_BIT[f] for f in plan.columns)
    has = lambda f: bool(present & R.FIELD_BIT[f])
    on = {
        "ip_blocklist": has("ip") and not blocklist.is_empty(),
        "bot_user_agent": has("user_agent"),
        "ip_velocity": has("ip"),
        "user_velocity": has("user_id"),
    }
    reasons = {}
    for r in R.RULES:
        if r in off:
            on[r] = False
            reasons[r] = "switched off"
        elif not on[r]:
            reasons[r] = {"ip_blocklist": "no IP column" if not has("ip") else "no blocklist given",
                          "bot_user_agent": "no user_agent column", "ip_velocity": "no IP column",
                          "user_velocity": "no user_id column"}[r]
        else:
            reasons[r] = None

    def iso(ms):
        if ms is None:
            return None
        import datetime
        return (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=ms // 1000)).strftime("%Y-%m-%dT%H:%M:%SZ")

    total_rejected = sum(rej.values())
    summary = {
        "format": plan.format_name(),
        "encoding": "UTF-8",
        "rows": (s["clicks"] or 0) + total_rejected,
        "clicks": s["clicks"] or 0,
        "billable": s["billable"] or 0,
        "duplicates": s["duplicates"] or 0,
        "without_click_id": without_id,
        "not_deduplicated": 0,
        "flagged": s["flagged"] or 0,
        "rejected": total_rejected,
        "rejected_by_reason": rej,
        "rules": [{"id": r, "on": on[r], "off_reason": reasons[r], "flagged": (s[r] or 0) if on[r] else 0}
                  for r in R.RULES],
        "velocity_max": velocity_max,
        "blocklist_entries": blocklist.entries,
        "bot_list": R.BOT_LIST_VERSION,
        "timestamps": {"unix_seconds": s["u0"] or 0, "unix_milliseconds": s["u1"] or 0,
                       "iso8601": s["u2"] or 0, "iso8601_without_zone": s["u3"] or 0},
        "first_click": iso(s["first"]),
        "last_click": iso(s["last"]),
        "ads": len(seen_ads),
        "windows": {"1m": counts["clicks_1m.csv"], "5m": counts["clicks_5m.csv"], "1h": counts["clicks_1h.csv"]},
        "dedup_ids": dedup_ids,
        "dedup_set_bytes": dedup_ids * 24,
        "dedup_limit": None,
        "dedup_limit_reached": False,
        "lg_k": lg_k,
    }
    if several:
        summary["files"] = names
    with out.open("click_summary.json") as f:
        f.write(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    mark("summary")
    out.finish()
    for d in (parsed, judged, m1, m5, h1):
        d.unpersist()
    spark.conf.set("spark.sql.shuffle.partitions", saved_partitions)
    return summary
