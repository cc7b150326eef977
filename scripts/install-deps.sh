#!/usr/bin/env bash
# Installs what building TraceTail needs on Debian: libpcre2-dev (the parser links libpcre2-8
# through pkg-config) and pcre2-utils (pcre2grep, the benchmark's reference). With
# --with-chromium also chromium, which the HTML report's test renders pages with; with
# --with-daemon-tests logrotate, prometheus (its server and promtool read what the prometheus
# sink serves and test dashboards/prometheus/) and the Python packages of tests/integration:
# pytest, which runs them; ddapm-test-agent (Datadog's trace-intake test agent),
# datadog-api-client (whose models validate what the fake Datadog API receives and the
# dashboards) and msgpack.
# Skips apt when everything is present; uses sudo when not root.
set -euo pipefail
packages=(libpcre2-dev pcre2-utils pkg-config)
pip_packages=()
for arg in "$@"; do
    case "$arg" in
        --with-chromium) packages+=(chromium) ;;
        --with-daemon-tests)
            packages+=(logrotate prometheus systemd systemd-journal-remote)
            pip_packages+=(pytest ddapm-test-agent==1.69.1 datadog-api-client==2.62.0 msgpack)
            ;;
    esac
done
need=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# A pip requirement NAME or NAME==VERSION is installed unless that distribution (that version)
# already is.
for req in "${pip_packages[@]}"; do
    python3 - "$req" <<'PY' 2>/dev/null || python3 -m pip install -q "$req"
import sys
from importlib.metadata import version
name, _, pinned = sys.argv[1].partition("==")
installed = version(name)  # raises when it is not installed
sys.exit(0 if not pinned or installed == pinned else 1)
PY
done
