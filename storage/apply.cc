// Store::Apply: the one writer (see change.h). Lock the keys the change's
// preconditions read, check them, number the events and journal entries,
// build one batch from the records and everything derived from them, write
// it synced, publish the numbers.
//
// Lock keys (one LockManager, taken together in address order):
//   "r" referral id, "i" idempotency key, "f" reference, "p" person id,
//   "n" NHS number, "c" candidate id, "g" merge id.
#include <algorithm>

#include "absl/strings/cord.h"
#include "proto/signpost/proto_time.h"
#include "storage/referral_indexes.h"
#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

constexpr char kConflictPayload[] = "signpost.storage/conflict";

absl::Status Conflict(std::string_view what) {
  absl::Status s = absl::AbortedError(
      absl::StrCat(Sv(what), " changed since it was read; read it again and retry"));
  s.SetPayload(kConflictPayload, absl::Cord("1"));
  return s;
}

std::string IdempotencyKey(const ReferralPut& put) {
  return keys::Idempotency(put.idempotency_scope, put.record.request_id());
}

bool IsNewPersonWithNhs(const PersonPut& p) {
  return !p.expected_revision && p.record.has_nhs_number();
}

std::vector<std::string> LockKeys(const Change& c) {
  std::vector<std::string> k;
  if (c.referral) {
    k.push_back("r" + c.referral->record.referral_id());
    if (!c.referral->before) {
      k.push_back("i" + IdempotencyKey(*c.referral));
      for (const auto& ref : c.referral->reference_candidates) k.push_back("f" + ref);
    }
  }
  for (const auto& p : c.people) {
    k.push_back("p" + p.record.person_id());
    if (IsNewPersonWithNhs(p)) k.push_back("n" + p.record.nhs_number());
  }
  for (const auto& a : c.assessments) k.push_back("p" + a.person_id());
  for (const auto& cand : c.candidates) k.push_back("c" + cand.record.candidate_id());
  if (c.merge) k.push_back("g" + c.merge->record.merge_id());
  return k;
}

absl::Status CheckShape(const Change& c) {
  if (c.referral) {
    if (c.referral->events.empty())
      return absl::InvalidArgumentError("a referral change needs an event");
    if (c.referral->record.referral_id().empty())
      return absl::InvalidArgumentError("referral_id is required");
    if (!c.referral->before && c.referral->reference_candidates.empty()) {
      return absl::InvalidArgumentError("a new referral needs reference candidates");
    }
  }
  for (const auto& p : c.people) {
    if (p.record.person_id().empty()) return absl::InvalidArgumentError("person_id is required");
  }
  return absl::OkStatus();
}

// What the preconditions read, for the writer.
struct Current {
  std::optional<v1::Referral> replay_of;  // the idempotency key was used
  std::optional<v1::Referral> referral;   // the stored referral being updated
  std::string reference;                  // new referrals: the free reference
};

absl::Status CheckNewReferral(const Database::Impl& db, const ReferralPut& put, Current& cur) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      ReadRaw(db, ColumnFamily::kIdempotency, IdempotencyKey(put)));
  if (existing) {
    SP_ASSIGN_OR_RETURN(cur.replay_of,
                        ReadMessage<v1::Referral>(db, ColumnFamily::kReferrals,
                                                  keys::Referral(*existing), "referral"));
    return absl::OkStatus();
  }
  for (const std::string& ref : put.reference_candidates) {
    SP_ASSIGN_OR_RETURN(std::optional<std::string> used,
                        ReadRaw(db, ColumnFamily::kIndexes, keys::ReferenceIndex(ref)));
    if (!used) {
      cur.reference = ref;
      return absl::OkStatus();
    }
  }
  return Conflict("the reference");
}

absl::Status CheckUpdatedReferral(const Database::Impl& db, const ReferralPut& put, Current& cur) {
  SP_ASSIGN_OR_RETURN(cur.referral, ReadMessage<v1::Referral>(
                                        db, ColumnFamily::kReferrals,
                                        keys::Referral(put.record.referral_id()), "referral"));
  if (cur.referral->last_event_sequence() != put.before->last_event_sequence()) {
    return Conflict("the referral");
  }
  const v1::Referral& a = *cur.referral;
  const v1::Referral& b = put.record;
  if (a.reference() != b.reference() || a.request_id() != b.request_id() ||
      a.person_id() != b.person_id()) {
    return absl::InvalidArgumentError("a change may not alter a referral's identity");
  }
  return absl::OkStatus();
}

absl::Status CheckPerson(const Database::Impl& db, const PersonPut& p) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                      ReadRaw(db, ColumnFamily::kPeople, keys::Person(p.record.person_id())));
  if (!p.expected_revision) {
    if (raw) return Conflict("the person record");
    if (!IsNewPersonWithNhs(p)) return absl::OkStatus();
    SP_ASSIGN_OR_RETURN(
        std::optional<std::string> holder,
        ReadRaw(db, ColumnFamily::kIndexes, keys::NhsNumberIndex(p.record.nhs_number())));
    return holder ? Conflict("the people holding this NHS number") : absl::OkStatus();
  }
  if (!raw) return absl::NotFoundError(absl::StrCat("no person with id ", p.record.person_id()));
  SP_ASSIGN_OR_RETURN(v1::PersonRecord stored, ParseStored<v1::PersonRecord>(*raw, "person"));
  return stored.revision() == *p.expected_revision ? absl::OkStatus()
                                                   : Conflict("the person record");
}

absl::Status CheckAbsent(const Database::Impl& db, ColumnFamily family, const std::string& key,
                         std::string_view what) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> raw, ReadRaw(db, family, key));
  return raw ? Conflict(what) : absl::OkStatus();
}

absl::Status CheckCandidate(const Database::Impl& db, const CandidatePut& c) {
  const std::string key = keys::Candidate(c.record.candidate_id());
  if (!c.deciding) return CheckAbsent(db, ColumnFamily::kPeople, key, "the possible duplicate");
  SP_ASSIGN_OR_RETURN(
      v1::DuplicateCandidate stored,
      ReadMessage<v1::DuplicateCandidate>(db, ColumnFamily::kPeople, key, "possible duplicate"));
  return stored.state() == v1::DuplicateCandidate::STATE_PENDING
             ? absl::OkStatus()
             : Conflict("the possible duplicate");
}

absl::Status CheckMerge(const Database::Impl& db, const MergePut& m) {
  const std::string key = keys::Merge(m.record.merge_id());
  if (!m.undoing) return CheckAbsent(db, ColumnFamily::kPeople, key, "the merge");
  SP_ASSIGN_OR_RETURN(v1::MergeRecord stored,
                      ReadMessage<v1::MergeRecord>(db, ColumnFamily::kPeople, key, "merge"));
  return stored.undone() ? Conflict("the merge") : absl::OkStatus();
}

absl::Status CheckReferral(const Database::Impl& db, const Change& c, Current& cur) {
  if (!c.referral) return absl::OkStatus();
  return c.referral->before ? CheckUpdatedReferral(db, *c.referral, cur)
                            : CheckNewReferral(db, *c.referral, cur);
}

absl::Status CheckPreconditions(const Database::Impl& db, const Change& c, Current& cur) {
  SP_RETURN_IF_ERROR(CheckReferral(db, c, cur));
  if (cur.replay_of) return absl::OkStatus();
  for (const auto& p : c.people) SP_RETURN_IF_ERROR(CheckPerson(db, p));
  for (const auto& a : c.assessments) {
    SP_RETURN_IF_ERROR(CheckAbsent(
        db, ColumnFamily::kPeople,
        keys::Assessment(a.person_id(), static_cast<uint64_t>(a.version())), "the assessment"));
  }
  for (const auto& cand : c.candidates) SP_RETURN_IF_ERROR(CheckCandidate(db, cand));
  if (c.merge) SP_RETURN_IF_ERROR(CheckMerge(db, *c.merge));
  return absl::OkStatus();
}

// ---- Writing ----

// Moves `before`'s index entries to `after`'s.
void MoveIndexes(Batch& batch, const IndexEntries& before, const IndexEntries& after) {
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) batch.Delete(ColumnFamily::kIndexes, key);
  }
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    if (it == before.end() || it->second != value) batch.Put(ColumnFamily::kIndexes, key, value);
  }
}

class Writer {
 public:
  Writer(const Database::Impl& db, EventLog& events, SequenceTracker& audit)
      : batch_(db), events_(events), audit_(audit) {}

  void Referral(ReferralPut& put, const Current& cur, Applied& out);
  void People(std::vector<PersonPut>& people, Applied& out);
  void Journal(v1::TimelineEntry entry, Applied& out);
  void Assessments(const std::vector<v1::AssessmentVersion>& versions, Applied& out);
  void Candidates(const std::vector<CandidatePut>& candidates);
  void Merge(const MergePut& merge, Applied& out);
  void Directory(const Change& c);
  void Config(const Change& c);
  void Grants(const std::vector<v1::BreakGlassGrant>& grants);
  void Audit(std::vector<v1::AuditEntry>& entries, Applied& out);

  // Writes the batch (synced, or for Store::AppendAudit's buffered
  // entries, not) and completes every number allocated.
  absl::Status Commit(bool synced = true) {
    absl::Status st = synced ? batch_.Commit("change") : batch_.CommitUnsynced("audit entries");
    for (uint64_t seq : seqs_) events_.Complete(seq);
    for (uint64_t seq : audit_seqs_) audit_.Complete(seq);
    return st;
  }

 private:
  uint64_t Number() {
    seqs_.push_back(events_.Allocate());
    return seqs_.back();
  }
  void Timeline(const std::string& person_id, uint64_t seq, std::string_view kind) {
    batch_.Put(ColumnFamily::kIndexes, keys::Timeline(person_id, seq), kind);
  }

  Batch batch_;
  EventLog& events_;
  SequenceTracker& audit_;
  std::vector<uint64_t> seqs_;
  std::vector<uint64_t> audit_seqs_;
};

void Writer::Referral(ReferralPut& put, const Current& cur, Applied& out) {
  v1::Referral& r = put.record;
  if (!put.before) r.set_reference(cur.reference);
  for (v1::ReferralEvent& e : put.events) {
    e.set_sequence(Number());
    e.set_referral_id(r.referral_id());
    e.set_reference(r.reference());
    e.set_referrer_ods_code(r.submission().referrer().ods_code());
    batch_.Put(ColumnFamily::kEvents, keys::Event(e.sequence()), e);
    if (!r.person_id().empty()) Timeline(r.person_id(), e.sequence(), keys::kTimelineEvent);
  }
  r.set_last_event_sequence(put.events.back().sequence());
  batch_.Put(ColumnFamily::kReferrals, keys::Referral(r.referral_id()), r);
  MoveIndexes(batch_, cur.referral ? IndexEntriesFor(*cur.referral) : IndexEntries(),
              IndexEntriesFor(r));
  if (!put.before) batch_.Put(ColumnFamily::kIdempotency, IdempotencyKey(put), r.referral_id());
  out.referral = r;
  out.events = put.events;
}

void Writer::People(std::vector<PersonPut>& people, Applied& out) {
  for (PersonPut& p : people) {
    v1::PersonRecord& rec = p.record;
    rec.set_revision(p.expected_revision ? *p.expected_revision + 1 : 1);
    batch_.Put(ColumnFamily::kPeople, keys::Person(rec.person_id()), rec);
    if (IsNewPersonWithNhs(p)) {
      batch_.Put(ColumnFamily::kIndexes, keys::NhsNumberIndex(rec.nhs_number()), rec.person_id());
    }
    if (!p.expected_revision && !p.demographic_key.empty()) {
      batch_.Put(ColumnFamily::kIndexes,
                 keys::DemographicPrefix(p.demographic_key) + rec.person_id(), std::string_view());
    }
    out.people.push_back(rec);
  }
}

void Writer::Journal(v1::TimelineEntry entry, Applied& out) {
  entry.set_sequence(Number());
  batch_.Put(ColumnFamily::kJournal, keys::Journal(entry.sequence()), entry);
  Timeline(entry.person_id(), entry.sequence(), keys::kTimelineJournal);
  out.journal.push_back(std::move(entry));
}

void Writer::Assessments(const std::vector<v1::AssessmentVersion>& versions, Applied& out) {
  for (const v1::AssessmentVersion& v : versions) {
    batch_.Put(ColumnFamily::kPeople,
               keys::Assessment(v.person_id(), static_cast<uint64_t>(v.version())), v);
    v1::TimelineEntry entry;
    *entry.mutable_occurred_at() = v.recorded_at();
    entry.set_person_id(v.person_id());
    auto* change = entry.mutable_assessment_change();
    change->set_version(v.version());
    *change->mutable_author() = v.author();
    change->set_reason(v.reason());
    change->set_referral_id(v.referral_id());
    Journal(std::move(entry), out);
  }
}

void Writer::Candidates(const std::vector<CandidatePut>& candidates) {
  for (const CandidatePut& c : candidates) {
    const std::string& id = c.record.candidate_id();
    batch_.Put(ColumnFamily::kPeople, keys::Candidate(id), c.record);
    if (c.record.state() == v1::DuplicateCandidate::STATE_PENDING) {
      batch_.Put(ColumnFamily::kIndexes, keys::PendingCandidateIndex(id), std::string_view());
    } else {
      batch_.Delete(ColumnFamily::kIndexes, keys::PendingCandidateIndex(id));
    }
  }
}

void Writer::Merge(const MergePut& m, Applied& out) {
  const v1::MergeRecord& merge = m.record;
  batch_.Put(ColumnFamily::kPeople, keys::Merge(merge.merge_id()), merge);
  for (const std::string* pid : {&merge.surviving_person_id(), &merge.merged_person_id()}) {
    v1::TimelineEntry entry;
    *entry.mutable_occurred_at() = merge.undone() ? merge.unmerged_at() : merge.merged_at();
    entry.set_person_id(*pid);
    v1::TimelineEntry::MergeChange* change = entry.mutable_merge();
    change->set_merge_id(merge.merge_id());
    change->set_undone(merge.undone());
    change->set_surviving_person_id(merge.surviving_person_id());
    change->set_merged_person_id(merge.merged_person_id());
    Journal(std::move(entry), out);
  }
}

void Writer::Directory(const Change& c) {
  for (const auto& s : c.services) batch_.Put(ColumnFamily::kDirectory, keys::Service(s.id()), s);
  for (const auto& t : c.teams) batch_.Put(ColumnFamily::kDirectory, keys::Team(t.id()), t);
  for (const auto& cm : c.case_managers) {
    batch_.Put(ColumnFamily::kDirectory, keys::CaseManager(cm.id()), cm);
  }
}

void Writer::Grants(const std::vector<v1::BreakGlassGrant>& grants) {
  for (const v1::BreakGlassGrant& g : grants) {
    batch_.Put(ColumnFamily::kPeople, keys::BreakGlass(g.user_id(), g.person_id()), g);
  }
}

void Writer::Config(const Change& c) {
  if (c.rules) batch_.Put(ColumnFamily::kMeta, std::string(keys::kActiveRules), *c.rules);
  for (const auto& [key, value] : c.meta) batch_.Put(ColumnFamily::kMeta, key, value);
}

void Writer::Audit(std::vector<v1::AuditEntry>& entries, Applied& out) {
  for (v1::AuditEntry& e : entries) {
    audit_seqs_.push_back(audit_.Allocate());
    const uint64_t seq = audit_seqs_.back();
    e.set_sequence(seq);
    batch_.Put(ColumnFamily::kAudit, keys::AuditEntry(seq), e);
    std::string last_person;
    for (const v1::AuditSubject& subject : e.subjects()) {
      if (!subject.person_id().empty() && subject.person_id() != last_person) {
        std::string key = keys::AuditPersonPrefix(subject.person_id());
        AppendUint64(&key, seq);
        batch_.Put(ColumnFamily::kAudit, key, std::string_view());
        last_person = subject.person_id();
      }
      if (!subject.nhs_number().empty()) {
        std::string key = keys::AuditNhsPrefix(subject.nhs_number());
        AppendUint64(&key, seq);
        batch_.Put(ColumnFamily::kAudit, key, std::string_view());
      }
    }
    out.audit.push_back(e);
  }
}

}  // namespace

bool IsConflict(const absl::Status& status) {
  return absl::IsAborted(status) && status.GetPayload(kConflictPayload).has_value();
}

absl::StatusOr<Applied> Store::Apply(Change change) {
  SP_RETURN_IF_ERROR(CheckShape(change));
  const std::vector<std::string> lock_keys = LockKeys(change);
  LockManager::MultiGuard guard =
      impl_->locks.LockAll(std::vector<std::string_view>(lock_keys.begin(), lock_keys.end()));
  Current cur;
  SP_RETURN_IF_ERROR(CheckPreconditions(impl_->db, change, cur));
  if (cur.replay_of) return Applied{.replayed = true, .referral = std::move(*cur.replay_of)};

  Applied out;
  Writer w(impl_->db, *impl_->events, impl_->audit_sequence);
  if (change.referral) w.Referral(*change.referral, cur, out);
  w.People(change.people, out);
  for (auto& entry : change.journal) w.Journal(std::move(entry), out);
  w.Assessments(change.assessments, out);
  w.Candidates(change.candidates);
  if (change.merge) w.Merge(*change.merge, out);
  w.Directory(change);
  w.Config(change);
  w.Grants(change.grants);
  w.Audit(change.audit, out);
  SP_RETURN_IF_ERROR(w.Commit());
  return out;
}

absl::StatusOr<std::vector<v1::AuditEntry>> Store::AppendAudit(std::vector<v1::AuditEntry> entries,
                                                               AuditDurability durability) {
  Applied out;
  Writer w(impl_->db, *impl_->events, impl_->audit_sequence);
  w.Audit(entries, out);
  SP_RETURN_IF_ERROR(w.Commit(durability == AuditDurability::kSynced));
  return std::move(out.audit);
}

}  // namespace signpost::storage
