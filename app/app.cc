#include "app/app.h"

#include "common/status_macros.h"

namespace signpost::app {

App::App(const AppOptions& options, storage::Store& store, RuleRegistry& rules,
         DirectoryRegistry* directory, const Clock& clock, IdGenerator& ids,
         std::unique_ptr<CaseloadTracker> caseloads)
    : caseloads_(std::move(caseloads)),
      locks_(options.lock_stripes),
      deps_{.store = store,
            .rules = rules,
            .directory = directory,
            .caseloads = *caseloads_,
            .clock = clock,
            .ids = ids,
            .locks = locks_,
            .zone = options.zone},
      referrals_(deps_),
      lifecycle_(deps_),
      cases_(deps_),
      triage_(deps_),
      directory_(directory != nullptr ? std::make_unique<DirectoryHandler>(deps_) : nullptr),
      audit_(store),
      auditor_(store, clock),
      break_glass_(deps_) {}

absl::StatusOr<std::unique_ptr<App>> App::Create(const AppOptions& options, storage::Store& store,
                                                 RuleRegistry& rules, DirectoryRegistry* directory,
                                                 const Clock& clock, IdGenerator& ids) {
  SP_ASSIGN_OR_RETURN(std::unique_ptr<CaseloadTracker> caseloads, CaseloadTracker::Load(store));
  return std::unique_ptr<App>(
      new App(options, store, rules, directory, clock, ids, std::move(caseloads)));
}

}  // namespace signpost::app
