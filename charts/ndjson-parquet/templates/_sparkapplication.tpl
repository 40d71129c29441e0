{{/*
The SparkApplication the dispatcher starts for every manifest. It has no name: the dispatcher sets the name
(from the manifest id), labels, arguments (--manifest <uri>) and executor instances (from the manifest's bytes).
What the restricted Pod Security Standard and the scheduler need (security contexts, tolerations, priority,
ephemeral storage, the executors' grace period, no API token for executors) is in the pod templates
(driver.template / executor.template), and /tmp is a Spark volume setting: spark-submit applies both itself,
so a spark-operator webhook outage cannot produce pods the namespace refuses or that cannot write /tmp.
The same fields are also set at the CRD level, where spark-operator's webhook applies them.
*/}}
{{- define "ndjson-parquet.sparkApplicationTemplate" -}}
{{- if lt (int .Values.spark.timeToLiveSeconds) (mul 2 (int .Values.dispatcher.visibilityTimeoutSeconds)) }}
{{- fail "spark.timeToLiveSeconds must be at least twice dispatcher.visibilityTimeoutSeconds, so a finished application outlives its message (the dispatcher refuses to start otherwise)" }}
{{- end }}
{{- $jobNs := include "ndjson-parquet.jobNamespace" . -}}
{{- $sa := include "ndjson-parquet.sparkServiceAccountName" . -}}
{{- $executorSa := include "ndjson-parquet.sparkExecutorServiceAccountName" . -}}
{{- $sparkConf := dict
  "spark.sql.sources.commitProtocolClass" "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol"
  "spark.sql.parquet.output.committer.class" "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"
-}}
{{- if .Values.spark.decommission.enabled }}
{{- $_ := set $sparkConf "spark.decommission.enabled" "true" }}
{{- $_ := set $sparkConf "spark.storage.decommission.enabled" "true" }}
{{- $_ := set $sparkConf "spark.storage.decommission.shuffleBlocks.enabled" "true" }}
{{- $_ := set $sparkConf "spark.storage.decommission.rddBlocks.enabled" "true" }}
{{- $_ := set $sparkConf "spark.executor.decommission.forceKillTimeout" (printf "%ds" (sub (int64 .Values.spark.executor.terminationGracePeriodSeconds) 10)) }}
{{- with .Values.spark.decommission.fallbackStoragePath }}
{{- $_ := set $sparkConf "spark.storage.decommission.fallbackStorage.path" . }}
{{- end }}
{{- end }}
{{- /* /tmp (S3A's upload buffers) as an emptyDir through Spark's own volume settings: spark-submit mounts it,
no webhook involved (the root filesystem is read-only). Spark adds its local directories as emptyDirs itself. */ -}}
{{- range $role := list "driver" "executor" }}
{{- $_ := set $sparkConf (printf "spark.kubernetes.%s.volumes.emptyDir.tmp.mount.path" $role) "/tmp" }}
{{- $_ := set $sparkConf (printf "spark.kubernetes.%s.volumes.emptyDir.tmp.mount.readOnly" $role) "false" }}
{{- $_ := set $sparkConf (printf "spark.kubernetes.%s.volumes.emptyDir.tmp.options.sizeLimit" $role) (include "ndjson-parquet.plain" $.Values.spark.tmpSizeLimit) }}
{{- end }}
{{- if .Values.spark.metrics.enabled }}
{{- $_ := set $sparkConf "spark.ui.prometheus.enabled" "true" }}
{{- $_ := set $sparkConf "spark.metrics.conf.*.sink.prometheusServlet.class" "org.apache.spark.metrics.sink.PrometheusServlet" }}
{{- $_ := set $sparkConf "spark.metrics.conf.*.sink.prometheusServlet.path" "/metrics/prometheus/" }}
{{- $_ := set $sparkConf "spark.metrics.appStatusSource.enabled" "true" }}
{{- /* A fixed namespace instead of the application id, so metric names are the same for every run. */ -}}
{{- $_ := set $sparkConf "spark.metrics.namespace" "ndjson_parquet_spark" }}
{{- end }}
{{- if .Values.spark.eventLog.enabled }}
{{- $_ := set $sparkConf "spark.eventLog.enabled" "true" }}
{{- $_ := set $sparkConf "spark.eventLog.dir" (required "spark.eventLog.dir is required when spark.eventLog.enabled" .Values.spark.eventLog.dir) }}
{{- $_ := set $sparkConf "spark.eventLog.compress" "true" }}
{{- $_ := set $sparkConf "spark.eventLog.rolling.enabled" "true" }}
{{- end }}
{{- /* Conversion settings: the driver's environment, by the names ConversionSettings declares. */ -}}
{{- /* A secret setting (ConversionSettings declares ICEBERG_CATALOG_PROPERTIES secret) names a Secret: `<name>:<key>`. */ -}}
{{- range $env, $v := .Values.conversion }}
{{- $text := include "ndjson-parquet.plain" $v }}
{{- if ne $text "" }}
{{- if eq $env "ICEBERG_CATALOG_PROPERTIES" }}
{{- $_ := set $sparkConf (printf "spark.kubernetes.driver.secretKeyRef.%s" $env) $text }}
{{- else }}
{{- $_ := set $sparkConf (printf "spark.kubernetes.driverEnv.%s" $env) $text }}
{{- end }}
{{- end }}
{{- end }}
{{- $sparkConf = merge (deepCopy .Values.spark.sparkConf) $sparkConf -}}
{{- $hadoopConf := dict
  "fs.s3a.aws.credentials.provider" .Values.spark.s3aCredentialsProvider
  "fs.s3a.endpoint.region" .Values.aws.region
  "fs.s3a.committer.name" "magic"
  "fs.s3a.committer.magic.enabled" "true"
  "fs.s3a.fast.upload.buffer" "disk"
  "fs.s3a.buffer.dir" "/tmp/s3a"
-}}
{{- $hadoopConf = merge (deepCopy .Values.spark.hadoopConf) $hadoopConf -}}
{{- $roles := dict
  "driver" (dict "sa" $sa "pool" "onDemand" "component" "spark-driver" "container" "spark-kubernetes-driver" "token" true "v" .Values.spark.driver)
  "executor" (dict "sa" $executorSa "pool" "spot" "component" "spark-executor" "container" "spark-kubernetes-executor" "token" false "v" .Values.spark.executor) -}}
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  namespace: {{ $jobNs }}
  labels:
    app.kubernetes.io/part-of: ndjson-parquet
    {{- include "ndjson-parquet.releaseLabel" . | nindent 4 }}
spec:
  type: Java
  mode: cluster
  sparkVersion: {{ .Values.spark.sparkVersion | quote }}
  image: {{ include "ndjson-parquet.sparkImage" . }}
  imagePullPolicy: {{ .Values.spark.image.pullPolicy }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - {{ .name }}
    {{- end }}
  {{- end }}
  # No mainClass: the dispatcher always sets the Spark application's own (SparkApplicationBuilder.MAIN_CLASS).
  mainApplicationFile: {{ .Values.spark.mainApplicationFile }}
  # The dispatcher owns retries (MAX_ATTEMPTS); spark-operator never reruns a failed application.
  restartPolicy:
    type: Never
  timeToLiveSeconds: {{ include "ndjson-parquet.plain" .Values.spark.timeToLiveSeconds }}
  sparkConf:
    {{- range $k, $v := $sparkConf }}
    {{ $k | quote }}: {{ include "ndjson-parquet.plain" $v | quote }}
    {{- end }}
  hadoopConf:
    {{- range $k, $v := $hadoopConf }}
    {{ $k }}: {{ include "ndjson-parquet.plain" $v | quote }}
    {{- end }}
{{- range $role := list "driver" "executor" }}
{{- $r := index $roles $role }}
{{- $tolerations := include "ndjson-parquet.capacityTolerations" (dict "context" $ "pool" $r.pool) }}
{{- $nodeSelector := include "ndjson-parquet.capacityNodeSelector" (dict "context" $ "pool" $r.pool) }}
{{- $priority := include "ndjson-parquet.priorityClassName" (dict "context" $ "role" $role) }}
{{- $affinity := ternary (include "ndjson-parquet.overflowAffinity" $) "" (eq $role "executor") }}
  {{ $role }}:
    cores: {{ include "ndjson-parquet.plain" $r.v.cores }}
    memory: {{ $r.v.memory | quote }}
    memoryOverhead: {{ $r.v.memoryOverhead | quote }}
    serviceAccount: {{ $r.sa }}
    priorityClassName: {{ $priority }}
    {{- with $r.v.javaOptions }}
    javaOptions: {{ . | quote }}
    {{- end }}
    {{- if eq $role "executor" }}
    terminationGracePeriodSeconds: {{ include "ndjson-parquet.plain" $.Values.spark.executor.terminationGracePeriodSeconds }}
    deleteOnTermination: true
    {{- end }}
    labels:
      app.kubernetes.io/part-of: ndjson-parquet
      app.kubernetes.io/component: {{ $r.component }}
      {{- include "ndjson-parquet.releaseLabel" $ | nindent 6 }}
    annotations:
      # Karpenter never consolidates or drifts a node away under a running driver or executor (spot
      # interruptions still happen, and executors decommission within the notice).
      karpenter.sh/do-not-disrupt: "true"
    nodeSelector:
      {{- $nodeSelector | nindent 6 }}
    {{- with $affinity }}
    affinity:
      {{- . | nindent 6 }}
    {{- end }}
    {{- with $tolerations }}
    tolerations:
      {{- . | nindent 6 }}
    {{- end }}
    podSecurityContext:
      {{- toYaml $.Values.spark.podSecurityContext | nindent 6 }}
    securityContext:
      {{- toYaml $.Values.spark.securityContext | nindent 6 }}
    template:
      metadata:
        labels:
          app.kubernetes.io/part-of: ndjson-parquet
          app.kubernetes.io/component: {{ $r.component }}
          {{- include "ndjson-parquet.releaseLabel" $ | nindent 10 }}
        annotations:
          karpenter.sh/do-not-disrupt: "true"
      spec:
        # Executors never talk to the API server; only the driver (which creates them) gets a token.
        automountServiceAccountToken: {{ $r.token }}
        priorityClassName: {{ $priority }}
        {{- if eq $role "executor" }}
        terminationGracePeriodSeconds: {{ include "ndjson-parquet.plain" $.Values.spark.executor.terminationGracePeriodSeconds }}
        {{- end }}
        nodeSelector:
          {{- $nodeSelector | nindent 10 }}
        {{- with $affinity }}
        affinity:
          {{- . | nindent 10 }}
        {{- end }}
        {{- with $tolerations }}
        tolerations:
          {{- . | nindent 10 }}
        {{- end }}
        securityContext:
          {{- toYaml $.Values.spark.podSecurityContext | nindent 10 }}
        containers:
          - name: {{ $r.container }}
            securityContext:
              {{- toYaml $.Values.spark.securityContext | nindent 14 }}
            resources:
              requests:
                ephemeral-storage: {{ include "ndjson-parquet.plain" $r.v.ephemeralStorage }}
{{- end }}
{{- end }}
