#include "app/audit.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "app/log.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/access/policy.h"
#include "router/nhs_number.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;
namespace pb = ::google::protobuf;

thread_local AuditScope* current_scope = nullptr;

constexpr int kMaxListed = 200;
constexpr int kMaxDepth = 8;

// Finds subjects and objects in records by their field names.
class Collector {
 public:
  void Walk(const pb::Message& m, int depth = 0);
  void Subject(const std::string& person_id, const std::string& nhs);
  void Object(std::string_view type, const std::string& id);
  void Into(v1::AuditEntry& e) &&;

 private:
  void Field(const pb::Message& m, const pb::FieldDescriptor* f, int depth, std::string& person,
             std::string& nhs);

  std::set<std::pair<std::string, std::string>> subjects_;
  std::set<std::pair<std::string, std::string>> objects_;
};

bool LooksLikeNhsNumber(const std::string& v) { return router::ParseNhsNumber(v).ok(); }

// Fields that name a person other than the record's own subject.
bool IsOtherPerson(std::string_view name) {
  return name == "matched_person_id" || name == "surviving_person_id" ||
         name == "merged_person_id" || name == "merged_into_person_id" ||
         name == "merged_person_ids";
}

std::string_view ObjectType(std::string_view name) {
  if (name == "referral_id") return "referral";
  if (name == "candidate_id") return "duplicate";
  if (name == "merge_id") return "merge";
  return {};
}

void Collector::Field(const pb::Message& m, const pb::FieldDescriptor* f, int depth,
                      std::string& person, std::string& nhs) {
  const pb::Reflection* r = m.GetReflection();
  const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
  for (int i = 0; i < n; ++i) {
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      Walk(f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), depth + 1);
      continue;
    }
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) return;
    const std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
    if (v.empty()) continue;
    const std::string& name = f->name();
    if (name == "person_id" && LooksLikeNhsNumber(v)) {
      // Requests may name a person by NHS number in person_id.
      nhs = *router::ParseNhsNumber(v);
    } else if (name == "person_id") {
      person = v;
    } else if (name == "nhs_number") {
      nhs = v;
    } else if (name == "claimed_nhs_number") {
      Subject("", v);
    } else if (IsOtherPerson(name)) {
      Subject(v, "");
    } else if (std::string_view type = ObjectType(name); !type.empty()) {
      Object(type, v);
    }
  }
}

bool IsNamingField(std::string_view name) {
  return name == "person_id" || name == "nhs_number" || name == "claimed_nhs_number" ||
         IsOtherPerson(name) || !ObjectType(name).empty();
}

bool MayName(const pb::Descriptor* d);

// Whether a field can hold a subject or object, itself or below.
bool Relevant(const pb::FieldDescriptor* f) {
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING) return IsNamingField(f->name());
  return f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && MayName(f->message_type());
}

// Whether messages of type `d` can hold a subject or object (memoised:
// the walk skips stories, triage and routing detail).
bool MayName(const pb::Descriptor* d) {
  static absl::Mutex mu;
  static auto* memo = new absl::flat_hash_map<const pb::Descriptor*, bool>();
  {
    absl::MutexLock lock(&mu);
    if (auto it = memo->find(d); it != memo->end()) return it->second;
    (*memo)[d] = true;  // while deciding (recursive types): walk rather than miss
  }
  bool may = false;
  for (int i = 0; i < d->field_count() && !may; ++i) may = Relevant(d->field(i));
  absl::MutexLock lock(&mu);
  (*memo)[d] = may;
  return may;
}

void Collector::Walk(const pb::Message& m, int depth) {
  if (depth > kMaxDepth) return;
  std::vector<const pb::FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  std::string person;
  std::string nhs;
  for (const pb::FieldDescriptor* f : fields) {
    if (Relevant(f)) Field(m, f, depth, person, nhs);
  }
  if (!person.empty() || !nhs.empty()) Subject(person, nhs);
}

void Collector::Subject(const std::string& person_id, const std::string& nhs) {
  subjects_.emplace(person_id, nhs);
}

void Collector::Object(std::string_view type, const std::string& id) {
  objects_.emplace(std::string(type), id);
}

void Collector::Into(v1::AuditEntry& e) && {
  // A subject known only by NHS number is dropped when another names
  // the same number with a person id.
  std::set<std::string> numbers_with_person;
  for (const auto& [p, n] : subjects_) {
    if (!p.empty() && !n.empty()) numbers_with_person.insert(n);
  }
  int count = 0;
  for (const auto& [p, n] : subjects_) {
    if (p.empty() && numbers_with_person.contains(n)) continue;
    if (++count > kMaxListed) continue;
    v1::AuditSubject* s = e.add_subjects();
    s->set_person_id(p);
    s->set_nhs_number(n);
  }
  e.set_subject_count(static_cast<uint32_t>(count));
  int objects = 0;
  for (const auto& [type, id] : objects_) {
    if (++objects > kMaxListed) break;
    v1::AuditObject* o = e.add_objects();
    o->set_type(type);
    o->set_id(id);
  }
  e.set_truncated(count > kMaxListed || objects > kMaxListed);
}

void SetActor(const router::Caller& caller, v1::AuditActor& actor) {
  actor.set_user_id(caller.user_id);
  actor.set_organisation(caller.organisation);
  actor.set_certificate_subject(caller.certificate_subject);
  for (int r = v1::Role_MIN + 1; r <= v1::Role_MAX; ++r) {
    if (v1::Role_IsValid(r) && caller.Has(static_cast<v1::Role>(r))) {
      actor.add_roles(static_cast<v1::Role>(r));
    }
  }
}

bool IsAuditRpc(std::string_view rpc) {
  return rpc == "VerifyAuditTrail" || rpc == "ListRecordAccess" || rpc == "ListAuditEntries";
}

v1::AuditPurpose PurposeOf(const AuditContext& c) {
  if (c.internal) return v1::AUDIT_PURPOSE_SYSTEM;
  if (!c.break_glass_reason.empty()) return v1::AUDIT_PURPOSE_EMERGENCY_TREATMENT;
  if (IsAuditRpc(c.rpc)) return v1::AUDIT_PURPOSE_AUDIT;
  return c.person_data ? v1::AUDIT_PURPOSE_TREATMENT : v1::AUDIT_PURPOSE_OPERATIONS;
}

v1::AuditEntry Base(const AuditContext& c, absl::Time now) {
  v1::AuditEntry e;
  *e.mutable_recorded_at() = ToProtoTime(now);
  SetActor(c.caller, *e.mutable_actor());
  e.mutable_actor()->set_internal(c.internal);
  e.set_rpc(c.rpc);
  e.set_purpose(PurposeOf(c));
  e.set_break_glass_reason(c.break_glass_reason);
  return e;
}

void SetOutcome(const absl::Status& status, v1::AuditEntry& e) {
  if (status.ok()) {
    e.set_outcome(v1::AUDIT_OUTCOME_SUCCESS);
    return;
  }
  const bool denied = absl::IsPermissionDenied(status) || absl::IsUnauthenticated(status);
  e.set_outcome(denied ? v1::AUDIT_OUTCOME_DENIED : v1::AUDIT_OUTCOME_FAILED);
  e.set_status_code(absl::StatusCodeToString(status.code()));
}

void CollectChange(const storage::Change& c, Collector& found) {
  if (c.referral) found.Walk(c.referral->record);
  for (const auto& p : c.people) found.Walk(p.record);
  for (const auto& a : c.assessments) found.Walk(a);
  for (const auto& cand : c.candidates) found.Walk(cand.record);
  if (c.merge) found.Walk(c.merge->record);
  for (const auto& j : c.journal) found.Walk(j);
  for (const auto& s : c.services) found.Object("service", s.id());
  for (const auto& t : c.teams) found.Object("team", t.id());
  for (const auto& cm : c.case_managers) found.Object("case_manager", cm.id());
  if (c.rules) found.Object("rules", c.rules->rule_set_version());
}

}  // namespace

AuditScope::AuditScope(AuditContext context)
    : context_(std::move(context)), previous_(current_scope) {
  current_scope = this;
}

AuditScope::~AuditScope() { current_scope = previous_; }

AuditScope* AuditScope::Current() { return current_scope; }

v1::AuditEntry EntryForChange(const storage::Change& change, absl::Time now, std::string_view job) {
  const AuditScope* scope = AuditScope::Current();
  v1::AuditEntry e;
  if (scope != nullptr) {
    e = Base(scope->context(), now);
  } else {
    *e.mutable_recorded_at() = ToProtoTime(now);
    e.mutable_actor()->set_internal(true);
    e.set_rpc(std::string(job));
    e.set_purpose(v1::AUDIT_PURPOSE_SYSTEM);
  }
  const bool creates = change.referral && !change.referral->before;
  e.set_action(creates ? v1::AUDIT_ACTION_CREATE : v1::AUDIT_ACTION_UPDATE);
  e.set_outcome(v1::AUDIT_OUTCOME_SUCCESS);
  Collector found;
  CollectChange(change, found);
  std::move(found).Into(e);
  return e;
}

absl::StatusOr<storage::Applied> ApplyAudited(storage::Store& store, storage::Change change,
                                              const Clock& clock, std::string_view job) {
  change.audit.push_back(EntryForChange(change, clock.Now(), job));
  absl::StatusOr<storage::Applied> applied = store.Apply(std::move(change));
  AuditScope* scope = AuditScope::Current();
  if (applied.ok() && !applied->replayed && scope != nullptr) scope->MarkWritten();
  return applied;
}

v1::AuditAction ReadActionOf(std::string_view rpc) {
  if (rpc.starts_with("Get")) return v1::AUDIT_ACTION_READ;
  if (rpc.starts_with("List") || rpc.starts_with("Watch") || rpc.starts_with("Evaluate") ||
      rpc.starts_with("Replay") || rpc.starts_with("Verify")) {
    return v1::AUDIT_ACTION_EXECUTE;
  }
  if (rpc.starts_with("Submit")) return v1::AUDIT_ACTION_CREATE;
  return v1::AUDIT_ACTION_UPDATE;
}

absl::Status Auditor::RecordCall(const AuditScope& scope, const pb::Message* request,
                                 const pb::Message* response, const absl::Status& status) {
  if (!scope.context().person_data || scope.written()) return absl::OkStatus();
  v1::AuditEntry e = Base(scope.context(), clock_.Now());
  e.set_action(ReadActionOf(scope.context().rpc));
  SetOutcome(status, e);
  Collector found;
  if (request != nullptr) found.Walk(*request);
  if (response != nullptr && status.ok()) found.Walk(*response);
  std::move(found).Into(e);
  return store_.AppendAudit({std::move(e)}, storage::AuditDurability::kSynced).status();
}

void Auditor::RecordRefusal(const router::Caller* caller, std::string_view rpc,
                            const absl::Status& status, const pb::Message* request) {
  const router::MethodPolicy* policy = router::FindMethodPolicy(rpc);
  AuditContext context{.rpc = std::string(rpc),
                       .person_data = policy == nullptr || policy->person_data};
  if (caller != nullptr) context.caller = *caller;
  v1::AuditEntry e = Base(context, clock_.Now());
  e.set_action(ReadActionOf(rpc));
  SetOutcome(status, e);
  if (request != nullptr) {
    Collector found;
    found.Walk(*request);
    std::move(found).Into(e);
  }
  absl::Status st =
      store_.AppendAudit({std::move(e)}, storage::AuditDurability::kBuffered).status();
  if (!st.ok()) LogError("could not record a refused call", {{"method", std::string(rpc)}});
}

absl::StatusOr<int> SealAuditTrail(storage::Store& store) {
  SP_ASSIGN_OR_RETURN(v1::AuditSeal seal, store.SealAudit());
  static thread_local uint64_t last_logged = 0;
  if (seal.sealed_through() != last_logged) {
    last_logged = seal.sealed_through();
    LogInfo("audit trail sealed", {{"sealed_through", std::to_string(seal.sealed_through())},
                                   {"head", seal.head()},
                                   {"entries", std::to_string(seal.entries())}});
  }
  return 0;
}

}  // namespace signpost::app
