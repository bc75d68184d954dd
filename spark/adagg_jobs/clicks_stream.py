"""The click-event streaming job: `adagg clicks`' windows, kept up to date
while click files arrive.

    spark-submit spark/adagg_spark.py clicks-stream --source DIR --checkpoint DIR --output DIR
        [--format auto|csv|ndjson] [--lateness 10m] [--trigger-seconds 10] [--available-now]
        [--max-files-per-trigger N] [--blocklist FILE] [--velocity-max 5]
        [--no-rule RULE]... [--lg-k 12]
        [--kafka-bootstrap HOST:PORT --kafka-topic TOPIC]   (instead of --source)

What it writes into --output (rebuilt after every micro-batch, each file
replaced whole by a rename):
  clicks_1m.csv, clicks_5m.csv, clicks_1h.csv   the CLI's columns and bytes
      (ad_id,window_start,clicks,unique_users,duplicates,flagged,cost), every
      window that has an accepted click so far
  late_clicks.csv     file,line,click_id,ad_id,timestamp,watermark: the clicks
                      dropped as too late (see below)
  rejected_rows.csv   file,line,reason,raw_line (the CLI's reasons)
  stream_status.json  the last batch, the watermark, which windows are final,
                      counts (rows, rejected, late, duplicates) over the stream
  _batches/           each micro-batch's changed 1-minute cells (with their
                      users' HLL sketch), late and rejected rows, keyed by the
                      batch id, folded into a snapshot every 20 batches: what
                      the files above are rebuilt from
The state (click ids within the horizon, the rows of open minutes, the
watermark) is under --checkpoint/adagg_state/, one version per batch id,
beside Spark's own offset and commit logs.

The same answer as `adagg clicks` on the concatenation of the files in the
order they arrived (batch by batch; within a batch by modification time,
then path); byte for byte for the three window files when no click came
too late (tests/test_clicks_stream.py holds it to the CLI).

Semantics and guarantees
------------------------
* Event time, watermark. The watermark of a micro-batch is the latest event
  time of every earlier batch minus --lateness (default 10 minutes), never
  going back: Spark's definition (`withWatermark`). A click whose time is
  before the watermark of the batch that reads it is *too late*: it is
  dropped from the windows and the user sees it in late_clicks.csv (file,
  line, click id, ad, its time and the watermark it missed) and in
  stream_status.json's `late` count. A click older than the newest one seen
  but within the lateness is counted as if it had come in order
  (out-of-order events change nothing).
* What a too-late click changes, against the CLI on all the clicks: only
  its own ad's 1m/5m/1h rows: `clicks`, `cost` and `unique_users` if it
  would have been billable, `flagged` if flagged, `duplicates` if it was a
  retry (a row disappears when the click was its only one); and, if it
  would have pushed its velocity bucket (ad, IP or user, minute) past
  --velocity-max, the other clicks of that bucket stay billable (`clicks`,
  `flagged`, `cost`, `unique_users` of that minute and its 5m/1h rows).
  Nothing else: the three files equal the CLI's on the clicks without the
  too-late ones, except that a too-late first row of a click_id still makes
  its later retries duplicates (as in the CLI).
* Final windows. A 1-minute window (and its velocity buckets) is final once
  the watermark has passed its end: no click still accepted can fall into
  it; a 5-minute or 1-hour window when its last minute is. The files also
  hold the windows still open, with what has arrived so far
  (stream_status.json's `final_before`: windows ending at or before it are
  final): after the last file the files are the CLI's answer on all the
  accepted clicks, also in an `--available-now` run, where Spark's
  append-mode windows would still be waiting for a later event.
* Duplicates. A row whose click_id was seen before (in arrival order) is a
  duplicate, counted in *its own* ad and window (`duplicates`), nothing
  else: the CLI's rule. Spark's `dropDuplicatesWithinWatermark` drops the
  duplicate rows (nothing left to count in their ad and window) and, within
  one micro-batch, keeps an arbitrary one of the rows rather than the first
  in file order, so this job keeps its equivalent that flags instead of
  dropping: the ids seen, each until the watermark passes its first time
  (or the watermark when it came, if later) plus the lateness. A retry whose
  event time is within --lateness of the first is always recognised; one
  later than that may count as a new click (the CLI remembers every id).
* Fraud rules: the CLI's, the rows parsed and judged by the batch job's
  expressions (click_rows.py): the static rules per row; ip_velocity and
  user_velocity over the (ad, IP or user, minute) buckets of non-duplicate
  clicks, recounted whole while the minute is open. The cost column is
  written once some row had a cost field.
* Unique users: Spark's DataSketches HLL (`hll_sketch_agg` per 1-minute
  cell, HLL_8, --lg-k), each window the union of its minutes' sketches
  (`hll_union_agg`, never a sum), estimated by `hll_sketch_estimate` with
  the sketch marked out of order as the CLI marks its own (the estimate
  from the registers, equal to the CLI's also in HLL mode).
* Exactly once. Spark's checkpoint (offset and commit logs) fixes which
  files make each micro-batch; a batch that failed or was cut off is run
  again with the same id and the same files after a restart. Everything the
  job writes is keyed by that id and overwritten when it runs again: state
  version N is computed from version N-1 only (kept until batch N+1, as a
  replay of N reads it), the batch's parts replace the same batch's parts, and the
  files are rebuilt from the parts (the latest version of each 1-minute
  cell). Kill the job at any moment (kill -9 included), start it again with
  the same --checkpoint and --output: nothing is counted twice, nothing is
  lost. Keep the options (lateness, rules, lg_k) across restarts; one
  --output per --checkpoint.
* Input. The files' layout (NDJSON, or CSV with its delimiter and header)
  is sniffed from the first file, as the CLI sniffs its log, and kept in
  the state; a CSV file with another header has its rows rejected. Each
  file is read whole (Spark's `wholetext`): exact line numbers and each CSV
  file's header dropped; a file must fit in one record (< 2 GB: roll logs
  into files of minutes, not days). A CSV record whose quoted field holds
  line breaks is read as the CLI reads it (within its file; the CLI's
  1 MiB cap on such a record is not applied). Files must appear whole (write elsewhere, then
  rename into --source), as for any Spark file source.

Why not Spark's own stateful operators: besides the duplicates above, they
drop too-late rows silently (a metric, not the rows), their append-mode
windows are only emitted once the watermark passes (never at the end of an
`--available-now` run), and custom state in PySpark
(`applyInPandasWithState`, `transformWithState`) needs pandas and pyarrow
on every executor. Here the micro-batch function (`foreachBatch`) carries
the state as Parquet tables versioned by batch id: no Python on the
executors (pure SQL expressions), any Hadoop file system.

ADAGG_STREAM_TIMING=1 prints each micro-batch's steps and their times on
stderr.

Kafka (a configuration change, not tested here: no broker on these
machines): --kafka-bootstrap HOST:PORT --kafka-topic TOPIC instead of
--source reads one click a record (NDJSON; or CSV lines with --csv-header
naming the columns), the record's topic-partition standing for the file and
its offset for the line; the order within a micro-batch is (Kafka
timestamp, partition, offset). Add the connector matching your Spark to
spark-submit: `--packages org.apache.spark:spark-sql-kafka-0-10_2.13:4.1.4`
(Scala 2.13, the Spark version).
"""
import argparse
import json
import os
import re
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

from pyspark.sql import Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from adagg_jobs import click_rows
from adagg_jobs.hll import out_of_order
from adagg_jobs.cli import UsageError

WINDOWS = ((60, "clicks_1m.csv"), (300, "clicks_5m.csv"), (3600, "clicks_1h.csv"))
WINDOW_HEADER = "ad_id,window_start,clicks,unique_users,duplicates,flagged,cost\n"
RULES = ("ip_blocklist", "bot_user_agent", "ip_velocity", "user_velocity")
MINUTE_MS = 60_000
NO_WATERMARK = -(2**62)

# ---------------------------------------------------------------- options


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _duration_ms(text):
    """`10m`, `10 minutes`, `90s`, `1h`, `500ms`, `600` (seconds)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", text.lower())
    units = {"": 1000, "s": 1000, "sec": 1000, "second": 1000, "seconds": 1000,
             "ms": 1, "m": 60_000, "min": 60_000, "minute": 60_000, "minutes": 60_000,
             "h": 3_600_000, "hour": 3_600_000, "hours": 3_600_000}
    if not m or m.group(2) not in units:
        raise UsageError(f"--lateness {text!r}: a duration like 10m, 90s or 1h")
    return int(Decimal(m.group(1)) * units[m.group(2)])


def parse_args(argv):
    p = _Parser(prog="adagg_spark.py clicks-stream",
                description="adagg clicks' windows over click files as they arrive (Structured Streaming).")
    p.add_argument("--source", metavar="DIR", help="directory where click files (CSV or NDJSON) arrive")
    p.add_argument("--format", default="auto", choices=["auto", "csv", "ndjson"],
                   help="the files' format (auto: NDJSON when the first non-blank byte is {)")
    p.add_argument("--checkpoint", metavar="DIR", required=True, help="Spark's checkpoint and this job's state")
    p.add_argument("--output", metavar="DIR", required=True, help="where the CSV files are written")
    p.add_argument("--lateness", metavar="DURATION", default="10m", help="allowed lateness of event time (default 10m)")
    p.add_argument("--trigger-seconds", metavar="S", type=float, default=10.0,
                   help="start a micro-batch every this many seconds (default 10)")
    p.add_argument("--available-now", action="store_true",
                   help="process the files there now and stop (scheduled runs, tests)")
    p.add_argument("--max-files-per-trigger", metavar="N", type=int, help="at most N new files a micro-batch")
    p.add_argument("--blocklist", metavar="FILE", help="IPs and CIDR ranges, one a line: turns ip_blocklist on")
    p.add_argument("--velocity-max", metavar="N", type=int, default=5,
                   help="velocity rules flag a bucket with more than N clicks (default 5)")
    p.add_argument("--no-rule", metavar="RULE", action="append", default=[], choices=list(RULES),
                   help="switch a rule off (repeatable): " + ", ".join(RULES))
    p.add_argument("--lg-k", metavar="K", type=int, default=12, help="HLL lg_k, 4 to 21 (default 12)")
    p.add_argument("--kafka-bootstrap", metavar="HOST:PORT", help="Kafka bootstrap servers, instead of --source")
    p.add_argument("--kafka-topic", metavar="TOPIC", help="Kafka topic (with --kafka-bootstrap)")
    p.add_argument("--csv-header", metavar="COLUMNS", help="Kafka only: the CSV columns of the records, comma-separated")
    a = p.parse_args(argv)
    if bool(a.source) == bool(a.kafka_bootstrap):
        raise UsageError("give --source DIR (or --kafka-bootstrap with --kafka-topic)")
    if a.kafka_bootstrap and not a.kafka_topic:
        raise UsageError("--kafka-bootstrap needs --kafka-topic")
    if not 4 <= a.lg_k <= 21:
        raise UsageError(f"--lg-k {a.lg_k}: lg_k must be between 4 and 21")
    if a.velocity_max < 0:
        raise UsageError("--velocity-max must be 0 or more")
    if a.trigger_seconds <= 0:
        raise UsageError("--trigger-seconds must be positive")
    if a.max_files_per_trigger is not None and a.max_files_per_trigger < 1:
        raise UsageError("--max-files-per-trigger must be 1 or more")
    a.lateness_ms = _duration_ms(a.lateness)
    return a


# ---------------------------------------------------------------- parsing
# The row rules are the batch job's (click_rows: pure Spark expressions).


def plan_to_json(plan):
    return {"fmt": plan.fmt, "delimiter": plan.delimiter, "columns": plan.columns, "width": plan.width,
            "header_lines": plan.header_lines, "header_text": plan.header_text}


def plan_from_json(d):
    return click_rows.ClickPlan(d["fmt"], d["delimiter"], dict(d["columns"]), d["width"],
                                d["header_lines"], d["header_text"])


def parse_lines(lines, plan, rules):
    """lines: (file, fno, line, first, value) -> the click columns of
    click_rows.parse_clicks plus the static rules; header lines (CSV: the
    lines up to the plan's header) and blank lines dropped; a CSV file
    whose header is not the stream's has its rows rejected."""
    df = click_rows.parse_clicks(lines, plan, value="value", first_line=F.col("first"))
    if plan.fmt == "csv":
        own = F.col("file_header")
        df = df.filter(F.col("line") > plan.header_lines)
        other = own != F.lit(plan.header_text)
        df = (df.withColumn("reject_reason", F.when(other, F.concat(
                  F.lit("the file's header is not the stream's: "), click_rows.debug_quote(own)))
                  .otherwise(F.col("reject_reason")))
                .withColumn("reject_kind", F.when(other, F.lit("malformed")).otherwise(F.col("reject_kind"))))
    df = df.filter(~F.col("skip"))
    return click_rows.static_rules(df, rules["blocklist"], rules["off"], rules["bot_regex"])


# ---------------------------------------------------------------- formats


def iso_second(secs):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(secs))


# A text cell as adagg writes one (the batch job's rule).
csv_text = click_rows.csv_text_py


def money(d):
    return str(Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- storage


class Store:
    """The job's paths, and small files on any Hadoop file system (local,
    hdfs://, s3a://, abfss://) through the JVM."""

    def __init__(self, spark, checkpoint, output):
        self.spark = spark
        self.checkpoint = _qualified(checkpoint)
        self.output = _qualified(output)
        self.state_root = self.checkpoint + "/adagg_state"
        self.parts_root = self.output + "/_batches"
        jvm = spark._jvm
        self._Path = jvm.org.apache.hadoop.fs.Path
        self._conf = spark._jsc.hadoopConfiguration()
        self._io = jvm.org.apache.commons.io.IOUtils

    def _fs(self, path):
        p = self._Path(path)
        return p, p.getFileSystem(self._conf)

    def exists(self, path):
        p, fs = self._fs(path)
        return fs.exists(p)

    def put_text(self, path, text):
        """Writes a whole file, replacing it by a rename."""
        p, fs = self._fs(path)
        tmp = self._Path(path + ".tmp")
        out = fs.create(tmp, True)
        out.write(bytearray(text.encode("utf-8")))
        out.close()
        fs.delete(p, False)
        if not fs.rename(tmp, p):
            raise RuntimeError(f"could not rename {tmp} to {path}")

    def get_text(self, path):
        p, fs = self._fs(path)
        stream = fs.open(p)
        try:
            return bytes(self._io.toByteArray(stream)).decode("utf-8")
        finally:
            stream.close()

    def delete(self, path):
        p, fs = self._fs(path)
        fs.delete(p, True)

    def numbered(self, root, prefix):
        """The N of the subdirectories `prefix=N` of root."""
        p, fs = self._fs(root)
        if not fs.exists(p):
            return []
        out = []
        for st in fs.listStatus(p):
            name = st.getPath().getName()
            if name.startswith(prefix + "=") and name[len(prefix) + 1:].isdigit():
                out.append(int(name[len(prefix) + 1:]))
        return sorted(out)

    def state(self, version):
        return f"{self.state_root}/v={version}"

    def part(self, kind, batch):
        return f"{self.parts_root}/{kind}/batch={batch}"

    def last_state_before(self, batch):
        """The newest complete state version below `batch` (None: none)."""
        done = [v for v in self.numbered(self.state_root, "v")
                if v < batch and self.exists(self.state(v) + "/meta.json")]
        return done[-1] if done else None


def _qualified(path):
    return path.rstrip("/") if "://" in path or path.startswith("file:") else os.path.abspath(path)


# ---------------------------------------------------------------- the stream


def source_frame(spark, o):
    """The streaming DataFrame: one row a file (path, mtime, value) from the
    directory, or one a record from Kafka (path = topic-partition, plus
    offset)."""
    if o.kafka_bootstrap:
        raw = (spark.readStream.format("kafka")
               .option("kafka.bootstrap.servers", o.kafka_bootstrap)
               .option("subscribe", o.kafka_topic)
               .option("startingOffsets", "earliest")
               .load())
        return raw.select(
            F.concat_ws("-", "topic", F.col("partition").cast("string")).alias("path"),
            F.col("timestamp").alias("mtime"),
            F.col("offset"),
            F.col("value").cast("string").alias("value"))
    reader = spark.readStream.format("text").option("wholetext", True)
    if o.max_files_per_trigger:
        reader = reader.option("maxFilesPerTrigger", o.max_files_per_trigger)
    return reader.load(o.source).select(
        F.col("_metadata.file_path").alias("path"),
        F.col("_metadata.file_modification_time").alias("mtime"),
        F.col("value"))


def batch_lines(bdf, o, plan):
    """A micro-batch's rows -> (file, fno, line, first, file_header, value):
    one row a physical line (split at LF only, as the CLI); fno orders the
    files (modification time, then path), line is the line's number in
    its file."""
    if o.kafka_bootstrap:
        order = Window.orderBy("mtime", "path", "offset")
        return bdf.select(
            F.col("path").alias("file"),
            F.row_number().over(order).alias("fno"),
            (F.col("offset") + 1 + plan.header_lines).alias("line"),
            F.lit(False).alias("first"),
            F.lit(plan.header_text).alias("file_header"),
            F.regexp_replace("value", "\r?\n$", "").alias("value"))
    files = bdf.select("path", "mtime", F.regexp_replace("value", "^\ufeff", "").alias("value"))
    # The files' order on their names and times only (one small partition),
    # not on their contents.
    order = bdf.select("path", "mtime").withColumn("fno", F.row_number().over(Window.orderBy("mtime", "path")))
    files = files.join(F.broadcast(order.select("path", "fno")), "path")
    header = F.lit(None).cast("string")
    if plan.fmt == "csv":
        header = F.regexp_replace(F.element_at(F.split("value", "\n"), plan.header_lines), "\r$", "")
    # (the text after the last LF is a line only when not empty)
    text = F.regexp_replace("value", "\n$", "")
    lines = files.select(
        F.col("path").alias("file"), "fno", header.alias("file_header"),
        F.posexplode(F.split(text, "\n")).alias("pos", "value"))
    lines = lines.select("file", "fno", (F.col("pos") + 1).alias("line"), (F.col("pos") == 0).alias("first"),
                         "file_header", "value")
    if plan.fmt == "csv":
        lines = stitch_records(lines)
    return lines


def _odd_quotes(value):
    return ((F.length(value) - F.length(F.replace(value, F.lit('"'), F.lit("")))) % 2) == 1


def stitch_records(lines):
    """CSV records whose quoted field spans lines, as the CLI reads them
    (src/clicks/source.rs): a line with an odd number of quotes opens a
    record that goes on, joined by LF, up to the line that makes the count
    even again (or the end of the file); the record keeps its first line's
    number. Only when some line of the batch has an odd number of quotes
    (one cheap pass): then a window over each file's lines."""
    if not lines.filter(_odd_quotes(F.col("value"))).limit(1).collect():
        return lines
    by_line = Window.partitionBy("fno").orderBy("line")
    before = F.coalesce(F.sum(_odd_quotes(F.col("value")).cast("int")).over(
        by_line.rowsBetween(Window.unboundedPreceding, -1)), F.lit(0))
    lines = lines.withColumn("starts", before % 2 == 0)
    lines = lines.withColumn("rec", F.max(F.when(F.col("starts"), F.col("line"))).over(
        by_line.rowsBetween(Window.unboundedPreceding, 0)))
    members = F.array_sort(F.collect_list(F.struct("line", F.regexp_replace("value", "\r$", "").alias("v"))))
    return lines.groupBy("file", "fno", "file_header", "rec").agg(
        F.max("first").alias("first"),
        F.array_join(F.transform(members, lambda m: m["v"]), "\n").alias("value")).select(
        "file", "fno", F.col("rec").alias("line"), "first", "file_header", "value")


IDS_SCHEMA = "click_id string, expires long"
OPEN_SCHEMA = ("ad string, minute long, ip string, user string, bot boolean, blocked boolean, "
               "dup boolean, cost decimal(38,6)")
CELLS_SCHEMA = ("ad string, minute long, clicks long, duplicates long, flagged long, "
                "cost decimal(38,6), sketch binary")
LATE_SCHEMA = "fno long, file string, line long, click_id string, ad string, ms long, watermark long"
REJECTED_SCHEMA = "fno long, file string, line long, reason string, raw string"
PARSED_SCHEMA = ("fno long, file string, line long, reason string, raw string, ad string, ms long, "
                 "click_id string, user string, ip string, bot boolean, blocked boolean, "
                 "cost decimal(38,6), has_cost boolean")


class StreamJob:
    """One query of the streaming job: the source, the per-batch function
    and the rebuild of the output files."""

    # Tests: called as hook(batch_id, "state") after a batch's parts and
    # state are written, before its outputs are; hook(batch_id, "outputs")
    # after its outputs, before Spark commits the batch (crashes).
    fault_hook = None

    def __init__(self, spark, o):
        self.spark = spark
        self.o = o
        self.store = Store(spark, o.checkpoint, o.output)
        self.on = {r: r not in o.no_rule for r in RULES}
        self.on["ip_blocklist"] = self.on["ip_blocklist"] and not o.blocklist.is_empty()
        self.rules = {"blocklist": o.blocklist, "off": list(o.no_rule), "bot_regex": click_rows.bot_pattern()}
        # A micro-batch's cached rows keep the partitions their shuffle gave
        # them (200 by default) unless adaptive execution may coalesce them:
        # else every later step runs (and every state table is written as)
        # 200 tiny tasks and files.
        spark.conf.set("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true")
        self.parallelism = max(1, spark.sparkContext.defaultParallelism)

    def _write(self, df, path):
        """A batch's table, in at most as many files as the cluster has cores."""
        df.coalesce(self.parallelism).write.mode("overwrite").parquet(path)

    # -- state

    def _read(self, path, schema):
        if self.store.exists(path):
            return self.spark.read.schema(schema).parquet(path)
        return self.spark.createDataFrame([], schema)

    def _meta(self, version):
        if version is None:
            return {"batch": -1, "max_ms": None, "watermark_ms": NO_WATERMARK, "has_cost": False,
                    "files": 0, "rows": 0, "rejected": 0, "late": 0, "duplicates": 0, "clicks": 0}
        return json.loads(self.store.get_text(self.store.state(version) + "/meta.json"))

    def plan(self, meta, bdf):
        """How the stream's files are read: from the state (fixed by the
        first file), else sniffed from this batch's first non-empty file
        (as the CLI sniffs its log); Kafka: from --format / --csv-header."""
        if meta.get("plan"):
            return plan_from_json(meta["plan"])
        o = self.o
        if o.kafka_bootstrap:
            if o.csv_header:
                return click_rows.plan_from_head(o.csv_header.encode("utf-8") + b"\n")
            return click_rows.ClickPlan("ndjson")
        for r in bdf.select("path", "mtime", (F.length("value") > 0).alias("full")) \
                .filter("full").orderBy("mtime", "path").limit(1).collect():
            try:
                plan = click_rows.sniff_plan(self.spark, r["path"])
            except ValueError as e:
                raise UsageError(f"{r['path']}: {e}")
            if o.format != "auto" and plan.fmt != o.format:
                raise UsageError(f"{r['path']}: --format {o.format}, but the file reads as {plan.format_name()}")
            return plan
        return None

    # -- one micro-batch

    user_error = None

    def _tick(self, batch_id, what):
        if os.environ.get("ADAGG_STREAM_TIMING"):
            now = time.time()
            print(f"clicks-stream: batch {batch_id}: {what} in {now - self._t:.1f} s", file=sys.stderr)
            self._t = now

    def process(self, bdf, batch_id):
        t0 = self._t = time.time()
        try:
            self._process(bdf, batch_id)
        except UsageError as e:  # told as such by main(), not as a stack trace
            self.user_error = e
            raise
        if os.environ.get("ADAGG_STREAM_TIMING"):
            print(f"clicks-stream: batch {batch_id} took {time.time() - t0:.1f} s", file=sys.stderr)

    def _process(self, bdf, batch_id):
        o, spark, store = self.o, self.spark, self.store
        prev = store.last_state_before(batch_id)
        meta = self._meta(prev)
        wm = meta["watermark_ms"]
        lateness = o.lateness_ms

        plan = self.plan(meta, bdf)
        if plan is None:  # only empty files so far
            parsed = self.spark.createDataFrame([], PARSED_SCHEMA)
        else:
            p = parse_lines(batch_lines(bdf, o, plan), plan, self.rules)
            parsed = p.select(
                "fno", "file", "line", F.col("reject_reason").alias("reason"), "raw",
                F.col("ad_id").alias("ad"), F.col("ts_ms").alias("ms"), "click_id",
                F.col("user_id").alias("user"), F.col("ip_key").alias("ip"),
                F.col("bot_user_agent").alias("bot"), F.col("ip_blocklist").alias("blocked"), "cost",
                (F.col("present").bitwiseAND(F.lit(click_rows.FIELD_BIT["cost"])) != 0).alias("has_cost"))
        parsed = parsed.persist()
        valid = parsed.filter(F.col("reason").isNull())

        ids_prev = self._read(store.state(prev) + "/ids", IDS_SCHEMA) if prev is not None \
            else spark.createDataFrame([], IDS_SCHEMA)
        first = Window.partitionBy("click_id").orderBy("fno", "line")
        v = (valid
             .withColumn("late", F.col("ms") < F.lit(wm))
             .withColumn("k", F.when(F.col("click_id") != "", F.row_number().over(first)))
             .join(ids_prev.select("click_id", F.lit(True).alias("known")), "click_id", "left")
             .withColumn("known", F.coalesce("known", F.lit(False)))
             .withColumn("dup", (F.col("click_id") != "") & (F.col("known") | (F.col("k") > 1)))
             .persist())

        s = v.agg(F.max("ms").alias("max_ms"),
                  F.count(F.lit(1)).alias("clicks"),
                  F.sum(F.col("late").cast("long")).alias("late"),
                  F.sum((F.col("dup") & ~F.col("late")).cast("long")).alias("duplicates")).first()
        p = parsed.agg(F.count(F.lit(1)).alias("rows"),
                       F.sum(F.col("reason").isNotNull().cast("long")).alias("rejected"),
                       F.countDistinct("fno").alias("files"),
                       F.max("has_cost").alias("has_cost")).first()
        self._tick(batch_id, "parsed and de-duplicated")
        max_ms = meta["max_ms"]
        if s["max_ms"] is not None:
            max_ms = s["max_ms"] if max_ms is None else max(max_ms, s["max_ms"])
        wm_next = wm if max_ms is None else max(wm, max_ms - lateness)

        # Click ids: the known ones and this batch's first rows, each kept
        # until the watermark passes max(its time, the watermark) + lateness.
        ids_new = v.filter((F.col("k") == 1) & ~F.col("known")).select(
            "click_id", (F.greatest(F.col("ms"), F.lit(wm)) + F.lit(lateness)).alias("expires"))
        ids_next = ids_prev.unionByName(ids_new).filter(F.col("expires") >= F.lit(wm_next))

        # The rows of open minutes: the state's and this batch's on-time rows;
        # the cells (ad, minute) this batch touches are judged again whole.
        rows = v.filter(~F.col("late")).select(
            "ad", (F.floor(F.col("ms") / MINUTE_MS) * MINUTE_MS).cast("long").alias("minute"),
            "ip", "user", "bot", "blocked", "dup", "cost")
        open_prev = self._read(store.state(prev) + "/open", OPEN_SCHEMA) if prev is not None \
            else spark.createDataFrame([], OPEN_SCHEMA)
        touched = rows.select("ad", "minute").distinct()
        cells = self.judge(open_prev.join(touched, ["ad", "minute"], "left_semi").unionByName(rows))
        open_next = open_prev.unionByName(rows).filter(F.col("minute") + MINUTE_MS > F.lit(wm_next))

        late = v.filter("late").select("fno", "file", "line", "click_id", "ad", "ms",
                                       F.lit(wm).alias("watermark"))
        rejected = parsed.filter(F.col("reason").isNotNull()).select("fno", "file", "line", "reason", "raw")

        self._write(cells, store.part("cells", batch_id))
        listed = {"late": (late, s["late"] or 0), "rejected": (rejected, p["rejected"] or 0)}
        for kind, (df, n) in listed.items():
            if n:
                self._write(df, store.part(kind, batch_id))
            else:
                store.delete(store.part(kind, batch_id))
        state = store.state(batch_id)
        store.delete(state)
        self._write(ids_next, state + "/ids")
        self._write(open_next, state + "/open")
        new_meta = {
            "batch": batch_id, "max_ms": max_ms, "watermark_ms": wm_next,
            "has_cost": bool(meta["has_cost"] or p["has_cost"]),
            "files": meta["files"] + p["files"], "rows": meta["rows"] + p["rows"],
            "rejected": meta["rejected"] + (p["rejected"] or 0),
            "clicks": meta["clicks"] + s["clicks"] - (s["late"] or 0),
            "late": meta["late"] + (s["late"] or 0),
            "duplicates": meta["duplicates"] + (s["duplicates"] or 0),
            "plan": plan_to_json(plan) if plan is not None else None,
        }
        store.put_text(state + "/meta.json", json.dumps(new_meta))
        self._tick(batch_id, "parts and state written")
        v.unpersist()
        parsed.unpersist()
        if StreamJob.fault_hook is not None:
            StreamJob.fault_hook(batch_id, "state")
        self.rebuild(batch_id, new_meta, {kind for kind, (_, n) in listed.items() if n})
        self._tick(batch_id, "outputs rebuilt")
        for old in store.numbered(store.state_root, "v"):
            if old < batch_id - 1:
                store.delete(store.state(old))
        if StreamJob.fault_hook is not None:
            StreamJob.fault_hook(batch_id, "outputs")

    def judge(self, r):
        """Rows of whole 1-minute cells -> the cells' counts and sketch: the
        velocity buckets counted over the cell's non-duplicate rows."""
        o = self.o
        nd = ~F.col("dup")
        ip_n = F.sum(F.when(nd & (F.col("ip") != ""), 1).otherwise(0)).over(
            Window.partitionBy("ad", "minute", "ip"))
        user_n = F.sum(F.when(nd & (F.col("user") != ""), 1).otherwise(0)).over(
            Window.partitionBy("ad", "minute", "user"))
        r = (r.withColumn("r_ip", F.lit(self.on["ip_velocity"]) & (F.col("ip") != "") & (ip_n > o.velocity_max))
              .withColumn("r_user", F.lit(self.on["user_velocity"]) & (F.col("user") != "")
                          & (user_n > o.velocity_max)))
        flagged = nd & (F.col("bot") | F.col("blocked") | F.col("r_ip") | F.col("r_user"))
        r = r.withColumn("flagged", flagged).withColumn("billable", nd & ~flagged)
        return r.groupBy("ad", "minute").agg(
            F.sum(F.col("billable").cast("long")).alias("clicks"),
            F.sum(F.col("dup").cast("long")).alias("duplicates"),
            F.sum(F.col("flagged").cast("long")).alias("flagged"),
            F.sum(F.when(F.col("billable"), F.col("cost")).otherwise(F.lit(0)))
             .cast("decimal(38,6)").alias("cost"),
            F.hll_sketch_agg(F.when(F.col("billable") & (F.col("user") != ""), F.col("user")), o.lg_k)
             .alias("sketch"))

    # -- the output files

    def rebuild(self, batch_id, meta, lists_changed):
        """The output files from the parts of batches up to this one: each
        1-minute cell's latest version; the 5-minute and 1-hour windows
        their sums and sketch unions. late_clicks.csv and
        rejected_rows.csv only when this batch added to them."""
        store = self.store
        self.compact(batch_id)
        cells = self._latest_cells(self._current("cells", CELLS_SCHEMA, batch_id))
        cells = cells.select("ad", "minute", "clicks", "duplicates", "flagged", "cost", "sketch",
                             F.explode(F.array(*[F.lit(size) for size, _ in WINDOWS])).alias("size"))
        start = (F.floor(F.col("minute") / (F.col("size") * 1000)) * F.col("size")).cast("long")
        agg = cells.groupBy("size", "ad", start.alias("start")).agg(
            F.sum("clicks").alias("clicks"),
            F.hll_sketch_estimate(out_of_order(F.hll_union_agg("sketch"))).alias("users"),
            F.sum("duplicates").alias("duplicates"),
            F.sum("flagged").alias("flagged"),
            F.sum("cost").alias("cost"))
        by_size = {size: [] for size, _ in WINDOWS}
        for r in agg.collect():
            by_size[r["size"]].append(r)
        texts = {}
        for size, name in WINDOWS:
            rows = sorted(by_size[size], key=lambda r: (r["ad"].encode("utf-8"), r["start"]))
            out = [WINDOW_HEADER]
            for r in rows:
                cost = money(r["cost"]) if meta["has_cost"] else ""
                out.append(f"{csv_text(r['ad'])},{iso_second(r['start'])},{r['clicks']},{r['users'] or 0},"
                           f"{r['duplicates']},{r['flagged']},{cost}\n")
            texts[name] = "".join(out)

        if "late" in lists_changed or not store.exists(f"{store.output}/late_clicks.csv"):
            late = self._current("late", LATE_SCHEMA, batch_id).orderBy("batch", "fno", "line").collect()
            out = ["file,line,click_id,ad_id,timestamp,watermark\n"]
            for r in late:
                out.append(f"{csv_text(r['file'])},{r['line']},{csv_text(r['click_id'])},{csv_text(r['ad'])},"
                           f"{iso_second(r['ms'] // 1000)},{iso_second(r['watermark'] // 1000)}\n")
            texts["late_clicks.csv"] = "".join(out)
        if "rejected" in lists_changed or not store.exists(f"{store.output}/rejected_rows.csv"):
            rej = self._current("rejected", REJECTED_SCHEMA, batch_id).orderBy("batch", "fno", "line").collect()
            out = ["file,line,reason,raw_line\n"]
            for r in rej:
                out.append(f"{csv_text(r['file'])},{r['line']},{csv_text(r['reason'])},{csv_text(r['raw'])}\n")
            texts["rejected_rows.csv"] = "".join(out)

        wm = meta["watermark_ms"]
        status = {
            "batch": batch_id,
            "watermark": None if wm == NO_WATERMARK else iso_ms(wm),
            "lateness_seconds": self.o.lateness_ms / 1000,
            "latest_event": None if meta["max_ms"] is None else iso_ms(meta["max_ms"]),
            "final_before": None if wm == NO_WATERMARK else iso_ms(wm),
            "note": "a window is final when it ends at or before final_before; later ones may still change",
            "files": meta["files"], "rows": meta["rows"], "rejected": meta["rejected"],
            "clicks": meta["clicks"], "late": meta["late"], "duplicates": meta["duplicates"],
            "rules": [r for r in RULES if self.on[r]],
            "velocity_max": self.o.velocity_max, "lg_k": self.o.lg_k,
        }
        texts["stream_status.json"] = json.dumps(status, indent=1) + "\n"
        for name, text in texts.items():
            store.put_text(f"{store.output}/{name}", text)

    # Every this many batches the parts are folded into one snapshot (each
    # cell's latest version; every listed row), and the parts and older
    # snapshots it covers are removed when a later batch runs (its batch is
    # committed then): what a rebuild reads stays bounded by the windows.
    compact_every = 20

    def _snapshots(self, kind):
        return f"{self.store.parts_root}/{kind}_snapshot"

    def _complete_snapshots(self, kind, below):
        root = self._snapshots(kind)
        return [v for v in self.store.numbered(root, "v")
                if v < below and self.store.exists(f"{root}/v={v}/_SUCCESS")]

    def _current(self, kind, schema, batch_id, snapshot_below=None):
        """The kind's rows up to this batch: the newest complete snapshot
        (at or below it; below snapshot_below) and the parts after it."""
        parts = self._parts(kind, schema).filter(F.col("batch") <= batch_id)
        snaps = self._complete_snapshots(kind, batch_id + 1 if snapshot_below is None else snapshot_below)
        if not snaps:
            return parts
        snap = self.spark.read.schema(schema + ", batch long").parquet(f"{self._snapshots(kind)}/v={snaps[-1]}")
        return snap.unionByName(parts.filter(F.col("batch") > snaps[-1]))

    @staticmethod
    def _latest_cells(cells):
        latest = Window.partitionBy("ad", "minute").orderBy(F.col("batch").desc())
        return cells.withColumn("n", F.row_number().over(latest)).filter("n = 1").drop("n")

    def compact(self, batch_id):
        store = self.store
        for kind, schema in (("cells", CELLS_SCHEMA), ("late", LATE_SCHEMA), ("rejected", REJECTED_SCHEMA)):
            root = self._snapshots(kind)
            done = self._complete_snapshots(kind, batch_id)  # of committed batches
            if done:
                for b in store.numbered(f"{store.parts_root}/{kind}", "batch"):
                    if b <= done[-1]:
                        store.delete(store.part(kind, b))
                for v in store.numbered(root, "v"):
                    if v < done[-1]:
                        store.delete(f"{root}/v={v}")
            if batch_id > 0 and batch_id % self.compact_every == 0:
                # (a replay rewrites this batch's snapshot: not read from it)
                data = self._current(kind, schema, batch_id, snapshot_below=batch_id)
                if kind == "cells":
                    data = self._latest_cells(data)
                self._write(data, f"{root}/v={batch_id}")

    def _parts(self, kind, schema):
        root = f"{self.store.parts_root}/{kind}"
        if not self.store.numbered(root, "batch"):
            return self.spark.createDataFrame([], schema + ", batch long")
        return self.spark.read.schema(schema + ", batch long").option("basePath", root).parquet(root)

    # -- running

    def start(self):
        o = self.o
        w = (source_frame(self.spark, o).writeStream
             .queryName(f"adagg-clicks-stream-{os.getpid()}-{time.time_ns()}")
             .foreachBatch(self.process)
             .option("checkpointLocation", self.store.checkpoint))
        if o.available_now:
            w = w.trigger(availableNow=True)
        else:
            w = w.trigger(processingTime=f"{o.trigger_seconds} seconds")
        return w.start()


def iso_ms(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def read_blocklist(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise UsageError(f"--blocklist {path}: {e.strerror}")
    try:
        return click_rows.read_blocklist(text)
    except ValueError as e:
        raise UsageError(f"--blocklist {path}: {e}")


def main(argv):
    from adagg_jobs.session import get_session

    o = parse_args(argv)
    o.blocklist = read_blocklist(o.blocklist) if o.blocklist else click_rows.Blocklist()
    if o.source and "://" not in o.source and not os.path.isdir(o.source):
        raise UsageError(f"--source {o.source}: not a directory")
    if o.source and "://" not in o.source:
        src = os.path.realpath(o.source)
        for name in ("checkpoint", "output"):
            path = os.path.realpath(getattr(o, name))
            if path == src or path.startswith(src + os.sep):
                raise UsageError(f"--{name} must not be inside --source (its files would be read as clicks)")
    spark = get_session("adagg clicks-stream")
    job = StreamJob(spark, o)
    query = job.start()
    try:
        query.awaitTermination()
    except KeyboardInterrupt:
        query.stop()
    except Exception:
        if job.user_error is not None:
            raise job.user_error
        raise
    return 0
