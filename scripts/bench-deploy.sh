#!/usr/bin/env bash
# The cost of `concord deploy` to a local S3-compatible server (s3rver, from
# the npm registry) for a generated 10,000-article site with search: the
# first full deploy, then deploys of one changed article side by side with
# `concord build` of the same site (hyperfine). Not part of `cargo test`.
#
#   scripts/bench-deploy.sh            # WORK=/tmp/concord-bench-deploy; a tmpfs is best
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/concord-bench-deploy}
rounds=${ROUNDS:-6}
mkdir -p "$work"

cargo build --release --quiet
cargo build --release --quiet --example corpus
concord=$PWD/target/release/concord

s3rver=$work/s3rver/node_modules/.bin/s3rver
[ -x "$s3rver" ] || npm install --silent --no-audit --no-fund --prefix "$work/s3rver" s3rver@3.7.1
rm -rf "$work/data" && mkdir -p "$work/data"
port=4600
NODE_OPTIONS=--openssl-legacy-provider "$s3rver" -d "$work/data" -a 127.0.0.1 -p "$port" \
  --configure-bucket site -s >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 2

site=$work/site
if [ ! -d "$site" ]; then
  ./target/release/examples/corpus --articles 10000 --cities 40 --seed 1 --out "$site" --search
  printf '\n[[deploy.targets]]\nname = "local"\nurl = "s3://site/news"\nendpoint = "http://127.0.0.1:%s"\n' "$port" >> "$site/config.toml"
fi
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
timed() { /usr/bin/time -f "%e s, peak %M KB" "$@" 2>&1 | tail -n 2; }

echo "First deploy:"
timed "$concord" deploy --root "$site"
# One article's title edited before every run, and build's output folder
# removed, so both commands do the work of a real edit; side by side in
# one hyperfine run, as the machine's load moves between runs.
article=$(find "$site/content" -name '*.md' -print -quit)
edit="sed -i 's/^title = \"\\(.*\\)\"/title = \"\\1 x\"/' $article; rm -rf $site/public"
hyperfine --runs "$rounds" --prepare "$edit" \
  "$concord deploy --root $site" \
  "$concord build --root $site"
