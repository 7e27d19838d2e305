#include "app/directory_registry.h"

#include "common/status_macros.h"

namespace signpost::app {

DirectoryRegistry::DirectoryRegistry(const storage::Store& store) : store_(store) {
  auto empty = std::make_shared<DirectoryView>();
  empty->snapshot = router::DirectorySnapshot::Build({});
  current_ = std::move(empty);
}

absl::Status DirectoryRegistry::Reload() {
  absl::MutexLock reload(&reload_mu_);
  SP_ASSIGN_OR_RETURN(auto services, store_.ListServices());
  SP_ASSIGN_OR_RETURN(auto teams, store_.ListTeams());
  SP_ASSIGN_OR_RETURN(auto case_managers, store_.ListCaseManagers());
  auto view = std::make_shared<DirectoryView>();
  view->snapshot = router::DirectorySnapshot::Build(std::move(services));
  view->roster.teams = std::move(teams);
  view->roster.case_managers = std::move(case_managers);
  absl::MutexLock lock(&mu_);
  current_ = std::move(view);
  return absl::OkStatus();
}

std::shared_ptr<const DirectoryView> DirectoryRegistry::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace signpost::app
