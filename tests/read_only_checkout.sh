#!/bin/sh
# Run tests in a read-only view of this checkout (a classroom's shared clone, mounted read-only) and list what
# still tries to write into it. Notebook outputs go to COURSE_OUTPUT_DIR (unset: a fresh temporary folder; set
# but empty: the checkout itself). Needs root on Linux for a private mount namespace (unshare -m); nothing outside
# this command sees the read-only mount.
#   sudo COURSE_OUTPUT_DIR= tests/read_only_checkout.sh      # the unit tests, with no output folder of their own
#   sudo tests/read_only_checkout.sh --nbmake notebooks     # the notebooks in smoke mode
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$repo/.venv/bin/python}
[ $# -gt 0 ] || set -- tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT    # only the folder made here: never the COURSE_OUTPUT_DIR a learner set
out=${COURSE_OUTPUT_DIR-$tmp}
unshare -m sh -c 'repo=$1 out=$2 py=$3; shift 3
  mount --bind -o ro "$repo" "$repo" && cd "$repo" || exit 2
  COURSE_OUTPUT_DIR=$out COURSE_SMOKE=1 PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$repo \
    "$py" -m pytest -p no:cacheprovider -q -rfE "$@" 2>&1 | tail -n 40 | grep -E "Read-only|FAILED|ERROR|passed|failed"
' sh "$repo" "$out" "$py" "$@"
