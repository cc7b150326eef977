#!/usr/bin/env bash
# Installs what building TraceTail needs on Debian: libpcre2-dev (the parser links libpcre2-8
# through pkg-config) and pcre2-utils (pcre2grep, the benchmark's reference). With
# --with-chromium also chromium, which the HTML report's test renders pages with.
# Skips apt when everything is present; uses sudo when not root.
set -euo pipefail
packages=(libpcre2-dev pcre2-utils pkg-config)
[ "${1:-}" = "--with-chromium" ] && packages+=(chromium)
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
