#!/usr/bin/env bash
# Installs the Debian packages Baton builds against, only those that are missing.
# Idempotent; uses sudo only when not already root; refreshes the package lists first, as a
# fresh machine has none.
#
#   scripts/install-system-packages.sh           what the build and `make test` need
#   scripts/install-system-packages.sh --bench   that, plus the benchmark anchors (nginx, Redis)
set -euo pipefail

# curl: the fault-injection scripts read the emulator's admin endpoint with it.
packages=(pkg-config libcurl4-openssl-dev libssl-dev libsqlite3-dev libmicrohttpd-dev curl)

# The servers `make bench` measures Baton beside; nothing else needs them, so only on request.
bench_packages() {
    packages+=(nginx redis-server)
}

for argument in "$@"; do
    case "$argument" in
    --bench) bench_packages ;;
    *) packages+=("$argument") ;;
    esac
done

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi

echo "Installing Debian packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
