"""The click-event batch job (adagg_jobs.clicks) against `adagg clicks`:
every output file byte-identical to the CLI's on the same log (generated
logs with duplicates, bots, bursts, malformed rows, mixed timestamps and
costs, in CSV and NDJSON, read in many small partitions; a hand-built log
of edge cases; rules switched off; several files), but for the documented
differences: click_summary.json's `dedup_limit` (null: Spark keeps no id
limit)."""
import json
import os
import subprocess

import pytest

from adagg_jobs import click_rows as R
from adagg_jobs import clicks
from adagg_jobs.cli import UsageError

FILES = ["clicks_1m.csv", "clicks_5m.csv", "clicks_1h.csv", "top10_ads.csv", "flagged_clicks.csv",
         "rejected_rows.csv", "user_sketches_1h.csv", "click_summary.json"]


def gen(path, *options):
    gen_bin = os.path.join(os.path.dirname(os.environ.get("ADAGG_BIN", "")) or "", "gen")
    if not os.path.exists(gen_bin):
        from conftest import REPO
        gen_bin = os.path.join(REPO, "target", "release", "gen")
        if not os.path.exists(gen_bin):
            subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "gen"], cwd=REPO, check=True)
    subprocess.run([gen_bin, "--kind", "clicks", "--quiet", "--output", str(path), *options], check=True)
    return path


def cli(adagg_bin, log, outdir, *options):
    r = subprocess.run([adagg_bin, "clicks", "--input", str(log), "--output", str(outdir), *options],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return outdir


def read(d, name):
    with open(os.path.join(d, name), "rb") as f:
        return f.read()


def hip_masked(text):
    """user_sketches_1h.csv with the HIP accumulator (bytes 8-15) of
    HLL-mode sketches zeroed: the one field that can differ (see hll.py)."""
    import base64
    import csv
    import io
    out = []
    for row in csv.reader(io.StringIO(text.decode(), newline="")):
        if row[-1] != "sketch_base64":
            b = bytearray(base64.b64decode(row[-1]))
            if len(b) > 40 and b[7] & 3 == 2:
                b[8:16] = bytes(8)
            row[-1] = base64.b64encode(bytes(b)).decode()
        out.append(row)
    return repr(out).encode()


def assert_same(cli_dir, spark_dir, summary_keys_differ=("dedup_limit",)):
    """Every file equal, byte for byte; the summary equal but for the keys
    Spark cannot know the same (and checked for what they are); HLL-mode
    sketches but for their HIP accumulator."""
    for name in FILES:
        a, b = read(cli_dir, name), read(spark_dir, name)
        if name == "user_sketches_1h.csv":
            a, b = hip_masked(a), hip_masked(b)
        if name == "click_summary.json":
            ja, jb = json.loads(a), json.loads(b)
            assert jb["dedup_limit"] is None and jb["dedup_limit_reached"] is False
            for k in summary_keys_differ:
                ja.pop(k, None)
                jb.pop(k, None)
            assert ja == jb
            continue
        if a != b:
            la, lb = a.decode().splitlines(), b.decode().splitlines()
            diff = [(i, x, y) for i, (x, y) in enumerate(zip(la, lb)) if x != y][:5]
            raise AssertionError(f"{name} differs ({len(la)} vs {len(lb)} lines): {diff}")
    # a real comparison: the files are not empty
    assert len(read(cli_dir, "clicks_1m.csv").splitlines()) > 1


def run_both(spark, adagg_bin, tmp_path, log, *options, split_bytes=None):
    cli_dir = cli(adagg_bin, log, tmp_path / "cli", *options)
    if split_bytes:
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(split_bytes))
        spark.conf.set("spark.sql.files.openCostInBytes", "0")
    try:
        assert clicks.main(["--input", str(log), "--output", str(tmp_path / "spark"), *options]) == 0
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")
    return cli_dir, tmp_path / "spark"


# ---------------------------------------------------------------- generated logs

@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_generated_log_in_small_partitions(spark, adagg_bin, tmp_path, fmt):
    log = gen(tmp_path / f"log.{fmt}", "--format", fmt, "--rows", "6000", "--seed", "11", "--ads", "40",
              "--users", "3000", "--duplicates-per-mille", "60", "--bots-per-mille", "30", "--bursts", "40",
              "--malformed-every", "97", "--mixed-timestamps", "--cost")
    size = os.path.getsize(log)
    # about 12 splits: duplicates and velocity buckets cross partitions
    cli_dir, spark_dir = run_both(spark, adagg_bin, tmp_path, log, split_bytes=size // 12)
    assert_same(cli_dir, spark_dir)
    summary = json.loads(read(spark_dir, "click_summary.json"))
    assert summary["duplicates"] > 100 and summary["flagged"] > 100 and summary["rejected"] > 40
    assert summary["timestamps"]["iso8601"] > 0 and summary["timestamps"]["unix_milliseconds"] > 0


def test_line_numbers_across_splits(spark, tmp_path):
    """Physical line numbers from split offsets: every line of a file read
    in 9 splits numbered 1..n in order."""
    log = tmp_path / "lines.txt"
    log.write_text("".join(f"{i}\n" for i in range(1, 20001)), encoding="utf-8")
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(os.path.getsize(log) // 9))
    spark.conf.set("spark.sql.files.openCostInBytes", "0")
    try:
        numbered, _, _, totals = clicks_numbered(spark, str(log))
        rows = numbered.select("line", "value").collect()
        parts = R.read_click_lines(spark, [str(log)]).rdd.getNumPartitions()
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")
    assert parts >= 9 and totals == {0: 20000}
    assert sorted((r["line"], r["value"]) for r in rows) == [(i, str(i)) for i in range(1, 20001)]


def clicks_numbered(spark, path):
    # numbered_lines sniffs a plan: give it a click log's header
    files = R.list_files(spark, path)
    from unittest import mock
    with mock.patch.object(R, "sniff_plan", lambda s, p: R.ClickPlan("ndjson")):
        return clicks.numbered_lines(spark, files)


# ---------------------------------------------------------------- edge cases

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
T = 1736942400  # 2025-01-15T12:00:00Z


def edge_rows():
    """(click_id, ad_id, user, ip, ua, timestamp, cost) rows of edge cases."""
    rows = []
    add = lambda *r: rows.append(r)
    # window edges: 12:04:59.999 in the 12:00 5m window, 12:05:00 in the next
    add("e1", "a1", "u1", "1.1.1.1", UA, "1736942699999", "0.10")
    add("e2", "a1", "u2", "1.1.1.2", UA, "2025-01-15T12:05:00Z", "0.20")
    add("e3", "a1", "u3", "1.1.1.3", UA, "2025-01-15T13:04:59.5+01:00", "1,234.50")
    add("e4", "a1", "u4", "1.1.1.4", UA, "2025-01-15 12:59:59", "$3.005")
    add("e5", "a1", "u5", "1.1.1.5", UA, "1736945999.999", "1e-3")
    add("e6", "a1", "u6", "1.1.1.6", UA, "2025-01-15T12:30:60Z", "USD 2.50")
    add("e7", "a2", "u1", "1.1.1.7", UA, "2025-01-15t12:00z", "2.5 EUR")
    add("e8", "a2", "u1", "1.1.1.8", UA, "2025-01-15T10:00:00-0230", "--")
    add("e9", "a2", "u1", "1.1.1.9", UA, " 1736942400 ", "")
    # rejected: timestamps, costs, ad ids
    add("r1", "a1", "u1", "1.1.1.1", UA, "yesterday", "1")
    add("r2", "a1", "u1", "1.1.1.1", UA, "2025-02-30T00:00:00Z", "1")
    add("r3", "a1", "u1", "1.1.1.1", UA, "2025-01-15T24:00:00Z", "1")
    add("r4", "a1", "u1", "1.1.1.1", UA, "1969-12-31T23:59:59Z", "1")
    add("r5", "a1", "u1", "1.1.1.1", UA, "-5", "1")
    add("r6", "a1", "u1", "1.1.1.1", UA, "", "1")
    add("r7", "a1", "u1", "1.1.1.1", UA, "9999999999999999", "1")
    add("r8", "a1", "u1", "1.1.1.1", UA, "2025-01-15T12:00:00+0x", "1")
    add("r9", "a1", "u1", "1.1.1.1", UA, str(T), "-1.5")
    add("r10", "a1", "u1", "1.1.1.1", UA, str(T), "abc")
    add("r11", "a1", "u1", "1.1.1.1", UA, str(T), "99999999999999")
    add("r12", "a1", "u1", "1.1.1.1", UA, str(T), "12,34")
    add("r13", " ", "u1", "1.1.1.1", UA, str(T), "1")
    add("r14", "a1", "u1", "1.1.1.1", UA, "2025-01-15T12:00:00.Z", "1")
    add("r15", "a1", "u1", "1.1.1.1", UA, "12\t3", "1")
    # duplicates: same id later (counted in its own ad and window), also
    # after a rejected row with the same id
    add("e1", "a3", "u9", "9.9.9.9", UA, str(T + 4000), "5")
    add("r1", "a3", "u9", "9.9.9.9", UA, str(T + 4000), "5")
    add("r1", "a3", "u9", "9.9.9.9", UA, str(T + 4000), "5")
    add("", "a3", "u10", "9.9.9.10", UA, str(T + 4000), "5")
    add("", "a3", "u10", "9.9.9.10", UA, str(T + 4000), "5")
    # blocklist: v4 CIDR, v6 CIDR, v4-mapped v6, exact address, not an address
    add("b1", "a4", "u20", "10.1.2.3", UA, str(T + 100), "1")
    add("b2", "a4", "u21", "2001:db8::1", UA, str(T + 100), "1")
    add("b3", "a4", "u22", "::ffff:10.9.9.9", UA, str(T + 100), "1")
    add("b4", "a4", "u23", "192.168.1.7", UA, str(T + 100), "1")
    add("b5", "a4", "u24", "192.168.1.8", UA, str(T + 100), "1")
    add("b6", "a4", "u25", "not-an-ip", UA, str(T + 100), "1")
    add("b7", "a4", "u26", "2001:DB8:0:0::ff", UA, str(T + 100), "1")
    add("b8", "a4", "u27", "010.1.2.3", UA, str(T + 100), "1")
    # bots
    for i, ua in enumerate(["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.4.0",
                            "", "   ", "python-requests/2.31", "Viber", "viber/1.0", "HeadlessChrome/120",
                            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36",
                            "Some Crawler", "x bot", "MyBot/1.0", "WhatsApp/2.23.20 A", "Robot-x"]):
        add(f"bot{i}", "a5", f"u{30 + i}", f"5.5.5.{i}", ua, str(T + 200 + i), "1")
    # velocity: 7 clicks of one IP (IPv6 spelled two ways) on one ad in one
    # minute (ip_velocity), 6 by one user (user_velocity with N=5), a
    # duplicate inside the burst (not counted)
    for i in range(7):
        ip = "2001:0db8:0:0::0001" if i % 2 else "2001:db8::1"
        add(f"v{i}", "a6", f"uv{i}", ip, UA, str(T + 600 + i), "0.5")
    for i in range(6):
        add(f"w{i}", "a6", "same-user", f"7.7.7.{i}", UA, str(T + 700 + i), "0.5")
    add("w0", "a6", "same-user", "7.7.7.9", UA, str(T + 700), "0.5")
    # ids and cells that need quoting or a guard
    add("=cmd", "=a7", "u50", "1.2.3.4", UA, str(T + 800), "1")
    add("q,1", "a,8", "u51", "1.2.3.5", UA, str(T + 800), "1")
    add('q"2', 'a"9', "ü52", "1.2.3.6", UA, str(T + 800), "1")
    add("-x", "@a10", "用户", "1.2.3.7", UA, str(T + 800), "1")
    # quoted fields over several lines (CSV: one record of three lines)
    add("m1", "a11", "u60", "1.2.3.8", "Mozilla/5.0\n(two \"lines\")\n", str(T + 900), "1")
    add("m2", "a11\nb", "u61", "1.2.3.9", UA, str(T + 901), "1")
    return rows


def csv_cell(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def write_edge_csv(path):
    lines = ["Click export,,,,,,", "", "click_id,ad_id,user_id,ip_address,user_agent,timestamp,cost"]
    for r in edge_rows():
        lines.append(",".join(csv_cell(x) for x in r))
    lines.insert(10, "short,row")
    lines.insert(12, "")
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def write_edge_ndjson(path):
    keys = ["click_id", "ad_id", "user_id", "ip_address", "user_agent", "timestamp", "cost"]
    out = []
    for i, r in enumerate(edge_rows()):
        obj = dict(zip(keys, r))
        if i % 5 == 1 and obj["timestamp"].strip().isdigit():
            obj["timestamp"] = int(obj["timestamp"])  # a JSON number
        if i % 7 == 3 and obj["cost"] and obj["cost"].replace(".", "").isdigit():
            obj["cost"] = float(obj["cost"])
        out.append(json.dumps(obj, ensure_ascii=(i % 2 == 0)))
    out.insert(3, "")
    out.insert(5, "[1, 2]")
    out.insert(7, '{"ad_id": "a1", "ts": 1736942400, "Click-ID": "alias", "User ID": "ua1", "extra": {"x": [1, 2]}}')
    out.insert(8, '{"ad": "a1", "ad_id": "ignored", "time": "2025-01-15T12:00:01Z", "user": null, "ip": 7}')
    out.insert(9, '{"ad_id": 17, "timestamp": 1736942400.25, "cost": 0.125, "click_id": "n1", "user_id": "u\\u00e9"}')
    out.insert(10, '{"ad_id": "a1", "timestamp": 1736942400')
    out.insert(11, '   ')
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def blocklist(tmp_path):
    p = tmp_path / "block.txt"
    p.write_text("# bad ranges\n10.0.0.0/8\n192.168.1.7  # one\n\n2001:db8::/32\n", encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_edge_cases(spark, adagg_bin, tmp_path, blocklist, fmt):
    log = write_edge_csv(tmp_path / "edge.csv") if fmt == "csv" else write_edge_ndjson(tmp_path / "edge.ndjson")
    cli_dir, spark_dir = run_both(spark, adagg_bin, tmp_path, log, "--blocklist", blocklist)
    assert_same(cli_dir, spark_dir)
    flagged = read(spark_dir, "flagged_clicks.csv").decode()
    for rule in R.RULES:
        assert rule in flagged
    rejected = read(spark_dir, "rejected_rows.csv").decode()
    assert "timestamp has an impossible date" in rejected and "cost is negative" in rejected
    assert '"=a7' not in read(spark_dir, "clicks_1m.csv").decode() and "'=a7" in read(spark_dir, "clicks_1m.csv").decode()


def test_rules_off_and_options(spark, adagg_bin, tmp_path, blocklist):
    log = write_edge_csv(tmp_path / "edge.csv")
    opts = ["--blocklist", blocklist, "--no-rule", "bot_user_agent", "--no-rule", "user_velocity",
            "--velocity-max", "2", "--lg-k", "8"]
    cli_dir, spark_dir = run_both(spark, adagg_bin, tmp_path, log, *opts)
    assert_same(cli_dir, spark_dir)
    s = json.loads(read(spark_dir, "click_summary.json"))
    rules = {r["id"]: r for r in s["rules"]}
    assert rules["bot_user_agent"]["off_reason"] == "switched off" and rules["ip_velocity"]["flagged"] > 0
    assert s["lg_k"] == 8 and s["velocity_max"] == 2


def test_hll_mode_windows(spark, adagg_bin, tmp_path):
    """Windows past the coupon modes (HLL registers): estimates and sketch
    bytes equal the CLI's."""
    lines = []
    for i in range(3000):
        lines.append(json.dumps({"click_id": f"c{i}", "ad_id": "big" if i < 2500 else "small", "user_id": f"user{i % 2200}",
                                 "timestamp": T + (i * 7) % 3600, "ip_address": f"10.{i >> 8 & 255}.{i & 255}.1",
                                 "user_agent": UA}))
    log = tmp_path / "hll.ndjson"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli_dir, spark_dir = run_both(spark, adagg_bin, tmp_path, log)
    assert_same(cli_dir, spark_dir)
    users = {r.split(",")[0]: int(r.split(",")[3]) for r in read(spark_dir, "user_sketches_1h.csv").decode().splitlines()[1:]}
    assert abs(users["big"] - 2200) < 3 * 0.0163 * 2200 and abs(users["small"] - 500) < 3 * 0.0163 * 500


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_several_files_equal_their_concatenation(spark, adagg_bin, tmp_path, fmt):
    """Three files (a duplicate in a later file of an id in an earlier one;
    CSV: each with its header) read as one log: the windows, top ads,
    sketches and summary equal the CLI's on their concatenation; flagged
    and rejected rows carry the file and the line in it."""
    log = gen(tmp_path / f"all.{fmt}", "--format", fmt, "--rows", "3000", "--seed", "5", "--ads", "20",
              "--users", "500", "--malformed-every", "101", "--bursts", "10")
    text = log.read_text(encoding="utf-8").splitlines(keepends=True)
    header, data = (text[:1], text[1:]) if fmt == "csv" else ([], text)
    d = tmp_path / "parts"
    d.mkdir()
    cuts = [0, 1000, 2100, len(data)]
    for k in range(3):
        (d / f"part{k}.{fmt}").write_text("".join(header + data[cuts[k]:cuts[k + 1]]), encoding="utf-8")
    (d / "_SUCCESS").write_text("", encoding="utf-8")
    cli_dir = cli(adagg_bin, log, tmp_path / "cli")
    assert clicks.main(["--input", str(d), "--output", str(tmp_path / "spark")]) == 0
    spark_dir = tmp_path / "spark"
    for name in ["clicks_1m.csv", "clicks_5m.csv", "clicks_1h.csv", "top10_ads.csv", "user_sketches_1h.csv"]:
        assert read(cli_dir, name) == read(spark_dir, name), name
    ja, jb = json.loads(read(cli_dir, "click_summary.json")), json.loads(read(spark_dir, "click_summary.json"))
    assert [os.path.basename(f) for f in jb.pop("files")] == [f"part{k}.{fmt}" for k in range(3)]
    ja.pop("dedup_limit"), jb.pop("dedup_limit")
    assert ja == jb
    for name in ["flagged_clicks.csv", "rejected_rows.csv"]:
        want = read(cli_dir, name).decode().splitlines()
        got = read(spark_dir, name).decode().splitlines()
        assert got[0] == "file," + want[0]
        back = []
        for row in got[1:]:
            f, line, rest = row.split(",", 2)
            k = int(os.path.basename(f)[4])
            back.append(f"{int(line) + cuts[k]},{rest}")
        assert back == want[1:], name
        assert len(back) > 5


def test_usage_errors(spark, tmp_path):
    with pytest.raises(UsageError):
        clicks.main(["--input", str(tmp_path / "missing.ndjson"), "--output", str(tmp_path / "o")])
    with pytest.raises(UsageError):
        clicks.main(["--input", "x", "--output", "y", "--no-rule", "nope"])
    with pytest.raises(UsageError):
        clicks.main(["--input", "x", "--output", "y", "--lg-k", "30"])
    bad = tmp_path / "block.txt"
    bad.write_text("1.2.3.4\n300.1.1.1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 2"):
        clicks.main(["--input", "x", "--output", "y", "--blocklist", str(bad)])
    perf = tmp_path / "perf.csv"
    perf.write_text("campaign_id,date,clicks\nc,2025-01-01,3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a click log"):
        clicks.main(["--input", str(perf), "--output", str(tmp_path / "o")])


def test_bot_pattern_compiles_like_the_crate(spark):
    """The isbot list as one Java regex: every pattern kept, `$` only as the
    end of the text; the factored form (tries) matches what the plain
    alternation matches, in Spark's Java regex, on strings made from every
    pattern and on random ones."""
    import random
    plain, factored = R.bot_pattern(factor=False), R.bot_pattern()
    assert plain.startswith("(?d)(?U)") and "^viber\\z" in plain and "bot(\\z|[/\\);-]+)" in plain
    n = len(R._bot_lines())
    assert plain.count("|") == n - 1 + 1  # one `|` inside bot(\z|[...])
    corpus = ["", "viber", "viber\n", "x viber", "a bot", "abot", "bot/", "fdm 3", "fdm/x", "ptst/1", "whatsapp/2.1 a"]
    for p in R._bot_lines():
        lit = R._literal(p.lstrip("^"))
        if lit:
            s = "".join(lit)
            corpus += [s, "x" + s, s[:-1], "Mozilla " + s + " 1"]
    rnd = random.Random(7)
    corpus += ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz ./-_:;") for _ in range(rnd.randint(1, 25)))
               for _ in range(300)]
    from pyspark.sql import functions as F
    df = spark.createDataFrame([(s,) for s in corpus], "ua string")
    rows = df.select(F.col("ua").rlike(plain).alias("a"), F.col("ua").rlike(factored).alias("b"), "ua").collect()
    assert [r["ua"] for r in rows if r["a"] != r["b"]] == []
    assert sum(r["a"] for r in rows) > 500 and sum(not r["a"] for r in rows) > 100
