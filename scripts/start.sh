#!/usr/bin/env bash
# One command from a fresh machine: install, index the bundled corpus (reports in data/corpus/ and laws in
# data/corpus-law/; incremental, so a second start embeds nothing) and serve the assistant.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
.venv/bin/assistant ingest
exec .venv/bin/assistant serve "$@"
