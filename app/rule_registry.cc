#include "app/rule_registry.h"

#include "absl/strings/str_cat.h"
#include "app/audit.h"
#include "app/log.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "proto/signpost/proto_time.h"

namespace signpost::app {

namespace v1 = ::signpost::v1;

absl::StatusOr<std::unique_ptr<RuleRegistry>> RuleRegistry::Open(
    storage::Store& store, std::string_view file_text, std::string_view file_path,
    const Clock& clock, const SafetyGate* gate, std::string_view file_override_reason) {
  SP_ASSIGN_OR_RETURN(std::shared_ptr<const router::TriageEngine> file_engine,
                      router::TriageEngine::FromText(file_text));
  SP_ASSIGN_OR_RETURN(std::optional<v1::RuleActivation> stored, store.ActiveRules());
  std::unique_ptr<RuleRegistry> registry(new RuleRegistry(store, clock, gate));
  if (stored && stored->last_file_version() == file_engine->version()) {
    absl::StatusOr<std::shared_ptr<const router::TriageEngine>> engine =
        router::TriageEngine::FromText(stored->rule_set_text());
    if (engine.ok()) {
      absl::MutexLock lock(&registry->mu_);
      registry->current_ = *std::move(engine);
      registry->activated_at_ = FromProtoTime(stored->activated_at());
      registry->last_file_version_ = stored->last_file_version();
      return registry;
    }
    LogWarn("stored rule set no longer compiles; activating the rules file",
            {{"version", stored->rule_set_version()}});
  }
  if (stored) {
    absl::MutexLock lock(&registry->mu_);
    registry->last_file_version_ = stored->last_file_version();
  }
  SP_RETURN_IF_ERROR(registry
                         ->Install(file_text, absl::StrCat("file:", Sv(file_path)),
                                   /*from_file=*/true, file_override_reason)
                         .status());
  return registry;
}

std::shared_ptr<const router::TriageEngine> RuleRegistry::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Time RuleRegistry::activated_at() const {
  absl::MutexLock lock(&mu_);
  return activated_at_;
}

absl::StatusOr<Activation> RuleRegistry::Activate(std::string_view text, std::string_view source,
                                                  std::string_view override_reason) {
  return Install(text, std::string(source), /*from_file=*/false, override_reason);
}

absl::StatusOr<Activation> RuleRegistry::ActivateFile(std::string_view text,
                                                      std::string_view path) {
  return Install(text, absl::StrCat("file:", Sv(path)), /*from_file=*/true, "");
}

absl::StatusOr<Activation> RuleRegistry::Install(std::string_view text, std::string source,
                                                 bool from_file, std::string_view override_reason) {
  absl::StatusOr<std::shared_ptr<const router::TriageEngine>> engine =
      router::TriageEngine::FromText(text);
  if (!engine.ok()) {
    LogWarn("rule set refused; live rules unchanged",
            {{"error", std::string(engine.status().message())}});
    return engine.status();
  }
  absl::MutexLock write(&write_mu_);
  const std::shared_ptr<const router::TriageEngine> previous = Current();
  v1::SafetyGateReport gate;
  if (gate_ != nullptr) {
    SP_ASSIGN_OR_RETURN(gate, gate_->Check(**engine, previous.get()));
    if (!Passes(gate) && override_reason.empty()) {
      absl::Status refused = GateRefusal(gate);
      LogWarn("rule set refused by the safety gate; live rules unchanged",
              {{"version", (*engine)->version()}, {"error", std::string(refused.message())}});
      return refused;
    }
    gate.set_override_reason(std::string(override_reason));
  }
  v1::RuleActivation record;
  if (!Passes(gate)) {
    record.set_gate_override_reason(std::string(override_reason));
    for (const auto& id : gate.under_triaged_vignettes()) record.add_gate_under_triaged(id);
    for (const auto& id : gate.under_triaged_referrals()) record.add_gate_under_triaged(id);
  }
  record.set_rule_set_version((*engine)->version());
  *record.mutable_activated_at() = ToProtoTime(clock_.Now());
  record.set_rule_set_text(std::string(text));
  record.set_source(std::move(source));
  if (previous != nullptr) record.set_previous_rule_set_version(previous->version());
  {
    absl::MutexLock lock(&mu_);
    record.set_last_file_version(from_file ? (*engine)->version() : last_file_version_);
  }
  SP_RETURN_IF_ERROR(ApplyAudited(store_, {.rules = record}, clock_, "rule-activation").status());
  Activation a{.version = record.rule_set_version(),
               .previous_version = record.previous_rule_set_version(),
               .activated_at = FromProtoTime(record.activated_at()),
               .gate = std::move(gate)};
  {
    absl::MutexLock lock(&mu_);
    current_ = *std::move(engine);
    activated_at_ = a.activated_at;
    last_file_version_ = record.last_file_version();
  }
  LogInfo("rule set activated",
          {{"version", a.version},
           {"previous", a.previous_version},
           {"source", record.source()},
           {"gate_overridden", record.gate_override_reason().empty() ? "no" : "yes"}});
  return a;
}

}  // namespace signpost::app
