"""The click-event streaming job (adagg_jobs.clicks_stream) against the CLI:
files dropped into the source directory one after another, micro-batches
run with `--available-now` (deterministic, short), restarts from the
checkpoint, a crash in the middle of a batch; the three window files equal
`adagg clicks` on the concatenation of the same events, byte for byte."""
import json
import os
import subprocess

import pytest

from adagg_jobs import clicks_stream
from adagg_jobs.cli import UsageError

WINDOW_FILES = ["clicks_1m.csv", "clicks_5m.csv", "clicks_1h.csv"]
T0 = 1736942400  # 2025-01-15T12:00:00Z


class Stream:
    """A source directory, a checkpoint and an output; files dropped in
    with increasing modification times; runs of the job."""

    def __init__(self, tmp_path, *options):
        self.src = tmp_path / "src"
        self.src.mkdir()
        self.ck = tmp_path / "checkpoint"
        self.out = tmp_path / "out"
        self.options = list(options)
        self.dropped = []  # texts, in arrival order
        self.mtime = 1_700_000_000

    def drop(self, name, text):
        tmp = self.src.parent / ("." + name)
        tmp.write_text(text, encoding="utf-8")
        self.mtime += 10
        os.utime(tmp, (self.mtime, self.mtime))
        os.rename(tmp, self.src / name)
        self.dropped.append(text)

    def run(self, spark, *extra):
        argv = ["--source", str(self.src), "--checkpoint", str(self.ck), "--output", str(self.out),
                "--available-now", *self.options, *extra]
        assert clicks_stream.main(argv) == 0

    def run_killed(self, spark, stage, message):
        """A run whose batch dies at `stage` ("state": in the middle, before
        its state is written; "outputs": after its outputs, before Spark's
        commit) with `message`, and fails with it."""

        def crash(batch_id, at):
            if at == stage:
                raise RuntimeError(message % batch_id)

        clicks_stream.StreamJob.fault_hook = crash
        try:
            with pytest.raises(Exception, match=message.split(" %")[0]):
                self.run(spark)
        finally:
            clicks_stream.StreamJob.fault_hook = None

    def read(self, name):
        return (self.out / name).read_text(encoding="utf-8")

    def status(self):
        return json.loads(self.read("stream_status.json"))


def cli(adagg_bin, text, outdir, *options):
    log = outdir.parent / (outdir.name + ".log")
    log.write_text(text, encoding="utf-8")
    subprocess.run([adagg_bin, "clicks", "--input", str(log), "--output", str(outdir), *options],
                   check=True, capture_output=True)
    return outdir


def csv_concat(texts):
    """CSV files with their header -> one CSV (the first header)."""
    head = texts[0].split("\n", 1)[0]
    body = [t.split("\n", 1)[1] for t in texts]
    return head + "\n" + "".join(b if b.endswith("\n") or not b else b + "\n" for b in body)


def gen(adagg_bin, *args):
    """The repository's generator (beside the adagg binary; built if missing)."""
    path = os.path.join(os.path.dirname(adagg_bin), "gen")
    if not os.path.exists(path):
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "gen"], cwd=repo, check=True)
    return subprocess.run([path, "--kind", "clicks", "--quiet", *args],
                          check=True, capture_output=True, text=True).stdout


def split_lines(text, parts, keep_header=False):
    lines = text.splitlines(keepends=True)
    head = []
    if keep_header:
        head, lines = lines[:1], lines[1:]
    n = -(-len(lines) // parts)
    return ["".join(head + lines[i:i + n]) for i in range(0, len(lines), n)]


def assert_windows_equal(out_dir, cli_dir):
    for name in WINDOW_FILES:
        got = (out_dir / name).read_bytes()
        want = (cli_dir / name).read_bytes()
        assert got == want, f"{name} differs:\n{got.decode()[:2000]}\n---- CLI ----\n{want.decode()[:2000]}"


def ev(cid, ad, secs, user="u1", ip="10.0.0.1", ua="Mozilla/5.0", cost="0.10"):
    return json.dumps({"click_id": cid, "ad_id": ad, "user_id": user, "ip_address": ip,
                       "user_agent": ua, "timestamp": secs, "cost": cost}) + "\n"


# ------------------------------------------------------------------ tests


def test_generated_log_restart_and_crash_equal_cli(spark, adagg_bin, tmp_path):
    """A generated NDJSON log (retries, bots, velocity bursts, malformed
    rows, mixed timestamps, cost) in 4 files over three runs: two files,
    then a crash in the middle of the third file's batch, then a restart
    that replays it and reads the fourth. Nothing counted twice: the
    windows equal the CLI's on the whole log, byte for byte."""
    log = gen(adagg_bin, "--rows", "1200", "--ads", "12", "--users", "200", "--bursts", "6", "--cost",
              "--mixed-timestamps", "--malformed-every", "97", "--seed", "7")
    files = split_lines(log, 4)
    # The generator's retries repeat clicks up to hours old: a lateness
    # that covers them (the 10-minute default is tested below).
    s = Stream(tmp_path, "--lateness", "8h")
    s.drop("part-1.ndjson", files[0])
    s.drop("part-2.ndjson", files[1])
    s.run(spark)
    assert s.status()["batch"] == 0

    s.drop("part-3.ndjson", files[2])
    s.run_killed(spark, "state", "killed in the middle of batch %d")
    assert s.status()["batch"] == 0  # the outputs are still the first batch's
    s.drop("part-4.ndjson", files[3])
    s.run(spark)
    st = s.status()
    assert st["late"] == 0 and st["files"] == 4 and st["rows"] == 1200
    want = cli(adagg_bin, "".join(s.dropped), tmp_path / "cli")
    assert_windows_equal(s.out, want)
    summary = json.loads((want / "click_summary.json").read_text())
    assert (st["rows"], st["rejected"], st["clicks"], st["duplicates"]) == \
        (summary["rows"], summary["rejected"], summary["clicks"], summary["duplicates"])
    assert summary["duplicates"] > 0 and summary["rejected"] > 0


def at(hms):
    """Unix seconds of 2025-01-15T{hms}Z."""
    h, m, s = (int(x) for x in hms.split(":"))
    return T0 + (h - 12) * 3600 + m * 60 + s


def test_late_duplicate_out_of_order_and_restart(spark, adagg_bin, tmp_path):
    """Files one after another with the default lateness (10 minutes):
    out-of-order events, a retry (duplicate click_id) in a later file, a
    velocity burst, a click late but within the lateness (counted) and one
    beyond it (not counted, listed in late_clicks.csv); a new query on the
    same checkpoint between files. The windows equal the CLI's on the
    concatenation without the too-late click, byte for byte; with it, the
    CLI differs only in that click's own 1m/5m/1h rows."""
    s = Stream(tmp_path)
    s.drop("a.ndjson", ev("c1", "ad1", at("12:00:10"), "u1")
           + ev("c2", "ad1", at("12:00:30"), "u2")
           + ev("c3", "ad2", at("12:01:05"), "u3")
           + ev("c4", "ad1", at("12:02:00"), "u1", ua="Googlebot/2.1"))
    s.drop("b.ndjson", ev("c5", "ad1", at("12:05:00"), "u4")
           + ev("c6", "ad2", at("12:03:00"), "u5")             # out of order
           + ev("c2", "ad1", at("12:00:32"), "u2"))            # a retry of c2
    s.run(spark)
    assert s.status()["watermark"] == "2025-01-15T11:55:00.000Z"  # the latest event (12:05) - 10m
    s.run(spark)  # nothing new: no batch, nothing changes
    s.drop("c.ndjson", ev("c7", "ad1", at("12:20:00"), "u6"))  # watermark -> 12:10

    # Parts folded into snapshots every batch; batch 1 (a new query on the
    # same checkpoint) dies after its outputs and snapshot, before Spark
    # commits it: the next run replays it, rewriting the same snapshot.
    clicks_stream.StreamJob.compact_every = 1
    s.run_killed(spark, "outputs", "killed before Spark's commit of batch %d")
    s.run(spark)
    assert s.status()["watermark"] == "2025-01-15T12:10:00.000Z"
    burst = "".join(ev(f"b{i}", "ad3", at("12:15:%02d" % (i * 5)), "u9", ip="10.9.9.9") for i in range(7))
    s.drop("d.ndjson", ev("c8", "ad2", at("12:12:00"), "u7")   # late, within the lateness
           + ev("c9", "ad1", at("12:04:00"), "u8")             # beyond it: too late
           + burst
           + ev("c5", "ad1", at("12:15:00"), "u4"))            # a retry of c5 in another window
    s.drop("e.ndjson", ev("c10", "ad2", at("12:19:59"), "u1"))
    try:
        s.run(spark)
    finally:
        clicks_stream.StreamJob.compact_every = 20
    assert sorted(os.listdir(s.out / "_batches" / "cells")) == ["batch=2"]  # batch 1's snapshot covers the rest
    st = s.status()
    assert (st["late"], st["duplicates"], st["files"], st["batch"]) == (1, 2, 5, 2)
    late = s.read("late_clicks.csv").splitlines()
    assert late[0] == "file,line,click_id,ad_id,timestamp,watermark"
    assert len(late) == 2 and late[1].endswith("/d.ndjson,2,c9,ad1,2025-01-15T12:04:00Z,2025-01-15T12:10:00Z")

    lines = "".join(s.dropped).splitlines(keepends=True)
    too_late = [ln for ln in lines if '"c9"' in ln]
    assert_windows_equal(s.out, cli(adagg_bin, "".join(ln for ln in lines if ln not in too_late), tmp_path / "cli"))
    whole = cli(adagg_bin, "".join(lines), tmp_path / "cli-all")
    for name, start in zip(WINDOW_FILES, ["12:04:00", "12:00:00", "12:00:00"]):
        got = set(s.read(name).splitlines())
        want = set((whole / name).read_text().splitlines())
        assert {r.split(",")[1] for r in got ^ want} == {f"2025-01-15T{start}Z"}, name
        assert {r.split(",")[0] for r in got ^ want} == {"ad1"}, name
    m1 = s.read("clicks_1m.csv")
    assert "ad3,2025-01-15T12:15:00Z,0,0,0,7,0.00\n" in m1  # the burst: 7 > 5 flagged
    assert "ad1,2025-01-15T12:15:00Z,0,0,1,0,0.00\n" in m1  # the retry, in its own window
    assert "ad1,2025-01-15T12:00:00Z,2,2,1,0,0.20\n" in m1

    # A too-late first row of a click id still registers the id: its retry
    # in a later batch, on time, is a duplicate (as in the CLI).
    s.drop("f.ndjson", ev("z1", "ad4", at("12:00:30"), "u1"))
    s.drop("g.ndjson", ev("z1", "ad4", at("12:18:00"), "u1"))
    s.run(spark, "--max-files-per-trigger", "1")
    assert s.status()["batch"] == 4 and s.status()["late"] == 2
    assert "ad4,2025-01-15T12:18:00Z,0,0,1,0,0.00\n" in s.read("clicks_1m.csv")
    assert "ad4,2025-01-15T12:00:00Z" not in s.read("clicks_1m.csv")


def test_csv_files_options_and_small_lg_k_equal_cli(spark, adagg_bin, tmp_path):
    """CSV files, each with its header, one file a micro-batch
    (--max-files-per-trigger 1, three batches in one run), with a
    blocklist (IPv4 and IPv6 ranges), --velocity-max 3, bot_user_agent off
    and lg_k 5 (windows past 7 users are HLL sketches: their estimates,
    from unions, equal the CLI's)."""
    log = gen(adagg_bin, "--format", "csv", "--rows", "900", "--ads", "6", "--users", "40", "--bursts", "4", "--cost",
              "--malformed-every", "61", "--seed", "3")
    blocklist = tmp_path / "block.txt"
    blocklist.write_text("# test\n114.188.14.0/24\n2a02:3d78::/32\n", encoding="utf-8")
    options = ["--blocklist", str(blocklist), "--velocity-max", "3", "--no-rule", "bot_user_agent", "--lg-k", "5"]
    s = Stream(tmp_path, "--lateness", "8h", "--max-files-per-trigger", "1", *options)
    for i, text in enumerate(split_lines(log, 3, keep_header=True)):
        s.drop(f"clicks-{i}.csv", text)
    s.run(spark)
    st = s.status()
    assert (st["batch"], st["files"], st["late"]) == (2, 3, 0)
    assert st["rules"] == ["ip_blocklist", "ip_velocity", "user_velocity"]
    want = cli(adagg_bin, csv_concat(s.dropped), tmp_path / "cli", *options)
    assert_windows_equal(s.out, want)
    summary = json.loads((want / "click_summary.json").read_text())
    assert (st["rows"], st["rejected"], st["duplicates"]) == \
        (summary["rows"], summary["rejected"], summary["duplicates"])
    # The rejected rows: the CLI's reasons and raw lines (lines per file).
    import csv
    ours = [r[2:] for r in csv.reader(s.read("rejected_rows.csv").splitlines()[1:])]
    theirs = [r[1:] for r in csv.reader((want / "rejected_rows.csv").read_text().splitlines()[1:])]
    assert ours == theirs and len(ours) == summary["rejected"] > 0
    hours = s.read("clicks_1h.csv").splitlines()[1:]
    assert max(int(r.split(",")[3]) for r in hours) > 7  # some sketches in HLL mode
    # The batch job (clicks.py) on the same files (in path order = arrival
    # order here): the same three files.
    clicks = pytest.importorskip("adagg_jobs.clicks")
    batch = tmp_path / "batch"
    assert clicks.main(["--input", str(s.src), "--output", str(batch), *options]) in (0, None)
    assert_windows_equal(s.out, batch)


def test_csv_quoted_fields_over_lines_equal_cli(spark, adagg_bin, tmp_path):
    """CSV records whose quoted fields hold line breaks (a user agent, an
    ad id; one quote left open to the end of its file), CRLF lines: read as
    the CLI reads them."""
    head = "click_id,ad_id,user_id,ip_address,user_agent,timestamp,cost\r\n"
    one = (head + f'q1,ad1,u1,1.2.3.4,"Mozilla/5.0\r\n(X11)",{at("12:00:01")},0.10\r\n'
           + f'q2,"ad\n2",u2,1.2.3.5,Mozilla/5.0,{at("12:00:02")},0.20\r\n'
           + f'q3,ad1,u3,1.2.3.6,Mozilla/5.0,{at("12:00:03")},0.30\r\n')
    two = (head + f'q4,ad1,u4,1.2.3.7,Mozilla/5.0,{at("12:01:00")},0.40\r\n'
           + f'q5,ad1,u5,1.2.3.8,"open quote,{at("12:01:01")},0.50\r\n'
           + f'q6,ad1,u6,1.2.3.9,Mozilla/5.0,{at("12:01:02")},0.60\r\n')
    s = Stream(tmp_path)
    s.drop("one.csv", one)
    s.drop("two.csv", two)
    s.run(spark)
    want = cli(adagg_bin, csv_concat(s.dropped), tmp_path / "cli")
    assert_windows_equal(s.out, want)
    assert '"ad\n2",2025-01-15T12:00:00Z,1,1,0,0,0.20' in s.read("clicks_1m.csv")
    import csv
    rejected = list(csv.reader(s.read("rejected_rows.csv").splitlines(keepends=True)))
    theirs = list(csv.reader((want / "rejected_rows.csv").read_text().splitlines(keepends=True)))
    assert len(rejected) == 2 and rejected[1][0].endswith("/two.csv") and rejected[1][1] == "3"
    assert rejected[1][2:] == theirs[1][1:]  # the reason and the record as the CLI reads it


def test_usage_errors():
    base = ["--checkpoint", "ck", "--output", "out"]
    for argv, msg in [
        (["--output", "o", "--source", "s"], "--checkpoint"),
        (base, "--source"),
        (base + ["--source", "s", "--lateness", "soon"], "--lateness"),
        (base + ["--source", "s", "--lg-k", "3"], "lg_k"),
        (base + ["--source", "s", "--no-rule", "nope"], "nope"),
        (base + ["--kafka-bootstrap", "h:9092"], "--kafka-topic"),
        (base + ["--source", "/nonexistent/dir"], "not a directory"),
        (["--source", "/tmp", "--checkpoint", "/tmp/ck", "--output", "o"], "--checkpoint must not be inside"),
    ]:
        with pytest.raises(UsageError, match=msg):
            clicks_stream.main(argv)
    assert clicks_stream.parse_args(base + ["--source", "s", "--lateness", "90s"]).lateness_ms == 90_000
    assert clicks_stream.parse_args(base + ["--source", "s"]).lateness_ms == 600_000


def test_not_a_click_log_is_a_usage_error(spark, tmp_path):
    s = Stream(tmp_path)
    s.drop("x.csv", "a,b\n1,2\n")
    with pytest.raises(UsageError, match="not a click log"):
        s.run(spark)


def test_kafka_records_shape(spark, adagg_bin, tmp_path):
    """The Kafka configuration without a broker: a micro-batch shaped as the
    Kafka source gives it (topic-partition, timestamp, offset, value: one
    click a record) through the same batch function, two partitions
    interleaved by timestamp; the windows equal the CLI's on the records in
    that order."""
    import datetime

    from pyspark.sql import functions as F

    argv = ["--kafka-bootstrap", "broker:9092", "--kafka-topic", "clicks",
            "--checkpoint", str(tmp_path / "ck"), "--output", str(tmp_path / "out")]
    o = clicks_stream.parse_args(argv)
    o.blocklist = clicks_stream.click_rows.Blocklist()
    records = [ev("k1", "ad1", at("12:00:01"), "u1"), ev("k2", "ad2", at("12:00:02"), "u2"),
               ev("k1", "ad1", at("12:00:03"), "u1"), ev("k3", "ad1", at("12:01:00"), "u3", ua="curl/8.0"),
               "not json\n", ev("k4", "ad1", at("12:01:30"), "u3")]
    base = datetime.datetime(2026, 1, 1)
    rows = [(f"clicks-{i % 2}", base + datetime.timedelta(seconds=i), i // 2, r) for i, r in enumerate(records)]
    batch = spark.createDataFrame(rows, "path string, mtime timestamp, offset long, value string")
    clicks_stream.StreamJob(spark, o).process(batch.withColumn("offset", F.col("offset")), 0)
    want = cli(adagg_bin, "".join(records), tmp_path / "cli")
    assert_windows_equal(tmp_path / "out", want)
    rejected = (tmp_path / "out" / "rejected_rows.csv").read_text().splitlines()
    assert len(rejected) == 2 and rejected[1].startswith("clicks-0,3,")
