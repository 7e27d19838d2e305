#!/usr/bin/env bash
# Installs the Debian 12 packages Signpost needs, skipping any already
# present. Runs apt-get as root (or through sudo).
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries (docs/adr/0010-module-layout.md)
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev grpc-proto
  librocksdb-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev libre2-dev
  libspdlog-dev nlohmann-json3-dev
  # identity: OIDC tokens (libjwt with OpenSSL), JWKS keys
  libjwt-dev libssl-dev
  # time zones for the service's civil day (Europe/London)
  tzdata
  # the outside client used by the end-to-end tests
  python3 python3-grpcio python3-grpc-tools python3-protobuf
  # self-signed certificates for the TLS end-to-end test
  openssl
  # libFuzzer targets with ASan/UBSan (scripts/fuzz.sh, ctest fuzz_smoke)
  clang libclang-rt-14-dev
  # the lint gates (scripts/lint.sh): formatting and clang-tidy
  clang-format clang-tidy
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install_deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
