#!/usr/bin/env bash
# Mutation testing of the files in its scope that a change touched, for CI: a full run over
# shared/domain and the mailbox limiter takes about an hour on 2 cores (docs/mutation-testing.md).
# The change is what HEAD adds to MUTATION_BASE (default: its first parent, so a merge counts whole).
# Exits non-zero when the touched files score below the break threshold of stryker.config.json.
set -uo pipefail
cd "$(dirname "$0")/.."

base=${MUTATION_BASE:-HEAD^1}
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "mutation testing: no base commit $base (shallow clone?), nothing to compare against"
  exit 0
fi
files=$(git diff --name-only --diff-filter=AMR "$(git merge-base "$base" HEAD)" HEAD -- \
  'shared/domain/*.ts' shared/adapters/mailboxLimiter.ts shared/adapters/semaphore.ts | paste -sd, -)
if [ -z "$files" ]; then
  echo "mutation testing: no file in its scope changed since $base"
  exit 0
fi
echo "mutation testing of: $files"
npx stryker run --mutate "$files" --reporters clear-text,html,json
