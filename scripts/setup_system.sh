#!/usr/bin/env bash
# Installs the Debian packages Ratsakten needs, only when they are missing (safe to repeat).
#   tesseract-ocr, tesseract-ocr-deu (German model), tesseract-ocr-osd (page orientation)
#   with --browser: chromium, for the review app's browser test
set -euo pipefail
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
if command -v tesseract >/dev/null 2>&1; then
  langs=$(tesseract --list-langs 2>&1 || true)
  grep -qx deu <<<"$langs" || need+=(tesseract-ocr-deu)
  grep -qx osd <<<"$langs" || need+=(tesseract-ocr-osd)
else
  need+=(tesseract-ocr-deu tesseract-ocr-osd)
fi
if [[ "${1:-}" == "--browser" ]]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
