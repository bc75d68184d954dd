"""The Spark performance job against the adagg CLI, byte for byte: every
hand-computed case of the canonical schema, the normalized export of every
revenue fixture with all six KPIs, several files and partitions, Parquet,
the exact settling of candidates picked by a double ratio, and the CLI's
errors (overflow, missing columns, a reordered header)."""
import filecmp
import os
import shutil
import subprocess

import pytest

from conftest import REPO

from adagg_jobs import cli

CASES = os.path.join(REPO, "tests", "reference_cases")
FIXTURES = os.path.join(REPO, "tests", "fixtures")
ALL_KPIS = ["--rank", "ctr", "--rank", "cpc", "--rank", "cpm", "--rank", "cvr", "--rank", "cpa"]


def run_cli(adagg_bin, inputs, out, *args, check=True):
    cmd = [adagg_bin]
    for i in inputs:
        cmd += ["-i", i]
    cmd += ["-o", out, "-t", "2", *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def run_spark(inputs, out, *args):
    argv = ["performance"]
    for i in inputs:
        argv += ["--input", i]
    argv += ["--output", out, *args]
    return cli.main(argv)


def assert_same(cli_dir, spark_dir, names):
    for name in names:
        a, b = os.path.join(cli_dir, name), os.path.join(spark_dir, name)
        assert os.path.exists(b), f"Spark wrote no {name}"
        with open(a, "rb") as fa, open(b, "rb") as fb:
            ca, cb = fa.read(), fb.read()
        assert ca == cb, f"{name} differs:\nCLI:\n{ca.decode(errors='replace')}\nSpark:\n{cb.decode(errors='replace')}"


def outputs(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".csv") and n != "platform_totals.csv")


# Every hand-computed case of the canonical schema (quoted_crlf_bom: a BOM,
# blank lines before a header in another order, CRLF, quotes, and a record
# whose quoted id spans two lines).
HAND_CASES = ["malformed", "noisy_floats", "quoted_crlf_bom", "rounding", "ties_zero", "top10_cutoff", "header_only"]


@pytest.mark.parametrize("case", HAND_CASES)
def test_hand_computed_cases_equal_the_cli(spark, adagg_bin, tmp_path, case):
    src = os.path.join(CASES, case, "input.csv")
    for extra in ([], [*ALL_KPIS, "--all"], ["--rank", "cpa", "--min-conversions", "2", "--min-spend", "1.5", "--top", "3"]):
        c, s = tmp_path / "cli", tmp_path / "spark"
        shutil.rmtree(c, ignore_errors=True)
        shutil.rmtree(s, ignore_errors=True)
        run_cli(adagg_bin, [src], str(c), *extra)
        assert run_spark([src], str(s), *extra) == 0
        names = outputs(c)
        assert names == outputs(s)
        assert_same(c, s, names)
    # And what the hand computation says.
    assert run_spark([src], str(tmp_path / "plain")) == 0
    for name in ("ctr", "cpa"):
        assert filecmp.cmp(os.path.join(CASES, case, f"expected_{name}.csv"), tmp_path / "plain" / f"top10_{name}.csv", shallow=False)


@pytest.mark.parametrize("platform", sorted(d for d in os.listdir(FIXTURES) if d.startswith("revenue_")))
def test_normalized_exports_with_revenue_and_names_equal_the_cli(spark, adagg_bin, tmp_path, platform):
    src = os.path.join(FIXTURES, platform, "input.csv")
    subprocess.run([adagg_bin, "normalize", "-i", src, "-o", str(tmp_path / "n")], check=True, capture_output=True)
    normalized = str(tmp_path / "n" / "normalized.csv")
    for extra in ([], [*ALL_KPIS, "--rank", "roas", "--all"], ["--rank", "roas:asc", "--rank", "cpm:desc", "--min-impressions", "1", "--top", "2"]):
        c, s = tmp_path / "cli", tmp_path / "spark"
        shutil.rmtree(c, ignore_errors=True)
        shutil.rmtree(s, ignore_errors=True)
        run_cli(adagg_bin, [normalized], str(c), *extra)
        assert run_spark([normalized], str(s), *extra) == 0
        assert outputs(c) == outputs(s)
        assert_same(c, s, outputs(c))
    assert "campaign_name" in (tmp_path / "spark" / "top2_roas.csv").read_text().splitlines()[0]


def test_kpi_rounding_boundaries_and_zero_denominators(spark, adagg_bin, tmp_path):
    """Each KPI exactly on a half (rounded away from zero), just below it,
    and with a zero denominator (empty, never ranked), on the driver and on
    the cluster path."""
    rows = [
        "campaign_id,date,impressions,clicks,spend,conversions,revenue",
        "HALF,2025-01-01,20000,1,0.005,0,0.0025",  # CTR 0.00005 -> 0.0001; spend 0.005 -> 0.01
        "BELOW,2025-01-01,20001,1,0.004999,1,0.004999",
        "NOIMP,2025-01-01,0,0,1.00,0,2.00",
        "NOCLICK,2025-01-01,10,0,0,0,0",
        "CPM,2025-01-01,1000,3,0.000005,3,1",  # CPM 0.005 -> 0.01
        "=SUM(A1),2025-01-01,7,7,7.125,2,14.25",
        '"a,b",2025-01-01,8,4,3.335,1,0',
    ]
    src = tmp_path / "k.csv"
    src.write_text("\n".join(rows) + "\n")
    for limit in ("200000", "0"):
        for extra in ([], [*ALL_KPIS, "--rank", "roas", "--all"]):
            c, s = tmp_path / "cli", tmp_path / "spark"
            shutil.rmtree(c, ignore_errors=True)
            shutil.rmtree(s, ignore_errors=True)
            run_cli(adagg_bin, [str(src)], str(c), *extra)
            assert run_spark([str(src)], str(s), "--collect-limit", limit, *extra) == 0
            assert_same(c, s, outputs(c))
    text = (tmp_path / "spark" / "all_campaigns.csv").read_text()
    assert "\nHALF,20000,1,0.01,0,0.00,0.0001,0.01,0.00,0.0000,,0.50\n" in text, text
    assert "\n'=SUM(A1)," in text and '\n"a,b",' in text


def test_ratios_that_differ_past_the_30th_digit_are_ranked_exactly(spark, adagg_bin, tmp_path):
    """A/B = 1 - 1e-16 and C/D = 1 - 1/(1e16 + 1): equal as doubles (and in
    Spark's decimal division), yet C/D is larger by ~1e-32. Ranked on the
    cluster (--collect-limit 0), the exact order still wins, as in the CLI."""
    b, d = 10**16, 10**16 + 1
    a, c = b - 1, d - 1
    assert a / b == c / d, "the doubles must not tell them apart for this test to mean anything"
    rows = ["campaign_id,date,impressions,clicks,spend,conversions", f"A,2025-01-01,{b},{a},1,1", f"B,2025-01-01,{d},{c},1,1"]
    rows += [f"F{i:02},2025-01-01,100,{50 + i},1,1" for i in range(12)]
    src = tmp_path / "exact.csv"
    src.write_text("\n".join(rows) + "\n")
    run_cli(adagg_bin, [str(src)], str(tmp_path / "cli"), "--top", "1")
    assert run_spark([str(src)], str(tmp_path / "spark"), "--top", "1", "--collect-limit", "0") == 0
    assert_same(tmp_path / "cli", tmp_path / "spark", ["top10_ctr.csv", "top10_cpa.csv"])
    assert (tmp_path / "spark" / "top10_ctr.csv").read_text().splitlines()[1].startswith("B,")


def test_a_total_past_64_bits_stops_the_job_as_the_cli(spark, adagg_bin, tmp_path, capsys):
    src = tmp_path / "over.csv"
    src.write_text("campaign_id,date,impressions,clicks,spend,conversions\nS,2025-01-01,1,1,18446744073709.551615,1\nS,2025-01-02,1,1,0.000001,1\n")
    r = run_cli(adagg_bin, [str(src)], str(tmp_path / "cli"), check=False)
    assert r.returncode != 0 and 'total spend of campaign "S" exceeds 18446744073709.551615' in r.stderr
    assert run_spark([str(src)], str(tmp_path / "spark")) == 1
    assert 'total spend of campaign "S" exceeds 18446744073709.551615' in capsys.readouterr().err
    # Just below: both give the sum.
    src = tmp_path / "below.csv"
    src.write_text("campaign_id,date,impressions,clicks,spend,conversions\nS,2025-01-01,18446744073709551614,1,1,1\nS,2025-01-02,1,1,1,1\n")
    run_cli(adagg_bin, [str(src)], str(tmp_path / "cli2"))
    assert run_spark([str(src)], str(tmp_path / "spark2")) == 0
    assert_same(tmp_path / "cli2", tmp_path / "spark2", ["top10_ctr.csv", "top10_cpa.csv"])
    assert "18446744073709551615" in (tmp_path / "spark2" / "top10_ctr.csv").read_text()


def test_header_errors_are_said(spark, tmp_path, capsys):
    src = os.path.join(CASES, "missing_columns", "input.csv")
    assert run_spark([src], str(tmp_path / "a")) == 1
    assert "the header names no column for clicks, conversions" in capsys.readouterr().err
    d = tmp_path / "two"
    d.mkdir()
    (d / "a.csv").write_text("campaign_id,date,impressions,clicks,spend,conversions\nA,2025-01-01,1,1,1,1\n")
    (d / "b.csv").write_text("campaign_id,date,clicks,impressions,spend,conversions\nA,2025-01-01,1,1,1,1\n")
    assert run_spark([str(d)], str(tmp_path / "b")) == 1
    assert "repeats the header with its columns in another order" in capsys.readouterr().err
    assert run_spark([str(tmp_path / "nothing-here")], str(tmp_path / "c")) == 1
    assert "nothing-here" in capsys.readouterr().err


def _split_into_files(src, directory, parts):
    """`src` cut into `parts` files at line boundaries, each with the header."""
    with open(src, "rb") as f:
        header = f.readline()
        body = f.read()
    step = len(body) // parts
    cuts = [0]
    for i in range(1, parts):
        cuts.append(body.index(b"\n", i * step) + 1)
    cuts.append(len(body))
    os.makedirs(directory, exist_ok=True)
    names = []
    for i in range(parts):
        name = os.path.join(directory, f"part-{i}.csv")
        with open(name, "wb") as f:
            f.write(header + body[cuts[i] : cuts[i + 1]])
        names.append(name)
    return names


def test_a_large_file_in_three_files_and_many_partitions_equals_the_cli(spark, adagg_bin, tmp_path):
    """~200 MB generated (malformed rows, float noise, and ids quoted with a
    line break inside), split in 3 files read as 8+ partitions: the same
    files as the CLI on the concatenation, and rejected_rows.csv with each
    row's file and line as the CLI writes them for several inputs."""
    gen = os.path.join(os.path.dirname(adagg_bin), "gen")
    src = str(tmp_path / "big.csv")
    subprocess.run(
        [gen, "--rows", "5000000", "--campaigns", "3000", "--seed", "19", "--malformed-every", "99991", "--noisy-every", "7",
         "--quoted-every", "250007", "--output", src],
        check=True,
    )
    files = _split_into_files(src, str(tmp_path / "in"), 3)
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(16 << 20))
    try:
        lines = spark.read.text(str(tmp_path / "in"))
        assert lines.rdd.getNumPartitions() >= 8
        assert run_spark([str(tmp_path / "in")], str(tmp_path / "spark"), *ALL_KPIS, "--all") == 0
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    run_cli(adagg_bin, [src], str(tmp_path / "cli"), *ALL_KPIS, "--all")
    assert_same(tmp_path / "cli", tmp_path / "spark", [n for n in outputs(tmp_path / "cli") if n != "rejected_rows.csv"])
    run_cli(adagg_bin, files, str(tmp_path / "cli3"), *ALL_KPIS, "--all")
    assert_same(tmp_path / "cli3", tmp_path / "spark", outputs(tmp_path / "cli3"))
    assert len((tmp_path / "spark" / "rejected_rows.csv").read_text().splitlines()) > 40


def test_parquet_gives_what_csv_gives(spark, adagg_bin, tmp_path):
    src = os.path.join(CASES, "top10_cutoff", "input.csv")
    df = spark.read.option("header", "true").csv(src)
    df.write.parquet(str(tmp_path / "in.parquet"))
    run_cli(adagg_bin, [src], str(tmp_path / "cli"), "--all")
    assert run_spark([str(tmp_path / "in.parquet")], str(tmp_path / "spark"), "--all") == 0
    assert_same(tmp_path / "cli", tmp_path / "spark", ["top10_ctr.csv", "top10_cpa.csv", "all_campaigns.csv"])


def test_sorted_rows_reach_the_driver_in_order_when_partitions_are_merged(spark):
    """`in_order` merges sorted partitions into fewer jobs: the order holds."""
    from pyspark.sql import functions as F

    from adagg_jobs.performance import in_order

    df = spark.range(0, 50000).select((F.rand(7) * 1e9).cast("long").alias("k")).repartition(16)
    got = [r.k for r in in_order(df.orderBy("k"), 50000, per_job=7000)]
    assert len(got) == 50000 and got == sorted(got)


def test_odd_lines_are_judged_as_the_cli_judges_them(spark, adagg_bin, tmp_path):
    """Lines that leave the fast path: control characters and long values in
    messages (cut at 60 bytes, in the middle of a character too), total and
    footer rows, `Total` as a real campaign, a repeated header, a BOM at a
    line's start, currency signs and codes, exponents, spaces, quotes, CR
    inside quotes, a stray quote: every file equal to the CLI's."""
    long_value = "é" * 40
    rows = [
        "campaign_id,date,impressions,clicks,spend,conversions",
        "A,2025-01-01,1,\x01x\x7f,1,1",
        f"B,2025-01-01,1,{long_value},1,1",
        f"C,2025-01-01,{'9' * 70},1,1,1",
        "Total,2025-01-01,100,10,1.00,1",
        "Total,,100,10,1.00,1",
        "Total: Account,--,100,10,1.00,1",
        "\u00a92026 Example Corp. All rights reserved.",
        "campaign_id,date,impressions,clicks,spend,conversions",
        "\ufeffD,2025-01-01,10,1,$1.50,1",
        "E,2025-01-01, 1,234 ,USD 12.00,1e1",
        " F ,2025-01-01,10,2,1.5E-1,2",
        '"G ""q""",2025-01-01,10,3,"1,000.25",1',
        '"H\rcr",2025-01-01,10,3,1,1',
        'I,2025-01-01,10,3,"1,1',
        "J,2025-01-01,10,3,1.2345675,1",
        "K,2025-01-01,10,3,-0.0000001,1",
        "L,2025-01-01,10,3,12 EUR,1",
        "--,2025-01-01,10,3,1,1",
    ]
    src = tmp_path / "odd.csv"
    src.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    run_cli(adagg_bin, [str(src)], str(tmp_path / "cli"), "--all")
    assert run_spark([str(src)], str(tmp_path / "spark"), "--all") == 0
    assert_same(tmp_path / "cli", tmp_path / "spark", outputs(tmp_path / "cli"))
    assert "\\u{1}" in (tmp_path / "spark" / "rejected_rows.csv").read_text()
