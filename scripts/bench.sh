#!/usr/bin/env bash
# Speed and memory of `concord build` against Hugo on the same generated
# content, and the preview's incremental rebuild. Not part of `cargo test`.
#
#   scripts/bench.sh                 # 1k, 10k and 100k articles (light shape); Hugo at 1k and 10k;
#                                    # then the heavy shape at 10k against Hugo, search, preview
#   SIZES="1000 10000" scripts/bench.sh
#   HUGO_SIZES="1000 10000 100000" scripts/bench.sh   # Hugo at 100k takes minutes
#
# Needs hyperfine, hugo and GNU time (Debian packages); installs them when run as root.
# The search comparison installs Pagefind's command line from the npm registry (needs npm).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${SIZES:-"1000 10000 100000"}
hugo_sizes=${HUGO_SIZES:-"1000 10000"}
work=${WORK:-/tmp/concord-bench}
cities=40

missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v hugo >/dev/null || missing+=(hugo)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "install first: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

cargo build --release --quiet
cargo build --release --quiet --example corpus --example serve_latency
concord=$PWD/target/release/concord
mkdir -p "$work"

peak_mib() { # command... -> peak resident memory in MiB
  /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }'
}

results=$work/results.tsv
printf "articles\ttool\tmean_s\tpeak_mib\n" > "$results"
for n in $sizes; do
  site=$work/concord-$n
  hugo_site=$work/hugo-$n
  if [ ! -d "$site" ]; then
    ./target/release/examples/corpus --articles "$n" --cities "$cities" --seed 1 --out "$site" --hugo "$hugo_site"
  fi
  runs=5
  [ "$n" -ge 100000 ] && runs=3
  rm -rf "$site/public"
  commands=("$concord build --root $site --output $site/public")
  if [[ " $hugo_sizes " == *" $n "* ]]; then
    commands+=("hugo --quiet --source $hugo_site --destination $hugo_site/public")
  fi
  hyperfine --warmup 1 --runs "$runs" --export-json "$work/hyperfine-$n.json" "${commands[@]}"
  mean() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(r[int(sys.argv[2])]['mean'])" "$work/hyperfine-$n.json" "$1"; }
  printf "%s\tconcord\t%s\t%s\n" "$n" "$(mean 0)" "$(peak_mib "$concord" build --root "$site" --output "$site/public")" >> "$results"
  if [ ${#commands[@]} -gt 1 ]; then
    printf "%s\thugo\t%s\t%s\n" "$n" "$(mean 1)" "$(peak_mib hugo --quiet --source "$hugo_site" --destination "$hugo_site/public")" >> "$results"
  fi
done

echo
echo "Heavy shape, 10,000 articles (1-3 of 6 topics, ~575-word bodies with headings, a list, a"
echo "blockquote, a link and emphasis), 42 cities, a fresh output folder for every run:"
heavy=$work/heavy-10000
[ -d "$heavy" ] || ./target/release/examples/corpus --articles 10000 --cities 42 --seed 1 --profile heavy --out "$heavy" --hugo "$heavy-hugo"
hyperfine --warmup 1 --runs 5 \
  --prepare "rm -rf $heavy/public $heavy-hugo/public" \
  "$concord build --root $heavy" \
  "hugo --quiet --source $heavy-hugo --destination $heavy-hugo/public"
echo "peak MiB, Concord: $(peak_mib "$concord" build --root "$heavy" --output "$heavy/public-peak")"
echo "peak MiB, Hugo: $(peak_mib hugo --quiet --source "$heavy-hugo" --destination "$heavy-hugo/public-peak")"
rm -rf "$heavy/public-peak" "$heavy-hugo/public-peak"

echo
echo "Search, 10,000 articles: Concord with its index against Hugo followed by the Pagefind command line:"
pagefind=$work/pagefind/node_modules/.bin/pagefind
if [ ! -x "$pagefind" ]; then
  mkdir -p "$work/pagefind"
  (cd "$work/pagefind" && npm install --silent pagefind@1.4.0)
fi
searched=$work/search-10000
[ -d "$searched" ] || ./target/release/examples/corpus --articles 10000 --cities "$cities" --seed 1 --out "$searched" --hugo "$searched-hugo" --search
hyperfine --warmup 1 --runs 3 \
  --prepare "rm -rf $searched/public $searched-hugo/public" \
  "$concord build --root $searched" \
  "sh -c 'hugo --quiet --source $searched-hugo --destination $searched-hugo/public && $pagefind --site $searched-hugo/public --silent'"
echo "peak MiB, Concord with search: $(peak_mib "$concord" build --root "$searched")"
echo "peak MiB, Pagefind over Hugo's output: $(peak_mib "$pagefind" --site "$searched-hugo/public" --silent)"

echo
echo "Preview, 10,000 articles (one article saved):"
[ -d "$work/concord-10000" ] || ./target/release/examples/corpus --articles 10000 --cities "$cities" --seed 1 --out "$work/concord-10000"
./target/release/examples/serve_latency "$work/concord-10000"

echo
python3 - "$results" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {(int(r["articles"]), r["tool"]): r for r in rows}
sizes = sorted({n for n, _ in by})
print(f"{'articles':>9} {'concord s':>10} {'ms/article':>11} {'MiB':>6} {'hugo s':>8} {'MiB':>6} {'speed-up':>9}")
for n in sizes:
    c = by[(n, "concord")]
    h = by.get((n, "hugo"))
    cs = float(c["mean_s"])
    line = f"{n:>9} {cs:>10.2f} {cs / n * 1000:>11.3f} {c['peak_mib']:>6}"
    if h:
        hs = float(h["mean_s"])
        line += f" {hs:>8.2f} {h['peak_mib']:>6} {hs / cs:>8.1f}x"
    print(line)
if len(sizes) > 1:
    small, large = sizes[0], sizes[-1]
    per = lambda n: float(by[(n, "concord")]["mean_s"]) / n
    print(f"time per article at {large:,} / at {small:,}: {per(large) / per(small):.2f}")
PY
