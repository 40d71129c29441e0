package dev.ndjsonparquet.tools.local;

import java.util.Map;

/**
 * The SparkApplication template a platform team would write for the in-process S3 server: the production shape, S3A
 * pointed at the server (path-style, plain HTTP, any keys), small drivers, and spark-operator retrying a failed run
 * once after a second. The end-to-end scenarios and the soak run their applications from it. Pure.
 */
public final class InProcessS3Template {

    private InProcessS3Template() {
    }

    /**
     * @param s3Port     where S3A reaches the S3 server (or the soak's proxy in front of it)
     * @param hadoopConf further S3A settings (timeouts), added to the template's {@code hadoopConf}
     */
    public static String of(int s3Port, Map<String, String> hadoopConf) {
        StringBuilder extra = new StringBuilder();
        hadoopConf.forEach((k, v) -> extra.append("    ").append(k).append(": \"").append(v).append("\"\n"));
        return """
                apiVersion: sparkoperator.k8s.io/v1beta2
                kind: SparkApplication
                metadata:
                  labels: {}
                spec:
                  type: Java
                  mode: cluster
                  image: ndjson-parquet/spark:latest
                  imagePullPolicy: IfNotPresent
                  sparkVersion: "4.2.0"
                  mainApplicationFile: local:///opt/spark/jars/ndjson-parquet-spark-app.jar
                  timeToLiveSeconds: 86400
                  restartPolicy:
                    type: OnFailure
                    onFailureRetries: 1
                    onFailureRetryInterval: 1
                    onSubmissionFailureRetries: 1
                    onSubmissionFailureRetryInterval: 1
                  sparkConf:
                    spark.sql.defaultUrlStreamHandlerFactory.enabled: "false"
                  hadoopConf:
                    fs.s3a.endpoint: http://127.0.0.1:%d
                    fs.s3a.endpoint.region: us-east-1
                    fs.s3a.path.style.access: "true"
                    fs.s3a.connection.ssl.enabled: "false"
                    fs.s3a.aws.credentials.provider: org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
                    fs.s3a.access.key: test
                    fs.s3a.secret.key: test
                %s  driver:
                    cores: 1
                    memory: 512m
                    serviceAccount: ndjson-parquet-spark
                  executor:
                    cores: 1
                    memory: 512m
                """.formatted(s3Port, extra);
    }
}
