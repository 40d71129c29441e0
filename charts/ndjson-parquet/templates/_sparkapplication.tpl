{{/*
The SparkApplication the dispatcher starts for every manifest. It has no name: the dispatcher sets the name
(from the manifest id), labels, arguments (--manifest <uri>) and executor instances (from the manifest's bytes).
*/}}
{{- define "ndjson-parquet.sparkApplicationTemplate" -}}
{{- if lt (int .Values.spark.timeToLiveSeconds) (mul 2 (int .Values.dispatcher.visibilityTimeoutSeconds)) }}
{{- fail "spark.timeToLiveSeconds must be at least twice dispatcher.visibilityTimeoutSeconds, so a finished application outlives its message (the dispatcher refuses to start otherwise)" }}
{{- end }}
{{- $jobNs := include "ndjson-parquet.jobNamespace" . -}}
{{- $sa := include "ndjson-parquet.sparkServiceAccountName" . -}}
{{- $sparkConf := dict
  "spark.sql.sources.commitProtocolClass" "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol"
  "spark.sql.parquet.output.committer.class" "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"
-}}
{{- if .Values.spark.decommission.enabled }}
{{- $_ := set $sparkConf "spark.decommission.enabled" "true" }}
{{- $_ := set $sparkConf "spark.storage.decommission.enabled" "true" }}
{{- $_ := set $sparkConf "spark.storage.decommission.shuffleBlocks.enabled" "true" }}
{{- $_ := set $sparkConf "spark.storage.decommission.rddBlocks.enabled" "true" }}
{{- $_ := set $sparkConf "spark.executor.decommission.forceKillTimeout" (printf "%ds" (sub .Values.spark.executor.terminationGracePeriodSeconds 10)) }}
{{- with .Values.spark.decommission.fallbackStoragePath }}
{{- $_ := set $sparkConf "spark.storage.decommission.fallbackStorage.path" . }}
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
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  namespace: {{ $jobNs }}
  labels:
    app.kubernetes.io/part-of: ndjson-parquet
    app.kubernetes.io/instance: {{ .Release.Name }}
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
  mainClass: {{ .Values.spark.mainClass }}
  mainApplicationFile: {{ .Values.spark.mainApplicationFile }}
  restartPolicy:
    {{- toYaml .Values.spark.restartPolicy | nindent 4 }}
  timeToLiveSeconds: {{ .Values.spark.timeToLiveSeconds }}
  sparkConf:
    {{- range $k, $v := $sparkConf }}
    {{ $k }}: {{ $v | toString | quote }}
    {{- end }}
  hadoopConf:
    {{- range $k, $v := $hadoopConf }}
    {{ $k }}: {{ $v | toString | quote }}
    {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.spark.tmpSizeLimit }}
  driver:
    cores: {{ .Values.spark.driver.cores }}
    memory: {{ .Values.spark.driver.memory | quote }}
    memoryOverhead: {{ .Values.spark.driver.memoryOverhead | quote }}
    serviceAccount: {{ $sa }}
    priorityClassName: {{ include "ndjson-parquet.priorityClassName" (dict "context" . "role" "driver") }}
    labels:
      app.kubernetes.io/part-of: ndjson-parquet
      app.kubernetes.io/component: spark-driver
    nodeSelector:
      {{- include "ndjson-parquet.capacityNodeSelector" (dict "context" . "pool" "onDemand") | nindent 6 }}
    {{- with .Values.scheduling.onDemand.tolerations }}
    tolerations:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    podSecurityContext:
      {{- toYaml .Values.spark.podSecurityContext | nindent 6 }}
    securityContext:
      {{- toYaml .Values.spark.securityContext | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
  executor:
    cores: {{ .Values.spark.executor.cores }}
    memory: {{ .Values.spark.executor.memory | quote }}
    memoryOverhead: {{ .Values.spark.executor.memoryOverhead | quote }}
    serviceAccount: {{ $sa }}
    priorityClassName: {{ include "ndjson-parquet.priorityClassName" (dict "context" . "role" "executor") }}
    terminationGracePeriodSeconds: {{ .Values.spark.executor.terminationGracePeriodSeconds }}
    deleteOnTermination: true
    labels:
      app.kubernetes.io/part-of: ndjson-parquet
      app.kubernetes.io/component: spark-executor
    nodeSelector:
      {{- include "ndjson-parquet.capacityNodeSelector" (dict "context" . "pool" "spot") | nindent 6 }}
    {{- with .Values.scheduling.spot.tolerations }}
    tolerations:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    podSecurityContext:
      {{- toYaml .Values.spark.podSecurityContext | nindent 6 }}
    securityContext:
      {{- toYaml .Values.spark.securityContext | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
{{- end }}
