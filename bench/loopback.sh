# Shared by the benchmarks that call models: their arguments, the loopback provider and a
# prompt repository using it, timing under /usr/bin/time -v, and the median report. Sourced.

# Reads [BUILD_DIR] [COUNT] [JOBS] [LATENCY] [REPEAT] into $build, $count, $jobs, $latency and
# $repeat; makes $scratch (removed on exit), starts the provider and a repository at
# $scratch/repo whose provider "local" is it, and moves there.
bench_setup() {
  build=$(realpath "${1:-$here/build}")
  count=${2:-1000}
  jobs=${3:-20}
  latency=${4:-50}
  repeat=${5:-5}
  scratch=$(mktemp -d)
  server_pid=
  trap '[ -z "$server_pid" ] || kill "$server_pid"; rm -rf "$scratch"' EXIT
  start_provider "$latency"
  "$build/promptctl" init "$scratch/repo" >/dev/null
  cd "$scratch/repo"
  printf 'version: 1\nproviders:\n  local: {type: openai-compatible, base_url: "%s/v1"}\n' \
    "$server_url" > promptctl.yaml
}

# Starts build/promptctl-test-server answering after $1 ms; sets $server_url and $server_pid.
start_provider() {
  "$build/promptctl-test-server" --latency-ms "$1" --url-file "$scratch/url" >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$scratch/url" ] && break; sleep 0.1; done
  server_url=$(cat "$scratch/url")
}

# Runs a command under /usr/bin/time -v (stdout to $scratch/out) and appends
# "wall_ms cpu_ms rss_mb" to the array `results`. The command's exit status is returned.
timed() {
  local status=0
  /usr/bin/time -v -o "$scratch/time" "$@" > "$scratch/out" || status=$?
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (t[1] * 60 + t[2]) * 1000}' "$scratch/time")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print (u + s) * 1000}' "$scratch/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2 / 1024}' "$scratch/time")
  results+=("$wall $cpu $rss")
  return $status
}

# Prints the medians of `results` (each column on its own) against the ideal wall time $2 ms,
# labelled $1.
report_medians() {
  local label=$1 ideal=$2 n=${#results[@]}
  median() { printf '%s\n' "${results[@]}" | awk -v c="$1" '{print $c}' | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
  local wall cpu rss
  wall=$(median 1); cpu=$(median 2); rss=$(median 3)
  awk -v label="$label" -v wall="$wall" -v ideal="$ideal" -v cpu="$cpu" -v rss="$rss" -v n="$n" 'BEGIN {
    printf "%s: median wall %.0f ms (ideal %d ms, %.1f%% over), CPU %.0f ms, peak RSS %.1f MB (medians of %d)\n",
      label, wall, ideal, (wall / ideal - 1) * 100, cpu, rss, n }'
}

# Prints the benchmarks' prompt: a ticket classifier with two variables, id and text, whose
# model is the loopback provider "local".
classify_prompt() {
  cat <<'YAML'
model: {provider: local, name: bench-model, temperature: 0.3, max_tokens: 20}
system: Classify the ticket into billing, shipping or other. Reply with one word.
template: "Ticket {{id}}: {{text}}"
variables:
  id: {type: integer}
  text: {type: string}
YAML
}

# Prints $1 input rows for the classifier, one JSON object a line.
classify_rows() {
  awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
    printf "{\"id\": %d, \"text\": \"My order %d has not arrived and I was charged twice.\"}\n", i, i }'
}
