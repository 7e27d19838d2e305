// DirectoryRegistry: the directory snapshot and roster routing reads,
// rebuilt from the DirectoryStore after every change.
//
//   DirectoryRegistry directory(store);
//   SP_RETURN_IF_ERROR(directory.Reload());
//   auto view = directory.Current();  // snapshot + roster, immutable
//
// Readers take shared_ptr views, so a reload never changes data under a
// routing decision in progress. Thread-safe.
#ifndef SIGNPOST_APP_DIRECTORY_REGISTRY_H_
#define SIGNPOST_APP_DIRECTORY_REGISTRY_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "router/directory/directory_snapshot.h"
#include "router/directory/routing.h"
#include "storage/store.h"

namespace signpost::app {

struct DirectoryView {
  std::shared_ptr<const router::DirectorySnapshot> snapshot;
  router::TeamRoster roster;
};

class DirectoryRegistry {
 public:
  explicit DirectoryRegistry(const storage::Store& store);

  // Re-reads services, teams and case managers from the store.
  [[nodiscard]] absl::Status Reload();
  std::shared_ptr<const DirectoryView> Current() const;

 private:
  const storage::Store& store_;
  absl::Mutex reload_mu_;  // serialises reloads
  mutable absl::Mutex mu_;
  std::shared_ptr<const DirectoryView> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_DIRECTORY_REGISTRY_H_
