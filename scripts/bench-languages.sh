#!/usr/bin/env bash
# A site in two languages against a site in one, with the same 10,000
# generated articles (5,000 per language, linked in pairs as translations).
# Builds into empty folders on tmpfs, alternating the two sites so that
# both see the same machine; prints mean wall and CPU time and their ratio.
#
#   scripts/bench-languages.sh          # 20 rounds
#   ROUNDS=40 ARTICLES=10000 scripts/bench-languages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-20}
articles=${ARTICLES:-10000}
work=${WORK:-/tmp/concord-bench-languages}
out=${OUT:-/dev/shm/concord-bench-languages}

[ -x /usr/bin/time ] || { echo "install GNU time first: apt-get install time" >&2; exit 1; }

cargo build --release --quiet
cargo build --release --quiet --example corpus
concord=$PWD/target/release/concord
mkdir -p "$work" "$out"
[ -d "$work/one" ] || ./target/release/examples/corpus --articles "$articles" --cities 40 --seed 1 --out "$work/one"
[ -d "$work/two" ] || ./target/release/examples/corpus --articles "$articles" --cities 40 --seed 1 --out "$work/two" --bilingual

for _ in $(seq "$rounds"); do
  for site in one two; do
    rm -rf "${out:?}/$site" "$out/.$site.concord-spare"
    /usr/bin/time -f "$site %e %U %S" "$concord" build --root "$work/$site" --output "$out/$site" 2>&1 >/dev/null | tail -n 1
  done
done | awk '
  { wall[$1] += $2; cpu[$1] += $3 + $4; n[$1]++ }
  END {
    for (s in wall) printf "%s language(s): wall %.3f s, cpu %.3f s (mean of %d)\n", (s == "one" ? "one" : "two"), wall[s] / n[s], cpu[s] / n[s], n[s]
    printf "two / one: wall %.3f, cpu %.3f\n", wall["two"] / wall["one"], cpu["two"] / cpu["one"]
  }'
