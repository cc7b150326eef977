#!/bin/sh
# Renders an HTML report in headless Chromium and writes a PNG screenshot.
# Proves a `tracetail replay --output html` file renders with no network and no script.
#
#   scripts/html-screenshot.sh REPORT.html OUT.png [WIDTH,HEIGHT]
#
# Exits non-zero when Chromium is missing, fails, or writes no (or a trivially small) PNG.
# Debian: apt-get install -y chromium. CHROMIUM=/path/to/binary overrides the lookup.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
    exit 2
fi
html=$1
png=$2
size=${3:-1400,2400}

if [ ! -f "$html" ]; then
    echo "$0: no such file: $html" >&2
    exit 2
fi

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for candidate in chromium chromium-browser google-chrome-stable google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            browser=$(command -v "$candidate")
            break
        fi
    done
fi
if [ -z "$browser" ]; then
    echo "$0: chromium not found (Debian: apt-get install -y chromium)" >&2
    exit 1
fi

case "$html" in
    /*) abs=$html ;;
    *) abs=$(pwd)/$html ;;
esac
case "$png" in
    /*) out=$png ;;
    *) out=$(pwd)/$png ;;
esac

# A throwaway profile: parallel runs must not fight over one profile lock, and as root
# Chromium needs --no-sandbox.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM
rm -f "$out"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --disable-extensions --hide-scrollbars \
    --user-data-dir="$profile" --window-size="$size" --screenshot="$out" "file://$abs" \
    >/dev/null 2>"$profile/stderr" || {
    echo "$0: chromium failed:" >&2
    cat "$profile/stderr" >&2
    exit 1
}

if [ ! -s "$out" ]; then
    echo "$0: chromium wrote no screenshot" >&2
    cat "$profile/stderr" >&2
    exit 1
fi
bytes=$(wc -c <"$out")
if [ "$bytes" -lt 10000 ]; then
    echo "$0: screenshot is only $bytes bytes; the page did not render" >&2
    exit 1
fi
echo "$out ($bytes bytes)"
