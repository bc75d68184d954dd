"""Shared fixtures: one local[2] SparkSession for the whole run, the adagg
CLI binary (built by `npm test` before this suite; ADAGG_BIN overrides), and
the repository's paths."""
import os
import subprocess
import sys

import pytest

SPARK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(SPARK_DIR)
sys.path.insert(0, SPARK_DIR)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    from adagg_jobs.session import configure

    session = (
        SparkSession.builder.master("local[2]")
        .appName("adagg-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    configure(session)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def adagg_bin():
    path = os.environ.get("ADAGG_BIN", os.path.join(REPO, "target", "release", "adagg"))
    if not os.path.exists(path):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "adagg"], cwd=REPO, check=True)
    return path


@pytest.fixture(scope="session")
def repo():
    return REPO
