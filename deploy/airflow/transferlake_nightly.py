"""Airflow DAG: transferlake's nightly on a Spark cluster, one SparkSubmitOperator task.

Needs apache-airflow-providers-apache-spark and a `spark_default` connection pointing at the
cluster (YARN, standalone or Kubernetes). The job's exit codes: 0 done, 1 failed (retried),
2 bad config or input, 3 another run holds the lake lock (not retried: the next night catches up).
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/transferlake/transferlake-jobs-0.1.0-spark.jar"

with DAG(
    dag_id="transferlake_nightly",
    schedule="15 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=30)},
    tags=["transferlake"],
) as dag:
    nightly = SparkSubmitOperator(
        task_id="nightly",
        conn_id="spark_default",
        application=JAR,
        java_class="org.transferlake.jobs.TransferlakeCli",
        application_args=["nightly", "--config", "/etc/transferlake/cluster.conf"],
        packages="io.delta:delta-spark_2.12:3.3.3,org.apache.hadoop:hadoop-aws:3.3.4",
        conf={
            "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
            "spark.executorEnv.TF_ENABLE_ONEDNN_OPTS": "1",
            "spark.executorEnv.TF_CPP_MIN_LOG_LEVEL": "2",
        },
        name="transferlake-nightly",
        execution_timeout=timedelta(hours=6),
    )
