#!/usr/bin/env bash
# Regenerates what is derived from charts/ndjson-parquet, so it is never edited by hand:
#   manifests/k8s/                   (helm template with default values, plus the Namespace and kustomization)
#   charts/ndjson-parquet/README.md  (the values table, from the '# --' comments of values.yaml)
#   examples/kustomize-overlay/sparkapplication.yaml  (the chart's SparkApplication template for the overlay's image and region)
#   controller/src/main/resources/spark-application-template.yaml  (the dispatcher's built-in template: the chart's, defaults)
# It runs the drift test in write mode (helm-java renders the chart; no helm binary is needed).
# The same test, run without -Dndjsonparquet.regenerate, fails in CI when these files are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -pl deploy -am test \
  -Dtest=GeneratedFilesTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dndjsonparquet.regenerate=true "$@"
git status --short -- manifests/k8s charts/ndjson-parquet/README.md examples/kustomize-overlay/sparkapplication.yaml \
  controller/src/main/resources/spark-application-template.yaml
