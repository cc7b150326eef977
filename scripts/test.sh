#!/usr/bin/env bash
# The test command of the README quick start and of CI: installs what is missing, builds,
# checks the shipped pattern files, runs every Swift test of the package, then the
# process-level tests of `tracetail run` (real files, real logrotate, real signals) with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --with-chromium --with-daemon-tests
swift build --build-tests
swift run -q tracetail patterns check
swift test
python3 -m pytest -q tests/integration
