#!/usr/bin/env bash
# A build after one edit, with the page cache and without it (--no-cache),
# side by side in one hyperfine run, on a generated site: by default the
# heavy 10,000-article shape; ARTICLES=100000 PROFILE=light for the large
# one. One article's title is edited before every run. Not part of `cargo test`.
#
#   WORK=/mnt/bench scripts/bench-cache.sh     # a tmpfs is best
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/concord-bench-cache}
articles=${ARTICLES:-10000}
profile=${PROFILE:-heavy}
rounds=${ROUNDS:-6}
mkdir -p "$work"

cargo build --release --quiet
cargo build --release --quiet --example corpus
concord=$PWD/target/release/concord

site=$work/cache-$profile-$articles
if [ ! -d "$site" ]; then
  ./target/release/examples/corpus --articles "$articles" --cities 42 --seed 1 \
    --profile "$profile" --out "$site"
fi
"$concord" build --root "$site" >/dev/null
article=$(find "$site/content" -name '*.md' -print -quit)
edit="sed -i 's/^title = \"\\(.*\\)\"/title = \"\\1 x\"/' $article"
hyperfine --runs "$rounds" --prepare "$edit" \
  "$concord build --root $site" \
  "$concord build --root $site --no-cache"
/usr/bin/time -f "with the cache after one edit: %e s, peak %M KB" \
  sh -c "$edit && $concord build --root $site >/dev/null"
