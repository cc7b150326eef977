#!/usr/bin/env bash
# The demo of the README quick start: replays the bundled samples/ (a simulated 20-minute nova
# run with an incident, the CTA agent's fix and the recovery) and prints the trace trees and
# the before/after report. Extra arguments go to `tracetail replay` (e.g. --output html --out r.html).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# A debug build: it is shared with the test command and replays samples/ in under a second.
swift build --product tracetail 2>&1 | tail -n 1
exec .build/debug/tracetail replay samples/ "$@"
