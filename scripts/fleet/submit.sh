#!/bin/bash
# submit.sh KIND... - submits scripts/fleet/traplab-array.sbatch once per
# node kind, with TRAPLAB_REPEATS array tasks each (default 2).
#   KIND          a partition name: sbatch --partition=KIND
#   feature:NAME  a node feature:    sbatch --constraint=NAME
# Extra sbatch options go in TRAPLAB_SBATCH_ARGS (e.g. "--account=perf").
# Prints one "KIND JOBID" line per submission.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 KIND|feature:NAME..." >&2; exit 2; }
: "${TRAPLAB_HISTORY:?set TRAPLAB_HISTORY to the shared history (postgres://...)}"
n=${TRAPLAB_REPEATS:-2}
read -r -a extra <<<"${TRAPLAB_SBATCH_ARGS:-}"
for kind in "$@"; do
	case $kind in
	feature:*) sel=(--constraint="${kind#feature:}") ;;
	*) sel=(--partition="$kind") ;;
	esac
	id=$(sbatch --parsable "${sel[@]}" "${extra[@]}" --array="0-$((n - 1))" \
		--job-name="traplab-${kind#feature:}" "$here/traplab-array.sbatch")
	echo "$kind ${id%%;*}"
done
