// App: the application layer assembled - one instance of each handler on
// shared dependencies. Transports (gRPC, HTTP) and tests take their
// handlers from here; nothing in app/ knows about a transport.
//
//   absl::StatusOr<std::unique_ptr<App>> app =
//       App::Create({.zone = london}, *store, *rules, &directory, clock, ids);
//   (*app)->referrals().Submit(request);
//
// Thread-safe.
#ifndef SIGNPOST_APP_APP_H_
#define SIGNPOST_APP_APP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "app/audit.h"
#include "app/audit_handler.h"
#include "app/break_glass.h"
#include "app/case_handler.h"
#include "app/caseloads.h"
#include "app/deps.h"
#include "app/directory_handler.h"
#include "app/lifecycle_handler.h"
#include "app/referral_handler.h"
#include "app/triage_handler.h"

namespace signpost::app {

struct AppOptions {
  // Civil time zone of the service (dates of birth, opening hours).
  absl::TimeZone zone = absl::UTCTimeZone();
  // Striping of the handlers' per-key locks.
  size_t lock_stripes = 1024;
};

class App {
 public:
  // Everything passed must outlive the App. `directory` may be null
  // (referrals are then triaged, not routed, and directory() is null).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<App>> Create(
      const AppOptions& options, storage::Store& store, RuleRegistry& rules,
      DirectoryRegistry* directory, const Clock& clock, IdGenerator& ids);

  ReferralHandler& referrals() { return referrals_; }
  LifecycleHandler& lifecycle() { return lifecycle_; }
  CaseHandler& cases() { return cases_; }
  TriageHandler& triage() { return triage_; }
  DirectoryHandler* directory() { return directory_.get(); }
  AuditHandler& audit() { return audit_; }
  BreakGlassHandler& break_glass() { return break_glass_; }
  Auditor& auditor() { return auditor_; }
  const AppDeps& deps() const { return deps_; }

 private:
  App(const AppOptions& options, storage::Store& store, RuleRegistry& rules,
      DirectoryRegistry* directory, const Clock& clock, IdGenerator& ids,
      std::unique_ptr<CaseloadTracker> caseloads);

  std::unique_ptr<CaseloadTracker> caseloads_;
  LockManager locks_;
  AppDeps deps_;
  ReferralHandler referrals_;
  LifecycleHandler lifecycle_;
  CaseHandler cases_;
  TriageHandler triage_;
  std::unique_ptr<DirectoryHandler> directory_;
  AuditHandler audit_;
  Auditor auditor_;
  BreakGlassHandler break_glass_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_APP_H_
