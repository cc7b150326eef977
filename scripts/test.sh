#!/usr/bin/env bash
# The test command of the README quick start and of CI: installs what is missing, builds,
# checks the shipped pattern files, then runs every test (Swift Testing) of the package.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --with-chromium
swift build --build-tests
swift run -q tracetail patterns check patterns
swift test
