// CrashSimulator: power-loss testing for the store (after RocksDB's
// FaultInjectionTestFS).
//
// kill -9 does not prove durability: the OS page cache survives a process
// death. A CrashSimulator wraps the file system the store writes through,
// remembers how much of each file has been synced, and can then "lose
// power": Crash() makes every later write and sync fail, and, once the store
// is closed, DropUnsyncedData() truncates each file back to its last synced
// length. Reopening then shows exactly what a real power cut would have
// left, so tests can check that every acknowledged write survived.
//
//   auto sim = CrashSimulator::Create();
//   auto store = Store::Open({.data_dir = d, .crash_simulator = sim});
//   ... write, record acknowledgements ...
//   sim->Crash();
//   store->reset();
//   ASSERT_OK(sim->DropUnsyncedData());
//   auto recovered = Store::Open({.data_dir = d});
//
// Limitation: directory entries are treated as durable when created (no
// directory-fsync modelling); file contents are modelled exactly.
// For tests only. Thread-safe.
#ifndef SIGNPOST_STORAGE_TESTING_CRASH_SIMULATOR_H_
#define SIGNPOST_STORAGE_TESTING_CRASH_SIMULATOR_H_

#include <memory>

#include "absl/status/status.h"

namespace rocksdb {
class Env;
}

namespace signpost::storage {

class CrashSimulator {
 public:
  static std::shared_ptr<CrashSimulator> Create();
  virtual ~CrashSimulator() = default;

  // From now on every write and sync fails, as if the machine had died.
  virtual void Crash() = 0;
  // Truncates every file written through the simulator to its last synced
  // length. Call after the store using it has been destroyed.
  [[nodiscard]] virtual absl::Status DropUnsyncedData() = 0;
  // Bytes written but never synced when Crash() was called, summed over
  // files (so a test can show its crash point had something to lose).
  virtual uint64_t UnsyncedBytesAtCrash() const = 0;

  // For storage/ internals: the Env to open RocksDB with.
  virtual rocksdb::Env* env() = 0;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_TESTING_CRASH_SIMULATOR_H_
