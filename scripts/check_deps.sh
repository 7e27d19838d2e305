#!/usr/bin/env bash
# Enforces the dependency direction of ../shared/ENGINEERING.md §2 on
# #include lines:
#   common/   Abseil and the standard library only
#   router/   pure logic: no storage/, services/, RocksDB, gRPC, logging or file I/O
#   storage/  no router/, services/ or gRPC; the only module that sees RocksDB
#   services/ the only module that sees gRPC (with tools/, tests/, bench/)
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

forbid common  'signpost/|router/|storage/|services/|rocksdb/|grpc|spdlog|google/protobuf' \
               'common depends on Abseil only'
forbid router  'storage/|services/|rocksdb/|grpcpp/|grpc/|spdlog|httplib|fstream|iostream|filesystem|cstdio' \
               'router is pure logic with no I/O'
forbid storage 'router/|services/|grpcpp/|grpc/' \
               'storage never sees routing or transport'
for dir in services tools bench; do
  [[ -d "$dir" ]] && forbid "$dir" 'rocksdb/|storage/rocks_' 'only storage sees RocksDB'
done
# Public storage headers must not leak RocksDB types to their includers
# (storage/rocks_*.h are the internal ones).
for h in storage/*.h; do
  [[ "$h" == storage/rocks_* ]] && continue
  if grep -nE '#[[:space:]]*include[[:space:]]*[<"]rocksdb/' "$h"; then
    echo "FORBIDDEN: public header $h includes RocksDB"
    status=1
  fi
done

if [[ $status -eq 0 ]]; then echo "dependency direction OK"; fi
exit $status
