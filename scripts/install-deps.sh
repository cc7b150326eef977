#!/usr/bin/env bash
# Installs what building TraceTail needs on Debian: libpcre2-dev (the parser links libpcre2-8
# through pkg-config) and pcre2-utils (pcre2grep, the benchmark's reference). With
# --with-chromium also chromium, which the HTML report's test renders pages with; with
# --with-daemon-tests logrotate and pytest, which the tests of `tracetail run` use.
# Skips apt when everything is present; uses sudo when not root.
set -euo pipefail
packages=(libpcre2-dev pcre2-utils pkg-config)
pip_packages=()
for arg in "$@"; do
    case "$arg" in
        --with-chromium) packages+=(chromium) ;;
        --with-daemon-tests) packages+=(logrotate); pip_packages+=(pytest) ;;
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
for pkg in "${pip_packages[@]}"; do
    python3 -c "import $pkg" 2>/dev/null || python3 -m pip install -q "$pkg"
done
