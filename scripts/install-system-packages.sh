#!/usr/bin/env bash
# Installs the Debian packages Baton builds against, only those that are missing.
# Idempotent; uses sudo only when not already root; refreshes the package lists first, as a
# fresh machine has none.
set -euo pipefail

# curl: the fault-injection scripts read the emulator's admin endpoint with it.
packages=(pkg-config libcurl4-openssl-dev libssl-dev libsqlite3-dev libmicrohttpd-dev curl "$@")

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
