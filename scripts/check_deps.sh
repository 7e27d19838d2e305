#!/usr/bin/env bash
# Enforces the dependency direction (README "Start here") on #include lines:
#   common/     Abseil and the standard library only
#   proto/      the messages and small helpers over them: common/ and protobuf
#   router/     pure decisions: no storage/, app/, transport/, RocksDB, gRPC,
#               HTTP, logging or file I/O
#   storage/    no router/, app/, transport/ or gRPC; the only module that
#               sees RocksDB
#   app/        handlers: router/ and storage/, never a transport
#   transport/  gRPC (and later HTTP) adapters over app/
#   identity/   credentials to a Caller (tokens, JWKS, certificate maps):
#               router/ (for Caller) only; used by transport/ and tools/
#   tools/      the CLI: gRPC client stubs and proto helpers; never storage/
#               or app/ (it must not link storage)
# Exits non-zero listing every violation.
set -u
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root" || exit 2
status=0

# forbid DIR REGEX WHY
forbid() {
  local dir="$1" pattern="$2" why="$3" hits
  hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" \
           --include='*.h' --include='*.cc' "$dir" 2>/dev/null || true)
  if [[ -n "$hits" ]]; then
    echo "FORBIDDEN in $dir/ ($why):"
    echo "$hits"
    status=1
  fi
}

forbid common    'signpost/|proto/|router/|storage/|app/|transport/|services/|rocksdb/|grpc|spdlog|google/protobuf' \
                 'common depends on Abseil only'
forbid proto     'router/|storage/|app/|transport/|services/|rocksdb/|grpcpp/|spdlog' \
                 'proto helpers depend on common/ and protobuf only'
forbid router    'storage/|app/|transport/|services/|rocksdb/|grpcpp/|grpc/|spdlog|httplib|fstream|iostream|filesystem|cstdio' \
                 'router is pure logic with no I/O'
forbid storage   'router/|app/|transport/|services/|grpcpp/|grpc/' \
                 'storage never sees routing, handlers or transport'
forbid app       'transport/|services/|grpcpp/|grpc/|httplib|rocksdb/|storage/rocks_' \
                 'handlers know no transport and no RocksDB'
forbid identity  'storage/|app/|transport/|services/|rocksdb/|grpcpp/|grpc/' \
                 'identity turns credentials into a Caller: no storage, handlers or transport'
forbid tools     'storage/|app/|transport/|rocksdb/' \
                 'the CLI is a client: it never links storage or the handlers'
for dir in transport bench; do
  [[ -d "$dir" ]] && forbid "$dir" 'rocksdb/|storage/rocks_' 'only storage sees RocksDB'
done
# Public storage headers must not leak RocksDB types to their includers
# (storage/rocks_*.h, storage/store_impl.h and migrations.h are internal).
for h in storage/*.h storage/testing/*.h; do
  case "$h" in storage/rocks_*|storage/store_impl.h|storage/migrations.h) continue ;; esac
  if grep -nE '#[[:space:]]*include[[:space:]]*[<"](rocksdb/|storage/rocks_)' "$h"; then
    echo "FORBIDDEN: public header $h includes RocksDB"
    status=1
  fi
done

if [[ $status -eq 0 ]]; then echo "dependency direction OK"; fi
exit $status
