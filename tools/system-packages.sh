#!/usr/bin/env bash
# Install the Debian packages the full test suite needs, skipping those already installed.
#
# Runs apt-get as root; any other user gets the command to run instead and a non-zero exit.
# Usage: tools/system-packages.sh [PACKAGE ...]   (no arguments: the full list below)
set -euo pipefail

PACKAGES=(
  postgresql               # database of the production column
  redis-server             # cache and Celery broker
  chromium                 # browser tests (Playwright drives Debian's build)
  chromium-driver
  gettext                  # msgfmt and makemessages
  libpango-1.0-0           # WeasyPrint, for the PDF slips
  libpangoft2-1.0-0
  fonts-dejavu             # a font with every Vietnamese diacritic, for the slips
  maven                    # fetches the OpenSearch jars of the search node
  openjdk-17-jdk-headless  # runs the search node
  python3-venv             # creates .venv
  make
)
if [ "$#" -gt 0 ]; then
  PACKAGES=("$@")
fi

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "System packages: all ${#PACKAGES[@]} present."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run the command again:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "System packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
