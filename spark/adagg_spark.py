#!/usr/bin/env python3
"""adagg on Apache Spark: the same answers as the adagg CLI, from a cluster.

    spark-submit spark/adagg_spark.py performance --input PATH_OR_GLOB --output DIR [--top N] ...
    spark-submit spark/adagg_spark.py clicks --input PATH_OR_GLOB --output DIR ...
    spark-submit spark/adagg_spark.py clicks-stream --source DIR --checkpoint DIR --output DIR ...

Each job lives in its own module of the `adagg_jobs` package beside this
file; `python spark/adagg_spark.py JOB --help` lists a job's options.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from adagg_jobs import cli  # noqa: E402

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
