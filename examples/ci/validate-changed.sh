#!/usr/bin/env bash
# Validates each config changed since a base revision, one file at a time,
# and exits 1 when any of them fails. For CI systems without a SARIF or JUnit
# viewer, or a pre-push hook. Usage: validate-changed.sh [BASE], where BASE
# defaults to origin/main.
set -euo pipefail

base=${1:-origin/main}
status=0
checked=0

# NUL-separated names survive spaces and newlines in file names.
while IFS= read -r -d '' file; do
    case "$file" in
        *.json | *.plist | *.xml | *.csv) ;;
        *) continue ;;
    esac
    checked=$((checked + 1))
    if ! confluence-mdm validate --format short "$file"; then
        status=1
    fi
done < <(git diff -z --name-only --diff-filter=ACMR "$base"...HEAD)

echo "confluence-mdm: $checked changed config(s) checked" >&2
exit "$status"
