#!/usr/bin/env bash
# Rewrites every settings table generated from the declarations: the README's and the sections of docs/builder.md,
# docs/local.md and docs/soak.md (RegenerateDocs, in tools' test sources). The staleness tests only compare, so a stale
# table always fails the build; this is the one command that writes them. Chart and manifests: render-manifests.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -ntp -pl tools -am -Pregenerate-docs -DskipTests process-test-classes "$@"
