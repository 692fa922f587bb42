#!/usr/bin/env bash
# Runs a transferlake command on a cluster with the cluster's own spark-submit.
#
#   deploy/spark-submit.sh nightly --config /etc/transferlake/cluster.conf
#
# The job jar (jobs/target/transferlake-jobs-0.1.0-spark.jar) holds our code, DJL and the
# TensorFlow natives; Spark, Hadoop and Delta are the cluster's. Delta 3.3 and hadoop-aws matching
# the cluster's Hadoop must be on its classpath: installed (air-gapped) or via --packages.
# Extra spark-submit options go in SPARK_SUBMIT_OPTS_EXTRA, for example:
#
#   Standalone:  SPARK_SUBMIT_OPTS_EXTRA="--master spark://master:7077 --deploy-mode client
#                  --executor-memory 8g --total-executor-cores 16"
#   YARN:        SPARK_SUBMIT_OPTS_EXTRA="--master yarn --deploy-mode cluster --num-executors 4
#                  --executor-cores 4 --executor-memory 8g --files /etc/transferlake/cluster.conf"
#                (in cluster mode the driver reads --config ./cluster.conf, shipped by --files)
#   Kubernetes:  SPARK_SUBMIT_OPTS_EXTRA="--master k8s://https://kubernetes.default.svc --deploy-mode cluster
#                  --conf spark.kubernetes.container.image=registry.example.com/transferlake-executor:0.1.0
#                  --conf spark.kubernetes.namespace=transferlake"
#                (the jar is then local:///opt/transferlake/transferlake-jobs-0.1.0-spark.jar: set TRANSFERLAKE_JAR)
#   GPU:         add --properties-file deploy/gpu/spark-gpu.conf and build the jar with -Pgpu.
#
# Exit codes are transferlake's own (0 done, 1 failed, 2 bad config or input, 3 lake lock held)
# in client mode; in cluster mode the scheduler sees spark-submit's (non-zero on any failure).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${TRANSFERLAKE_JAR:-$here/jobs/target/transferlake-jobs-0.1.0-spark.jar}"
packages="${TRANSFERLAKE_PACKAGES-io.delta:delta-spark_2.12:3.3.3,org.apache.hadoop:hadoop-aws:3.3.4}"
# shellcheck disable=SC2086 # SPARK_SUBMIT_OPTS_EXTRA is a list of options, split on purpose.
exec spark-submit \
  ${packages:+--packages "$packages"} \
  --class org.transferlake.jobs.TransferlakeCli \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --conf spark.executorEnv.TF_ENABLE_ONEDNN_OPTS=1 \
  --conf spark.executorEnv.TF_CPP_MIN_LOG_LEVEL=2 \
  ${SPARK_SUBMIT_OPTS_EXTRA:-} \
  "$jar" "$@"
