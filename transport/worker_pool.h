// A fixed pool of threads for blocking work (synced RocksDB writes), with a
// bounded queue so that overload is refused rather than queued forever.
//
// gRPC callback handlers must not block, so each unary handler hands its
// storage work to this pool and finishes the RPC from the worker thread.
// Enough threads must exist for RocksDB group commit to batch concurrent
// writers into one fsync.
//
//   WorkerPool pool({.threads = 32, .max_queued = 1024});
//   if (!pool.TrySchedule([&] { ... })) -> RESOURCE_EXHAUSTED
//
// Thread-safe. The destructor runs every task already queued, then joins.
#ifndef SIGNPOST_TRANSPORT_WORKER_POOL_H_
#define SIGNPOST_TRANSPORT_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace signpost::transport {

struct WorkerPoolOptions {
  int threads = 32;
  // Tasks waiting (not yet running) beyond this are refused.
  size_t max_queued = 1024;
};

class WorkerPool {
 public:
  explicit WorkerPool(const WorkerPoolOptions& options);
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. Returns false (and drops it) if the queue is full or the
  // pool is stopping.
  [[nodiscard]] bool TrySchedule(std::function<void()> task);

  // Tasks queued and not yet started.
  size_t Queued() const;

 private:
  void Run();

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_WORKER_POOL_H_
