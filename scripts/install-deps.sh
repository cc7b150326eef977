#!/usr/bin/env bash
# Installs what building and testing TraceTail needs on Debian: libpcre2-dev (the parser links
# libpcre2-8 through pkg-config), pcre2-utils (pcre2grep, the benchmark's reference) and
# chromium (renders the HTML report in its test). Skips apt when everything is present.
set -euo pipefail
need=()
for pkg in libpcre2-dev pcre2-utils pkg-config chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
