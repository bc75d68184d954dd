"""adagg's jobs on Apache Spark (see spark/adagg_spark.py and the README's
"Beyond one machine"). Pure Spark SQL on the executors wherever possible,
so a cluster runs them without Python code of ours beyond the driver."""
