#!/usr/bin/env bash
# Runs a transferlake command on a cluster with the cluster's own spark-submit.
#
#   deploy/spark-submit.sh extract --config /etc/transferlake/cluster.conf
#
# The job jar (jobs/target/transferlake-jobs-0.1.0-spark.jar) holds our code, DJL and the
# TensorFlow natives; Spark, Hadoop and Delta are the cluster's. Delta 3.3 and hadoop-aws matching
# the cluster's Hadoop must be on its classpath: installed (air-gapped) or via --packages.
# Extra spark-submit options go in SPARK_SUBMIT_OPTS_EXTRA, e.g. "--master yarn --deploy-mode cluster".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${TRANSFERLAKE_JAR:-$here/jobs/target/transferlake-jobs-0.1.0-spark.jar}"
packages="${TRANSFERLAKE_PACKAGES-io.delta:delta-spark_2.12:3.3.3,org.apache.hadoop:hadoop-aws:3.3.4}"
exec spark-submit \
  ${packages:+--packages "$packages"} \
  --class org.transferlake.jobs.TransferlakeCli \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --conf spark.executorEnv.TF_ENABLE_ONEDNN_OPTS=1 \
  ${SPARK_SUBMIT_OPTS_EXTRA:-} \
  "$jar" "$@"
