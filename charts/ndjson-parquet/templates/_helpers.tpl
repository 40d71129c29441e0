{{/*
Naming and labels: every object takes its name from "ndjson-parquet.fullname" and its labels from
"ndjson-parquet.labels"; selectors always include the release instance so two releases never collide.
*/}}

{{- define "ndjson-parquet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ndjson-parquet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The full name and a suffix ("dispatcher", "spark-driver"...), within 63 characters: the full name is cut, never the
suffix, so names stay distinct and DNS labels (Services, and every name Karpenter or KEDA copies into a label value:
NodePool, EC2NodeClass, ScaledObject) stay valid for any release name. Call with (dict "context" $ "suffix" "x").
*/}}
{{- define "ndjson-parquet.suffixedName" -}}
{{- $room := sub 62 (len .suffix) | int }}
{{- printf "%s-%s" (include "ndjson-parquet.fullname" .context | trunc $room | trimSuffix "-") .suffix }}
{{- end }}

{{/*
A value as text, whole numbers as integers. Helm reads every YAML number as a float64, and printing, toString and
quote write 134217728 as 1.34217728e+08 (from a million up), which no integer setting of the controller, no
integer field of the API server and no reader of a ConfigMap accepts. Every number the chart writes goes through here.
*/}}
{{- define "ndjson-parquet.plain" -}}
{{- if and (kindIs "float64" .) (eq (floor .) .) (lt . 1e18) (gt . -1e18) }}
{{- printf "%d" (int64 .) }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: name and instance, plus the component when one is given. */}}
{{- define "ndjson-parquet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ndjson-parquet.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/* The one source of labels: call with (dict "context" $ "component" "dispatcher"); component may be empty. */}}
{{- define "ndjson-parquet.labels" -}}
helm.sh/chart: {{ include "ndjson-parquet.chart" .context }}
{{ include "ndjson-parquet.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: ndjson-parquet
{{- with .context.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Namespace of the SparkApplications and their pods: apart from the controllers' by default. */}}
{{- define "ndjson-parquet.jobNamespace" -}}
{{- default (printf "%s-jobs" (default "default" .Release.Namespace | trunc 58 | trimSuffix "-")) .Values.spark.namespace }}
{{- end }}

{{/* The release label on SparkApplications and Spark pods. Not app.kubernetes.io/instance: ArgoCD's label
tracking would take the dispatcher's applications (no owner reference) for its own and prune running jobs. */}}
{{- define "ndjson-parquet.releaseLabel" -}}
ndjson-parquet.dev/release: {{ .Release.Name }}
{{- end }}

{{- define "ndjson-parquet.dispatcherServiceAccountName" -}}
{{- if .Values.dispatcher.serviceAccount.create }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" . "suffix" "dispatcher")) .Values.dispatcher.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.dispatcher.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.builderServiceAccountName" -}}
{{- if .Values.builder.serviceAccount.create }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" . "suffix" "builder")) .Values.builder.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.builder.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.sparkServiceAccountName" -}}
{{- if .Values.spark.serviceAccount.create }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" . "suffix" "spark-driver")) .Values.spark.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.spark.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.sparkExecutorServiceAccountName" -}}
{{- if .Values.spark.serviceAccount.create }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" . "suffix" "spark-executor")) .Values.spark.serviceAccount.executorName }}
{{- else }}
{{- default "default" .Values.spark.serviceAccount.executorName }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.priorityClassName" -}}
{{- $pc := index .context.Values.priorityClasses .role }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" .context "suffix" .role)) $pc.name }}
{{- end }}

{{- define "ndjson-parquet.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "ndjson-parquet.sparkImage" -}}
{{- printf "%s:%s" .Values.spark.image.repository (default .Chart.AppVersion .Values.spark.image.tag) }}
{{- end }}

{{/* Node selector of one capacity pool ("spot" or "onDemand") in the label scheme chosen in values. The "spot" pool
(executors and placeholders) follows scheduling.overflow: `never` selects spot nodes, `always` on-demand nodes, and
`when-spot-unavailable` selects no capacity type (the node affinity of helper "overflowAffinity" allows both and
prefers spot). */}}
{{- define "ndjson-parquet.capacityNodeSelector" -}}
{{- $scheme := .context.Values.scheduling.capacityTypeLabels }}
{{- $overflow := .context.Values.scheduling.overflow }}
{{- $spot := and (eq .pool "spot") (ne $overflow "always") }}
{{- $labels := dict }}
{{- if not (and (eq .pool "spot") (eq $overflow "when-spot-unavailable")) }}
{{- if eq $scheme "karpenter" }}
{{- $_ := set $labels "karpenter.sh/capacity-type" (ternary "spot" "on-demand" $spot) }}
{{- else }}
{{- $_ := set $labels "eks.amazonaws.com/capacityType" (ternary "SPOT" "ON_DEMAND" $spot) }}
{{- end }}
{{- end }}
{{- if .context.Values.karpenter.enabled }}
{{- $_ := set $labels "ndjson-parquet.dev/pool" (ternary "spark-executors" "spark-drivers" (eq .pool "spot")) }}
{{- end }}
{{- $extra := index .context.Values.scheduling .pool }}
{{- toYaml (merge $labels (deepCopy $extra.nodeSelector)) }}
{{- end }}

{{/* With scheduling.overflow `when-spot-unavailable`, the node affinity of executors and placeholders: either capacity
type is allowed (required), spot is preferred (weight 100). The kube-scheduler then puts a pod on a spot node when one
has room; Karpenter treats the preference as required until it cannot launch spot for the pod, then relaxes it; the
Cluster Autoscaler's priority expander (ConfigMap cluster-autoscaler-priority-expander) grows the spot group first.
Nothing for the other settings, whose node selector already says the capacity type. */}}
{{- define "ndjson-parquet.overflowAffinity" -}}
{{- if eq .Values.scheduling.overflow "when-spot-unavailable" }}
{{- $karpenter := eq .Values.scheduling.capacityTypeLabels "karpenter" }}
{{- $key := ternary "karpenter.sh/capacity-type" "eks.amazonaws.com/capacityType" $karpenter }}
{{- $spot := ternary "spot" "SPOT" $karpenter }}
{{- $onDemand := ternary "on-demand" "ON_DEMAND" $karpenter }}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: {{ $key }}
            operator: In
            values: [{{ $spot | quote }}, {{ $onDemand | quote }}]
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      preference:
        matchExpressions:
          - key: {{ $key }}
            operator: In
            values: [{{ $spot | quote }}]
{{- end }}
{{- end }}

{{/* Tolerations of one pool ("spot" or "onDemand"): the values' own, plus one per taint of the chart's
Karpenter pool, so the dedicated pools' taints and the Spark pods' tolerations cannot disagree. */}}
{{- define "ndjson-parquet.capacityTolerations" -}}
{{- include "ndjson-parquet.withPoolTolerations" (dict "context" .context "pool" .pool "own" (index .context.Values.scheduling .pool).tolerations) }}
{{- end }}

{{/* The tolerations "own" plus one per taint of the chart's Karpenter pool "pool" (with karpenter.enabled), without
repeats; nothing when there are none. */}}
{{- define "ndjson-parquet.withPoolTolerations" -}}
{{- $out := list }}
{{- range .own }}
{{- $out = append $out . }}
{{- end }}
{{- if .context.Values.karpenter.enabled }}
{{- range (index .context.Values.karpenter .pool).taints }}
{{- $t := dict "key" .key "operator" (ternary "Exists" "Equal" (not .value)) "effect" .effect }}
{{- if .value }}{{ $_ := set $t "value" .value }}{{ end }}
{{- if not (has $t $out) }}{{ $out = append $out $t }}{{ end }}
{{- end }}
{{- end }}
{{- if $out }}
{{- toYaml $out }}
{{- end }}
{{- end }}

{{/*
Placement of the controllers and the History Server (pods of the pipeline that are not Spark pods): the values'
nodeSelector, tolerations and affinity, and with controller.onDemandOnly a required node affinity "not spot" in
both label schemes (eks.amazonaws.com/capacityType NotIn SPOT, karpenter.sh/capacity-type NotIn spot). NotIn also
matches nodes without the label, so they run on managed on-demand node groups, on Karpenter's on-demand nodes and
on self-managed nodes alike. With karpenter.enabled they also tolerate the chart's on-demand pool, so they are never
stranded in a cluster whose only on-demand capacity is that pool. Renders the pod spec fields (or nothing).
*/}}
{{- define "ndjson-parquet.controllerPlacement" -}}
{{- $v := .Values.controller }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with include "ndjson-parquet.withPoolTolerations" (dict "context" . "pool" "onDemand" "own" $v.tolerations) }}
tolerations:
  {{- . | nindent 2 }}
{{- end }}
{{- $affinity := deepCopy (default dict $v.affinity) }}
{{- if $v.onDemandOnly }}
{{- $notSpot := list (dict "key" "eks.amazonaws.com/capacityType" "operator" "NotIn" "values" (list "SPOT")) (dict "key" "karpenter.sh/capacity-type" "operator" "NotIn" "values" (list "spot")) }}
{{- $nodeAffinity := default dict $affinity.nodeAffinity }}
{{- $required := default dict (index $nodeAffinity "requiredDuringSchedulingIgnoredDuringExecution") }}
{{- $terms := list }}
{{- range (default (list dict) $required.nodeSelectorTerms) }}
{{- $term := deepCopy . }}
{{- $_ := set $term "matchExpressions" (concat (default list $term.matchExpressions) $notSpot) }}
{{- $terms = append $terms $term }}
{{- end }}
{{- $_ := set $required "nodeSelectorTerms" $terms }}
{{- $_ := set $nodeAffinity "requiredDuringSchedulingIgnoredDuringExecution" $required }}
{{- $_ := set $affinity "nodeAffinity" $nodeAffinity }}
{{- end }}
{{- with $affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.leaseName" -}}
{{- $settings := index .context.Values .role }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" .context "suffix" .role)) $settings.leaseName }}
{{- end }}

{{/* A Spark memory setting plus its overhead ("16g" + "4g") as a Kubernetes quantity ("20Gi"). */}}
{{- define "ndjson-parquet.sparkMemoryToQuantity" -}}
{{- $total := 0 }}
{{- range $m := list .memory .overhead }}
{{- $s := lower (toString $m) }}
{{- if hasSuffix "g" $s }}
{{- $total = add $total (mul (trimSuffix "g" $s | int) 1024) }}
{{- else if hasSuffix "m" $s }}
{{- $total = add $total (trimSuffix "m" $s | int) }}
{{- else }}
{{- fail (printf "Spark memory %q must end in m or g" $m) }}
{{- end }}
{{- end }}
{{- printf "%dMi" $total }}
{{- end }}

{{/*
Pre-warming arithmetic, one place for the ScaledObject's formula and the NOTES. The files the builder holds (ingest
messages in flight) become manifests of builder.maxFilesPerManifest files; the dispatcher gives each manifest
ceil(bytes / bytesPerExecutorGb GiB) executors within [minExecutors, maxExecutors]. With files of about
placeholders.expectedFileSizeMb MiB: executorsFor(n files) = min(max, max(min, ceil(n x fileMiB / executorMiB))).
*/}}
{{- define "ndjson-parquet.keda" -}}
{{- $d := .Values.dispatcher }}
{{- $files := int64 .Values.builder.maxFilesPerManifest }}
{{- $fileMib := float64 .Values.placeholders.expectedFileSizeMb }}
{{- $executorMib := mulf $d.bytesPerExecutorGb 1024 }}
{{- $full := ceil (divf (mulf $files $fileMib) $executorMib) | int64 | max (int64 $d.minExecutors) | min (int64 $d.maxExecutors) }}
{{- $cap := int64 .Values.placeholders.maxReplicas }}
{{- if eq $cap 0 }}{{ $cap = mul 2 $full }}{{ end }}
{{- toJson (dict "files" $files "fileMib" $fileMib "executorMib" $executorMib "min" (int64 $d.minExecutors) "max" (int64 $d.maxExecutors) "full" $full "cap" $cap) }}
{{- end }}

{{/* Placeholders for (dict "context" $ "held" n): the executors the manifests of n held files get, capped. */}}
{{- define "ndjson-parquet.placeholdersFor" -}}
{{- $k := include "ndjson-parquet.keda" .context | fromJson }}
{{- $n := int64 .held }}
{{- $rest := mod $n (int64 $k.files) }}
{{- $total := mul (div $n (int64 $k.files)) (int64 $k.full) }}
{{- if gt $rest 0 }}
{{- $total = add $total (ceil (divf (mulf $rest $k.fileMib) $k.executorMib) | int64 | max (int64 $k.min) | min (int64 $k.max)) }}
{{- end }}
{{- min $total (int64 $k.cap) }}
{{- end }}

{{/*
KEDA's formula (scalingModifiers, expr-lang, every number a float): the same arithmetic over the files the builder
holds, ingest_all - ingest_visible (the two triggers read the same queue with and without in-flight messages).
Visible messages are not counted: they are files no builder has taken yet, and with the builder stopped they are
all there is, so the placeholders go to zero instead of climbing to the cap.
*/}}
{{- define "ndjson-parquet.kedaFormula" -}}
{{- $k := include "ndjson-parquet.keda" . | fromJson }}
{{- $held := "max(0.0, ingest_all - ingest_visible)" }}
{{- $m := printf "%d.0" (int64 $k.files) }}
{{- $rest := printf "(%s - floor(%s / %s) * %s)" $held $held $m $m }}
{{- printf "floor(%s / %s) * %d.0 + (%s > 0.0 ? min(%d.0, max(%d.0, ceil(%s * %f / %f))) : 0.0)" $held $m (int64 $k.full) $rest (int64 $k.max) (int64 $k.min) $rest $k.fileMib $k.executorMib }}
{{- end }}

{{- /* Whether the maintain CronJob renders ("true" or empty): maintenance.enabled true, or auto with Iceberg output on
a catalog that does not maintain its tables itself (S3 Tables, REST signed for s3tables, does). */ -}}
{{- define "ndjson-parquet.maintenanceEnabled" -}}
{{- $m := .Values.maintenance.enabled }}
{{- if eq (toString $m) "true" }}true
{{- else if eq (toString $m) "auto" }}
{{- if and (eq (lower (toString .Values.conversion.OUTPUT_MODE)) "iceberg") (ne (lower (toString .Values.conversion.ICEBERG_REST_SIGNING_NAME)) "s3tables") }}true{{- end }}
{{- end }}
{{- end }}

{{- define "ndjson-parquet.maintenanceServiceAccountName" -}}
{{- if .Values.maintenance.serviceAccount.create }}
{{- default (include "ndjson-parquet.suffixedName" (dict "context" . "suffix" "maintain")) .Values.maintenance.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.maintenance.serviceAccount.name }}
{{- end }}
{{- end }}
