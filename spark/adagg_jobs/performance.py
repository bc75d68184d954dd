"""The performance report on Spark: the same files as `adagg --input ...`
(`top10_ctr.csv` and `top10_cpa.csv`; with `--rank` the KPI rankings, with
`--all` `all_campaigns.csv`; `rejected_rows.csv`), byte for byte.

    spark-submit spark/adagg_spark.py performance --input PATH [--input PATH ...] --output DIR
        [--top N] [--rank METRIC[:asc|:desc] ...] [--min-impressions N] [--min-clicks N]
        [--min-conversions N] [--min-spend X] [--all] [--format csv|parquet] [--collect-limit N]

How (see the README's "Beyond one machine"):
1. One scan: plain lines are split, cast and summed per campaign in Spark
   SQL; the other lines are judged by the CLI's rules (`canonical`,
   `judge`). Sums are exact (each value as two 64-bit halves); a total
   past 64 bits is an error, as in the CLI.
2. Rankings: up to --collect-limit campaigns on the driver, exactly; past
   that, candidates picked on the cluster by a double ratio (every campaign
   within a relative 1e-9 of the N-th) and settled exactly on the driver
   (Python fractions, ties by campaign_id's bytes): decimal division in
   Spark is not exact for every pair of ratios.
3. Files are written once, by the driver, through Hadoop's FileSystem.
"""
import argparse
import os
import re
import sys
import time
from decimal import Decimal

from pyspark.sql import functions as F

from . import canonical
from .cli import UsageError
from .judge import UNTERMINATED_CLASS
from .output import OutputDir
from .report import GUARDRAILS, KPI_BY_KEY, Campaign, fv_sec001_csv, kpi_csv, kpi_header, kpi_row, rank_key
from .session import get_session

U64_MAX = 18446744073709551615
# Candidates: campaigns whose double ratio is within this of the N-th's.
_BAND = 1e-9


def parse_args(argv):
    p = argparse.ArgumentParser(prog="adagg_spark.py performance", description=__doc__.split("\n\n")[0])
    p.add_argument("-i", "--input", action="append", required=True, help="a file, directory (read recursively) or glob; repeatable; any storage Spark reads")
    p.add_argument("-o", "--output", required=True, help="the directory to write into (created if missing)")
    p.add_argument("--top", type=int, default=10, help="rows per ranking (default 10)")
    p.add_argument("--rank", action="append", default=[], help="METRIC[:asc|:desc], METRIC one of ctr cpc cpm cvr cpa roas; repeatable")
    for name, _ in GUARDRAILS:
        p.add_argument(f"--min-{name}", default=None, help=f"guardrail: total {name} at least this")
    p.add_argument("--all", action="store_true", help="also write all_campaigns.csv")
    p.add_argument("--format", choices=["csv", "parquet"], default=None, help="input format (default: parquet when the paths end in .parquet)")
    p.add_argument(
        "--collect-limit",
        type=int,
        default=200_000,
        help="up to this many campaigns are ranked on the driver at once; more are pre-selected on the cluster by an approximate ratio (default 200000)",
    )
    args = p.parse_args(argv)
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    rankings = []
    seen = set()
    for spec in args.rank:
        key, _, direction = spec.lower().partition(":")
        if key not in KPI_BY_KEY:
            raise UsageError(f"--rank {spec}: unknown metric (one of ctr cpc cpm cvr cpa roas)")
        if direction not in ("", "asc", "desc"):
            raise UsageError(f"--rank {spec}: the direction is asc or desc")
        if key in seen:
            raise UsageError(f"--rank {spec}: {key} is asked twice")
        seen.add(key)
        rankings.append((KPI_BY_KEY[key], direction or KPI_BY_KEY[key].better))
    minimums = {}
    for name, is_money in GUARDRAILS:
        text = getattr(args, f"min_{name}")
        if text is None:
            continue
        if is_money:
            if not re.fullmatch(r"[0-9]+(\.[0-9]{1,6})?", text):
                raise UsageError(f"--min-{name} {text}: a plain decimal with up to 6 places")
            minimums[name] = int(Decimal(text) * 1_000_000)  # micro-units
        else:
            if not re.fullmatch(r"[0-9]+", text):
                raise UsageError(f"--min-{name} {text}: a whole number")
            minimums[name] = int(text)
    args.rankings = rankings
    args.minimums = minimums
    return args


def aggregate(spark, args):
    """(layout, groups, lines, judged, files, cached): see `canonical.aggregate`."""
    parquet = args.format == "parquet" or (args.format is None and all(p.rstrip("/").endswith(".parquet") for p in args.input))
    try:
        if parquet:
            lines, files, layout = _parquet_lines(spark, args.input)
        else:
            lines, files = canonical.read_lines(spark, args.input)
    except UsageError:
        raise
    except Exception as e:  # noqa: BLE001 - Spark's AnalysisException: a path that does not exist
        raise UsageError(str(e).split("\n")[0]) from None
    if not files:
        raise UsageError("no input file found in " + ", ".join(args.input))
    if not parquet:
        layout = canonical.find_layout(spark, files[0])
    if "roas" in [k.key for k, _ in args.rankings] and not layout.has_revenue:
        raise UsageError(
            "--rank roas: the input has no revenue column, so ROAS is absent (not zero); "
            "the canonical schema names it revenue"
        )
    groups, judged, cached = canonical.aggregate(lines, layout)
    return layout, groups, lines, judged, files, cached


def _parquet_lines(spark, paths):
    """Parquet rows as lines of CSV text (`to_csv` of every column as a
    string), so they are judged by the same rules; no line numbers."""
    df = spark.read.option("recursiveFileLookup", "true").parquet(*paths)
    files = sorted(set(df.inputFiles()))
    names = df.columns
    layout = canonical.Layout(names)
    as_text = [F.coalesce(F.col(f"`{n}`").cast("string"), F.lit("")).alias(n) for n in names]
    lines = df.select(
        # RFC 4180 quoting (doubled quotes), values as they are.
        F.to_csv(F.struct(*as_text), {"escape": '"', "ignoreLeadingWhiteSpace": "false", "ignoreTrailingWhiteSpace": "false"}).alias("line"),
        F.lit(False).alias("cr"),
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("mid"),
    )
    return lines, files, layout


def _total(r, field):
    return (r[f"{field}_hi"] << 32) + r[f"{field}_lo"]


def to_campaign(r):
    return Campaign(
        campaign_id=r["key"],
        impressions=_total(r, "impressions"),
        clicks=_total(r, "clicks"),
        spend=_total(r, "spend"),
        conversions=_total(r, "conversions"),
        revenue=_total(r, "revenue"),
        name=r["name"],
    )


def check_overflow(c):
    """The CLI's error for a total past 64 bits."""
    for field in ("impressions", "clicks", "spend", "conversions", "revenue"):
        if c.sum(field) > U64_MAX:
            bound = "18446744073709.551615" if field in ("spend", "revenue") else str(U64_MAX)
            raise UsageError(f'total {field} of campaign "{c.campaign_id}" exceeds {bound}')


def _eligible(c, kpi, minimums):
    return kpi.value(c) is not None and all(c.sum(name) >= bound for name, bound in minimums.items())


def rank_on_driver(campaigns, kpi, better, top, minimums):
    """(rows, eligible, removed) over campaigns held by the driver."""
    defined = [c for c in campaigns if kpi.value(c) is not None]
    eligible = [c for c in defined if _eligible(c, kpi, minimums)]
    eligible.sort(key=rank_key(kpi, better))
    return eligible[:top], len(eligible), len(defined) - len(eligible)


_RATIO = {
    "ctr": ("clicks", "impressions", 1.0),
    "cpc": ("spend", "clicks", 1e-6),
    "cpm": ("spend", "impressions", 1e-3),
    "cvr": ("conversions", "clicks", 1.0),
    "cpa": ("spend", "conversions", 1e-6),
    "roas": ("revenue", "spend", 1.0),
}


def _total_col(field):
    return F.col(f"{field}_hi").cast("decimal(38,0)") * F.lit(1 << 32) + F.col(f"{field}_lo")


def rank_on_cluster(campaigns, kpi, better, top, minimums):
    """(rows, eligible, removed): candidates picked on the cluster by a
    double ratio (every campaign within a relative 1e-9 of the top-th),
    then ranked exactly on the driver."""
    num, den, scale = _RATIO[kpi.key]
    defined = campaigns.filter(_total_col(den) > 0)
    eligible = defined
    for name, bound in minimums.items():
        eligible = eligible.filter(_total_col(name) >= F.lit(bound).cast("decimal(38,0)"))
    eligible = eligible.withColumn("approx", _total_col(num).cast("double") / _total_col(den).cast("double") * scale)
    n_eligible = eligible.count()
    n_defined = defined.count() if minimums else n_eligible
    desc = better == "desc"
    nth = eligible.orderBy(F.col("approx").desc() if desc else F.col("approx").asc()).select("approx").limit(top).collect()
    if not nth:
        return [], n_eligible, n_defined - n_eligible
    cut = nth[-1][0]
    if len(nth) < top:
        candidates = eligible
    elif desc:
        candidates = eligible.filter(F.col("approx") >= cut * (1 - _BAND))
    else:
        candidates = eligible.filter(F.col("approx") <= cut * (1 + _BAND))
    rows = [to_campaign(r) for r in candidates.collect()]
    rows.sort(key=rank_key(kpi, better))
    return rows[:top], n_eligible, n_defined - n_eligible


def _phase(name, started):
    """With ADAGG_TIMING=1, the seconds since the start of each phase, on stderr."""
    if os.environ.get("ADAGG_TIMING"):
        print(f"timing: {name} at {time.time() - started:.2f} s", file=sys.stderr)


def main(argv):
    args = parse_args(argv)
    started = time.time()
    spark = get_session("adagg performance")
    layout, groups, lines, judged, files, cached = aggregate(spark, args)
    groups = groups.persist()
    other = groups.filter(F.col("kind") != canonical.ACCEPTED).drop("name").collect()
    _phase("aggregated", started)
    by_kind = {}
    for r in other:
        by_kind.setdefault(r["kind"], []).append(r)
    if canonical.REORDERED_HEADER in by_kind:
        raise UsageError(
            "a line repeats the header with its columns in another order (files with different column orders?): "
            "reading on by the first header's order would sum one column as another"
        )
    unterminated = [r for r in by_kind.get(canonical.REJECTED, []) if r["key"] == UNTERMINATED_CLASS]
    if unterminated:
        # A quoted field may span lines: read those records whole, and
        # aggregate again (only inputs with such a line pay for it).
        blocks = canonical.line_numbers(spark, lines)
        groups.unpersist()
        cached.unpersist()
        groups, judged, cached = canonical.aggregate(canonical.stitch_records(spark, lines, blocks), layout)
        groups = groups.persist()
        other = groups.filter(F.col("kind") != canonical.ACCEPTED).drop("name").collect()
        by_kind = {}
        for r in other:
            by_kind.setdefault(r["kind"], []).append(r)
        _phase("records across lines read whole", started)
    else:
        blocks = None
    campaigns_df = groups.filter(F.col("kind") == canonical.ACCEPTED)
    n_campaigns = campaigns_df.count()
    on_driver = n_campaigns <= args.collect_limit
    if on_driver:
        campaigns = sorted((to_campaign(r) for r in campaigns_df.collect()), key=lambda c: c.campaign_id.encode("utf-8"))
        for c in campaigns:
            check_overflow(c)
        rank = lambda kpi, better: rank_on_driver(campaigns, kpi, better, args.top, args.minimums)  # noqa: E731
    else:
        limit = F.lit(str(U64_MAX)).cast("decimal(38,0)")
        over = campaigns_df.filter(F.greatest(*[_total_col(f) for f, _ in canonical.SUMS]) > limit).orderBy("key").limit(1).collect()
        if over:
            check_overflow(to_campaign(over[0]))
        rank = lambda kpi, better: rank_on_cluster(campaigns_df, kpi, better, args.top, args.minimums)  # noqa: E731
    _phase("checked", started)
    out = OutputDir(spark, args.output)
    written, summaries = [], []
    if args.rankings:
        for kpi, better in args.rankings:
            top_rows, eligible, removed = rank(kpi, better)
            name = f"top{args.top}_{kpi.key}.csv"
            out.write(name, kpi_csv(top_rows, layout.has_revenue, layout.has_names))
            written.append(name)
            guard = f", guardrails: removed {removed} campaigns" if args.minimums else ""
            summaries.append(f"ranking {kpi.key} {better}: top {args.top} of {eligible} eligible{guard}")
    else:
        for kpi_key in ("ctr", "cpa"):
            kpi = KPI_BY_KEY[kpi_key]
            top_rows, _, _ = rank(kpi, kpi.better)
            name = f"top10_{kpi_key}.csv"  # FV-SEC001's names, whatever --top (as the CLI)
            out.write(name, fv_sec001_csv(top_rows))
            written.append(name)
    _phase("ranked", started)
    if args.all:
        if on_driver:
            ordered = campaigns
        else:
            ordered = (to_campaign(r) for r in in_order(campaigns_df.orderBy("key"), n_campaigns))
        header = [kpi_header(layout.has_names) + "\n"]
        out.write_lines("all_campaigns.csv", _chain(header, (kpi_row(c, layout.has_revenue, layout.has_names) for c in ordered)))
        written.append("all_campaigns.csv")
    _phase("all campaigns", started)
    rejected = sum(r["rows"] for r in by_kind.get(canonical.REJECTED, []))
    write_rejected(spark, out, lines, judged, rejected, len(files) > 1, blocks)
    written.append("rejected_rows.csv")
    _phase("rejected rows", started)
    accepted = sum(r["rows"] for r in campaigns_df.select("rows").collect()) if not on_driver else None
    if accepted is None:
        accepted = campaigns_df.agg(F.sum("rows")).collect()[0][0] or 0
    not_data = sum(r["rows"] for r in by_kind.get(canonical.NOT_DATA, []))
    headers = sum(r["rows"] for r in by_kind.get(canonical.HEADER, []))
    groups.unpersist()
    cached.unpersist()
    print_summary(files, accepted, rejected, not_data, headers, by_kind, n_campaigns, summaries, written, args.output, time.time() - started)
    return 0


def in_order(sorted_df, count, per_job=1_000_000):
    """The rows of a sorted DataFrame on the driver, in order, about
    `per_job` rows at a time (`toLocalIterator` runs one job per partition:
    the sorted partitions are first merged into that many, in order)."""
    if count <= per_job:
        return iter(sorted_df.collect())
    return sorted_df.coalesce(max(1, count // per_job)).toLocalIterator(prefetchPartitions=True)


def _chain(*iters):
    for it in iters:
        yield from it


def write_rejected(spark, out, lines, judged, rejected, several, blocks=None):
    """`rejected_rows.csv` as the CLI writes it (`file,line,reason,raw_line`
    with several files; `line,reason,raw_line` with one): in file order,
    lines numbered by one more pass, only when a row was rejected."""
    from .cells import csv_text_col

    header = ("file," if several else "") + "line,reason,raw_line\n"
    if rejected == 0:
        out.write("rejected_rows.csv", header)
        return
    if blocks is None:
        blocks = canonical.line_numbers(spark, lines)
    bad = judged.filter(F.col("kind") == canonical.REJECTED).select("file", "block", "mid", "message", "line")
    bad = canonical.with_line(bad, blocks)
    raw = F.decode(F.substring(F.encode("line", "UTF-8"), 1, canonical.RAW_LIMIT), "UTF-8")
    cells = [F.col("line_no").cast("string"), csv_text_col(F.col("message")), csv_text_col(raw)]
    if several:
        cells.insert(0, csv_text_col(_display_path(F.col("file"))))
    text = F.concat(F.concat_ws(",", *cells), F.lit("\n"))
    ordered = in_order(bad.orderBy("file", "line_no").select(text.alias("t")), rejected)
    out.write_lines("rejected_rows.csv", _chain([header], (r["t"] for r in ordered)))


def _display_path(c):
    """A local file's path without the `file:` scheme; other URIs as they are."""
    return F.regexp_replace(c, "^file:(//)?", "")


def print_summary(files, accepted, rejected, not_data, headers, by_kind, campaigns, rankings, written, output, seconds):
    p = print
    p(f"input:           {len(files)} file{'s' if len(files) != 1 else ''}")
    p(f"rows read:       {accepted + rejected + not_data}")
    p(f"rows aggregated: {accepted}")
    p(f"rows skipped:    {rejected + not_data}")
    reasons = sorted(by_kind.get(canonical.REJECTED, []) + by_kind.get(canonical.NOT_DATA, []), key=lambda r: (-r["rows"], r["key"]))
    for r in reasons:
        p(f"{r['rows']:>14}  {r['key']}")
    if headers:
        p(f"header lines:    {headers} (one per file; more are repeated headers, skipped)")
    p(f"campaigns:       {campaigns}")
    for line in rankings:
        p(line)
    p(f"elapsed:         {seconds:.3f} s")
    p("wrote " + ", ".join(f"{output.rstrip('/')}/{w}" for w in written))
    sys.stdout.flush()
