"""Reading the canonical schema (FV-SEC001's
`campaign_id,date,impressions,clicks,spend,conversions`, optionally
`revenue`, or the normalized export's
`date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,revenue`)
into typed rows, each accepted or with the CLI's reason (`src/row/record.rs`).

Two paths, as in the CLI: a plain line (`plain_regex`: what the CLI's fast
path takes) is split and cast in Spark SQL; any other line (quotes, currency
signs, spaces, exponents, malformed rows, headers, totals) goes through
`judge.Judge`, the CLI's rules in Python (`aggregate`: one scan).

Lines are read with Spark's text source, split at LF (a CR before it is
dropped, and remembered as the line's ending), so a record is first one
physical line; when one was rejected as a quote not closed on its line,
`stitch_records` reads such records whole and the input is aggregated
again.
Every line keeps where it came from (`_metadata.file_path`,
`file_block_start` and `monotonically_increasing_id()`, whose lower 33 bits
are the row's index in its partition): `line_numbers` turns that into the
physical line number, with one more pass, only when rows are rejected."""
import csv
import io

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .cli import UsageError
from .judge import ACCEPTED, HEADER, NOT_DATA, REJECTED, REORDERED_HEADER, Judge  # noqa: F401 (kinds, re-exported)

REQUIRED = ["campaign_id", "impressions", "clicks", "spend", "conversions"]
OPTIONAL = ["revenue", "date", "campaign_name"]
# Summed fields, in the CLI's order of checks (`Sum::ALL`).
SUMS = [("impressions", "count"), ("clicks", "count"), ("spend", "money"), ("conversions", "count"), ("revenue", "money")]

RAW_LIMIT = 1024
_MASK33 = (1 << 33) - 1


class Layout:
    """The header of the canonical schema: where each field is."""

    def __init__(self, names):
        self.names = names
        lower = [n.strip(" \t").lower() for n in names]
        self.lower = lower
        missing = [f for f in REQUIRED if f not in lower]
        if missing:
            raise UsageError(
                "the header names no column for " + ", ".join(missing) + f" (header: {','.join(names)}); "
                "the Spark job reads the canonical schema: campaign_id,date,impressions,clicks,spend,conversions"
                "[,revenue], or adagg's normalized.csv"
            )
        self.field_count = len(names)
        self.column = {f: lower.index(f) for f in REQUIRED + OPTIONAL if f in lower}
        self.has_revenue = "revenue" in self.column
        self.has_names = "campaign_name" in self.column

    @classmethod
    def from_line(cls, line):
        line = line.lstrip("\ufeff").rstrip("\r")
        return cls(next(csv.reader(io.StringIO(line))))


def read_lines(spark, paths):
    """The input as (line, file, block, mid) rows, and its files in order."""
    df = spark.read.option("recursiveFileLookup", "true").option("lineSep", "\n").text(paths)
    files = sorted(set(df.inputFiles()))
    return df.select(
        F.regexp_replace("value", "\r$", "").alias("line"),
        F.col("value").endswith("\r").alias("cr"),
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("mid"),
    ), files


def find_layout(spark, path):
    """The layout of the first line among the first 64 of `path` that names
    every required field (blank lines before it are skipped, as by the CLI)."""
    rows = spark.read.option("lineSep", "\n").text(path).limit(64).collect()
    if not rows:
        raise UsageError(f"{path}: the file is empty (no header row)")
    first = None
    for (line,) in rows:
        line = line.lstrip("\ufeff").rstrip("\r")
        if not line.strip():
            continue
        try:
            return Layout.from_line(line)
        except UsageError as e:
            first = first or e
    raise first or UsageError(f"{path}: no header row: only blank lines")


def plain_regex(layout: Layout) -> str:
    """A line the fast path takes: every field plain (no quotes, no spaces
    at the edges of the id and name, counts of up to 18 digits, amounts of
    up to 12 digits and 6 decimals) and an id that does not start like a
    total label: the CLI accepts such a line as it stands."""
    edge = '[^", \\t]'
    parts = []
    kinds = dict(SUMS)
    for i, name in enumerate(layout.lower):
        if i == layout.column["campaign_id"]:
            parts.append(f'(?![Tt][Oo][Tt][Aa][Ll])(?!--,){edge}(?:[^",]*{edge})?')
        elif i == layout.column.get("campaign_name"):
            parts.append(f'(?:{edge}(?:[^",]*{edge})?)?')
        elif kinds.get(name) == "count" and layout.column.get(name) == i:
            parts.append("[0-9]{1,18}")
        elif kinds.get(name) == "money" and layout.column.get(name) == i:
            parts.append("[0-9]{1,12}(?:\\.[0-9]{0,6})?")
        else:
            parts.append('[^",]*')
    return "^" + ",".join(parts) + "$"


_JUDGED = (
    "kind int, campaign string, name string, "
    + ", ".join(f"{f}_{p} long" for f, _ in SUMS for p in ("hi", "lo"))
    + ", reason string, message string"
)


def _judge_udf(layout: Layout):
    present = [(f, k) for f, k in SUMS if f in layout.column]
    judge = Judge(layout.lower, layout.column, present)
    none = (None,) * (2 * len(SUMS))

    def run(line):
        kind, campaign, name, *values, reason, message = judge(line)
        if kind != ACCEPTED:
            return (kind, campaign, name, *none, reason, message)
        split = [part for v in values for part in (v >> 32, v & 0xFFFFFFFF)]
        return (kind, campaign, name, *split, reason, message)

    return F.udf(run, _JUDGED)


_SUM_COLS = [f"{f}_{p}" for f, _ in SUMS for p in ("hi", "lo")]
_TO_JUDGE = -1


def aggregate(lines: DataFrame, layout: Layout):
    """(groups, judged, cached) in one scan of the input (`cached`: the
    scan's result, persisted; unpersist it when done).

    A plain line (`plain_regex`) is split and cast in Spark SQL and summed
    at once into its campaign's group; any other line is kept whole, with
    where it came from, as a group of its own, and judged after the scan by
    the CLI's rules (`judge.Judge`, in Python: there are few such lines in
    an export, and the scan is not repeated for them).

    `groups`: one row per (kind, key): campaigns (kind ACCEPTED, key the
    id) with `rows`, each sum as `<sum>_hi` and `<sum>_lo` (a value, in
    units or micro-units, is hi x 2^32 + lo: two 64-bit integers that Spark
    sums fast, exactly, and with ANSI mode never past 2^63 silently) and the
    last non-empty `name` in file order; the other kinds with their reason
    class as key and their count. `judged`: every line that was not plain,
    as (file, block, mid, line, kind, campaign, name, sums, reason,
    message), for `rejected_rows.csv`."""
    base = lines.withColumn("line", F.regexp_replace("line", "^\ufeff", "")).filter(F.col("line") != "")
    # Its own column, so that the expression is run once a line (Spark does
    # not merge a costly expression into the projections that use it twice).
    base = base.withColumn("plain", F.col("line").rlike(plain_regex(layout)))
    base = base.withColumn("fields", F.when(F.col("plain"), F.split(F.col("line"), ",", -1)))
    plain = F.col("plain")
    fields = F.col("fields")

    def sum_cols(field, kind):
        """(hi, lo) of the value in units (counts) or micro-units (money)."""
        if field not in layout.column:
            return [F.lit(0).cast("long").alias(field + "_hi"), F.lit(0).cast("long").alias(field + "_lo")]
        text = fields[layout.column[field]]
        if kind == "count":
            v = text.cast("long")
        else:
            units = F.substring_index(text, ".", 1).cast("long")
            frac = F.when(text.contains("."), F.substring_index(text, ".", -1)).otherwise(F.lit(""))
            v = units * 1000000 + F.rpad(frac, 6, "0").cast("long")
        v = F.when(plain, v).otherwise(F.lit(0).cast("long"))
        return [F.shiftright(v, 32).alias(field + "_hi"), v.bitwiseAND(F.lit(0xFFFFFFFF)).alias(field + "_lo")]

    name_col = layout.column.get("campaign_name")
    name = F.when(plain, fields[name_col]) if name_col is not None else F.lit(None).cast("string")
    where = F.struct("file", "block", "mid")
    scanned = base.select(
        F.when(plain, F.lit(ACCEPTED)).otherwise(F.lit(_TO_JUDGE)).alias("kind"),
        F.when(plain, fields[layout.column["campaign_id"]]).otherwise(F.col("line")).alias("key"),
        F.when(~plain, where).alias("at"),
        *[c for f, k in SUMS for c in sum_cols(f, k)],
        name.alias("name"),
        F.when(name.isNotNull() & (name != ""), where).alias("named_at"),
    )
    first = scanned.groupBy("kind", "key", "at").agg(
        F.count(F.lit(1)).alias("rows"),
        *[F.sum(c).alias(c) for c in _SUM_COLS],
        F.max_by("name", "named_at").alias("name"),
        F.max("named_at").alias("named_at"),
    ).persist()  # read twice: for the groups and for rejected_rows.csv, one scan
    # Few lines in few tasks: each task that runs Python starts a worker.
    tasks = lines.sparkSession.sparkContext.defaultParallelism
    judged = (
        first.filter(F.col("kind") == _TO_JUDGE)
        .coalesce(tasks)
        .select(F.col("at.file").alias("file"), F.col("at.block").alias("block"), F.col("at.mid").alias("mid"), F.col("key").alias("line"))
        .withColumn("j", _judge_udf(layout)(F.col("line")))
        .select(
            "file",
            "block",
            "mid",
            "line",
            F.col("j.kind").alias("kind"),
            F.col("j.campaign").alias("campaign"),
            F.col("j.name").alias("name"),
            *[F.coalesce(F.col("j." + c), F.lit(0).cast("long")).alias(c) for c in _SUM_COLS],
            F.col("j.reason").alias("reason"),
            F.col("j.message").alias("message"),
        )
    )
    accepted = F.col("kind") == ACCEPTED
    from_judged = judged.select(
        "kind",
        F.when(accepted, F.col("campaign")).otherwise(F.col("reason")).alias("key"),
        F.lit(1).cast("long").alias("rows"),
        *_SUM_COLS,
        F.col("name"),
        F.when(accepted & F.col("name").isNotNull() & (F.col("name") != ""), F.struct("file", "block", "mid")).alias("named_at"),
    )
    plain_groups = first.filter(F.col("kind") == ACCEPTED).select("kind", "key", "rows", *_SUM_COLS, "name", "named_at")
    groups = (
        plain_groups.unionByName(from_judged)
        .groupBy("kind", "key")
        .agg(F.sum("rows").alias("rows"), *[F.sum(c).alias(c) for c in _SUM_COLS], F.max_by("name", "named_at").alias("name"))
    )
    return groups, judged, first


def line_numbers(spark, lines: DataFrame) -> DataFrame:
    """(file, block, part, first, before): for each block of each file, the
    partition holding it, the index of its first row there, and the lines
    of its file before it. One pass over the input (blank lines count)."""
    blocks = (
        lines.select("file", "block", F.col("mid").bitwiseAND(F.lit(_MASK33)).alias("i"), F.shiftright("mid", 33).alias("part"))
        .groupBy("file", "block", "part")
        .agg(F.count(F.lit(1)).alias("rows"), F.min("i").alias("first"))
        .collect()
    )
    before = {}
    out = []
    for b in sorted(blocks, key=lambda r: (r["file"], r["block"])):
        n = before.get(b["file"], 0)
        out.append((b["file"], b["block"], b["part"], b["first"], n))
        before[b["file"]] = n + b["rows"]
    return spark.createDataFrame(out, "file string, block long, part long, first long, before long")


def with_line(df: DataFrame, blocks: DataFrame) -> DataFrame:
    """`df` (rows with file, block, mid) with `line_no`: the 1-based physical line."""
    keyed = df.withColumn("part", F.shiftright("mid", 33)).withColumn("i", F.col("mid").bitwiseAND(F.lit(_MASK33)))
    joined = keyed.join(F.broadcast(blocks), ["file", "block", "part"], "left")
    return joined.withColumn("line_no", F.col("before") + F.col("i") - F.col("first") + 1)


def stitch_records(spark, lines: DataFrame, blocks: DataFrame) -> DataFrame:
    """`lines` with each record whose quoted field spans lines put back
    together, as csv-core reads it: a line with an odd number of quotes
    opens a record that goes on, joined by LF, to the next line with an odd
    number (in its file); a last one without a partner stays a line of its
    own (rejected as an unterminated quote, as the CLI does at the end of a
    file). The record keeps its first line's place, so its line number is
    where it starts. Such lines are few: they are collected, the records
    built on the driver, and put in place of their lines. Run only when a
    line was rejected as an unterminated quote (its cost: two passes).
    Not applied: the CLI's 1 MiB cap on a record; and csv-core reads a quote
    inside an unquoted field as text, where this counts it."""
    numbered = with_line(lines, blocks).select("file", "block", "mid", "line", "cr", "line_no")
    quotes = F.length("line") - F.length(F.replace(F.col("line"), F.lit('"'), F.lit("")))
    odd = sorted((r["file"], r["line_no"]) for r in numbered.filter(quotes % 2 == 1).select("file", "line_no").collect())
    by_file = {}
    for file, line_no in odd:
        by_file.setdefault(file, []).append(line_no)
    spans = [(f, ls[k], ls[k + 1]) for f, ls in by_file.items() for k in range(0, len(ls) - 1, 2)]
    if not spans:
        return lines
    members = spark.createDataFrame([(f, n, s) for f, s, e in spans for n in range(s, e + 1)], "file string, line_no long, start long")
    inside = numbered.join(F.broadcast(members), ["file", "line_no"]).collect()
    records = {}
    for r in sorted(inside, key=lambda r: (r["file"], r["start"], r["line_no"])):
        records.setdefault((r["file"], r["start"]), []).append(r)

    def joined(rs):  # each line's own ending (CRLF or LF) kept inside the record, as csv-core keeps it
        return "".join(x["line"] + ("\r\n" if x["cr"] else "\n") for x in rs[:-1]) + rs[-1]["line"]

    stitched = spark.createDataFrame(
        [(joined(rs), rs[-1]["cr"], f, rs[0]["block"], rs[0]["mid"]) for (f, _), rs in records.items()],
        "line string, cr boolean, file string, block long, mid long",
    )
    rest = numbered.join(F.broadcast(members.select("file", "line_no")), ["file", "line_no"], "left_anti")
    return rest.select("line", "cr", "file", "block", "mid").unionByName(stitched)
