#!/usr/bin/env bash
# Serve convviz from several Streamlit processes behind nginx, with session affinity.
# See deploy/README.md. Stops everything it started on exit (Ctrl-C, SIGTERM or a crash).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/run.sh [-n REPLICAS] [-p PORT] [-b BASE_PORT] [-a ADDRESS] [-k]

Starts REPLICAS `streamlit run app.py` processes on 127.0.0.1:BASE_PORT, BASE_PORT+1, ...
and nginx in front of them on ADDRESS:PORT, with cookie-based session affinity (every
request of one browser goes to the same process). Runs in the foreground until Ctrl-C or
SIGTERM, or until one of the processes exits; then stops all of them.

  -n, --replicas N      Streamlit processes to start (default 2)
  -p, --port PORT       port nginx listens on (default 8080)
  -b, --base-port PORT  first Streamlit port (default 8501)
  -a, --address ADDR    address nginx listens on (default 127.0.0.1; use 0.0.0.0 to
                        serve a classroom network)
  -k, --keep            keep the temporary folder (config, logs) after exit
  -h, --help            this text

Environment:
  CONVVIZ_COOKIE_SECRET  the server.cookieSecret all processes share (default: a new
                         random one per run)
  PYTHON                 the Python with streamlit installed (default: .venv/bin/python
                         if present, else python3)
  NGINX                  the nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
EOF
}

replicas=2 port=8080 base_port=8501 address=127.0.0.1 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--replicas) replicas="${2:?}"; shift 2 ;;
    -p|--port) port="${2:?}"; shift 2 ;;
    -b|--base-port) base_port="${2:?}"; shift 2 ;;
    -a|--address) address="${2:?}"; shift 2 ;;
    -k|--keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for v in replicas port base_port; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --${v//_/-} must be a positive integer, got '${!v}'" >&2; exit 2; }
done
[ "$replicas" -le 32 ] || { echo "run.sh: --replicas must be at most 32, got $replicas" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[ -x "$NGINX" ] || { echo "run.sh: nginx not found: apt-get install -y nginx (or set NGINX)" >&2; exit 1; }
"$PYTHON" -c 'import streamlit' 2>/dev/null \
  || { echo "run.sh: $PYTHON cannot import streamlit: run 'make run' once, or set PYTHON" >&2; exit 1; }

# nginx's body limit follows Streamlit's (server.maxUploadSize, in MB; 200 if unset).
max_mb="$(sed -n 's/^[[:space:]]*maxUploadSize[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p' \
  .streamlit/config.toml 2>/dev/null | head -n 1)"
max_mb="${max_mb:-200}"

# One secret for every process (Streamlit signs its cookies with it), new for each run
# unless given. Passed in the environment, so it does not show in `ps`.
secret="${CONVVIZ_COOKIE_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}"

prefix="$(mktemp -d "${TMPDIR:-/tmp}/convviz-deploy.XXXXXX")"
chmod 755 "$prefix"  # nginx's workers (user nobody when started as root) use tmp/
mkdir -p "$prefix/logs" "$prefix/tmp" "$prefix/matplotlib"
pids=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "${#pids[@]}" -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  fi
  if [ "$keep" = 1 ]; then echo "run.sh: config and logs kept in $prefix" >&2; else rm -rf "$prefix"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() {  # something already answers on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_healthy() {  # $1 URL of a health endpoint, $2 pid that must stay alive; 60 s at most
  "$PYTHON" - "$1" "$2" <<'EOF'
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"run.sh: the process for {url} exited")
    time.sleep(0.2)
sys.exit(f"run.sh: {url} not healthy after 60 s")
EOF
}

servers=""
for ((i = 0; i < replicas; i++)); do
  p=$((base_port + i))
  if port_busy "$p"; then echo "run.sh: port $p is already in use (choose --base-port)" >&2; exit 1; fi
  # matplotlib (the sample photo comes from it) keeps its font cache in MPLCONFIGDIR:
  # a folder of this run, not the home directory of whoever starts it.
  STREAMLIT_SERVER_COOKIE_SECRET="$secret" MPLCONFIGDIR="$prefix/matplotlib" \
    "$PYTHON" -m streamlit run app.py \
    --server.address 127.0.0.1 --server.port "$p" --server.headless true \
    --browser.gatherUsageStats false >"$prefix/logs/streamlit-$p.log" 2>&1 &
  pids+=("$!")
  servers+="        server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'
done
if port_busy "$port"; then echo "run.sh: port $port is already in use (choose --port)" >&2; exit 1; fi

conf="$prefix/nginx.conf"
SERVERS="$servers" PREFIX="$prefix" LISTEN="$address:$port" MAX_BODY="${max_mb}m" \
  "$PYTHON" - deploy/nginx.conf.template "$conf" <<'EOF'
import os, sys
text = open(sys.argv[1]).read()
for name in ("PREFIX", "LISTEN", "MAX_BODY"):
    text = text.replace(f"@{name}@", os.environ[name])
text = text.replace("@UPSTREAM_SERVERS@\n", os.environ["SERVERS"])
open(sys.argv[2], "w").write(text)
EOF
"$NGINX" -t -q -e stderr -p "$prefix" -c "$conf"

for ((i = 0; i < replicas; i++)); do
  p=$((base_port + i))
  wait_healthy "http://127.0.0.1:$p/_stcore/health" "${pids[$i]}" \
    || { tail -n 30 "$prefix/logs/streamlit-$p.log" >&2; exit 1; }
done
"$NGINX" -e stderr -p "$prefix" -c "$conf" &
pids+=("$!")
url="http://$address:$port"
case "$address" in 0.0.0.0|'*') probe=127.0.0.1 ;; *) probe="$address" ;; esac
wait_healthy "http://$probe:$port/_stcore/health" "$!" || { cat "$prefix/logs/error.log" >&2; exit 1; }
echo "convviz: $url ($replicas Streamlit processes on 127.0.0.1:$base_port-$((base_port + replicas - 1)); logs in $prefix/logs)"

# Supervise: when any child exits, say which and stop the rest (the EXIT trap).
set +e
wait -n -p gone "${pids[@]}"
status=$?
set -e
echo "run.sh: process $gone exited with status $status; stopping the others" >&2
exit 1
