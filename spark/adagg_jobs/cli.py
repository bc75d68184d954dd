"""The command line of spark/adagg_spark.py: picks the job, hands it its
arguments. Errors a user can fix are printed as one line and exit 1."""
import importlib
import sys

JOBS = {
    "performance": "adagg_jobs.performance",
    "clicks": "adagg_jobs.clicks",
    "clicks-stream": "adagg_jobs.clicks_stream",
}

USAGE = "usage: adagg_spark.py {" + ",".join(JOBS) + "} [options]   (JOB --help for a job's options)"


class UsageError(Exception):
    """A mistake in the command line or the input that the user can fix."""


def main(argv):
    if not argv or argv[0] not in JOBS:
        print(USAGE, file=sys.stderr)
        return 1
    module = importlib.import_module(JOBS[argv[0]])
    try:
        return module.main(argv[1:]) or 0
    except UsageError as e:
        print(f"adagg_spark {argv[0]}: {e}", file=sys.stderr)
        return 1
