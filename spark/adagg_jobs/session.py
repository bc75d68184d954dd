"""The SparkSession every job uses: ANSI mode (64-bit overflow is an error,
never a wrap), UTC, and our package shipped to the executors when the job
runs on a cluster."""
import os
import shutil
import tempfile

from pyspark.sql import SparkSession


def get_session(app_name):
    """The active session, or a new one (`spark-submit` sets the master;
    run with plain `python`, the master is `ADAGG_SPARK_MASTER` or `local[*]`)."""
    builder = SparkSession.builder.appName(app_name)
    if "SPARK_HOME" not in os.environ and not os.environ.get("PYSPARK_SUBMIT_ARGS"):
        builder = builder.master(os.environ.get("ADAGG_SPARK_MASTER", "local[*]"))
    spark = (
        builder.config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    configure(spark)
    return spark


def configure(spark):
    """Settings a job relies on, also for a session made elsewhere (tests)."""
    spark.conf.set("spark.sql.ansi.enabled", "true")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    # On one machine, Spark's default of 200 shuffle partitions makes every
    # small step 200 tasks; a cluster keeps what its configuration says.
    context = spark.sparkContext
    if context.master.startswith("local") and context.getConf().get("spark.sql.shuffle.partitions") is None:
        spark.conf.set("spark.sql.shuffle.partitions", str(max(2, 2 * context.defaultParallelism)))
    if not getattr(spark.sparkContext, "_adagg_shipped", False):
        ship_package(spark)
        spark.sparkContext._adagg_shipped = True


def ship_package(spark):
    """Adds this package as a zip to the executors' Python path (needed only
    by jobs that run Python on the executors)."""
    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp(prefix="adagg-jobs-")
    archive = shutil.make_archive(os.path.join(tmp, "adagg_jobs"), "zip", os.path.dirname(here), "adagg_jobs")
    spark.sparkContext.addPyFile(archive)
