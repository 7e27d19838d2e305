// RocksDB implementation of PersonStore. See person_store.h for the
// contract, key_codec.h for the layout and rocks_record_store.h for the
// lock order.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "storage/key_codec.h"
#include "storage/rocks_record_store.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kMaxMergeHops = 16;

// Iterates every key in `family` starting with `prefix`, from `start`
// (inclusive; empty = the prefix itself).
template <typename Fn>
absl::Status ScanPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                        const std::string& prefix, const std::string& start, Fn&& fn) {
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, family));
  for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
    absl::StatusOr<bool> more = fn(it->key().ToStringView(), it->value().ToStringView());
    SP_RETURN_IF_ERROR(more.status());
    if (!*more) break;
  }
  return FromRocks(it->status(), "scanning");
}

// The version after `person`'s latest, written by `author` for `reason`.
v1::AssessmentVersion NextVersion(const v1::PersonRecord& person,
                                  const v1::HolisticAssessment& assessment,
                                  const v1::StaffRef& author, absl::Time now,
                                  std::string_view reason) {
  v1::AssessmentVersion next;
  next.set_person_id(person.person_id());
  next.set_version(person.assessment_version() + 1);
  *next.mutable_assessment() = assessment;
  *next.mutable_author() = author;
  *next.mutable_recorded_at() = ToProtoTime(now);
  next.set_reason(std::string(reason));
  return next;
}

absl::Status RequireActive(const v1::PersonRecord& p) {
  if (p.state() == v1::PERSON_STATE_ACTIVE) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("person ", p.person_id(), " was merged into ", p.merged_into_person_id()));
}

}  // namespace

void RocksRecordStore::AddToTimeline(Batch& batch, const std::string& person_id,
                                     const v1::ReferralEvent& event) {
  v1::TimelineEntry entry;
  entry.set_sequence(event.sequence());
  *entry.mutable_occurred_at() = event.occurred_at();
  entry.set_person_id(person_id);
  *entry.mutable_referral_event() = event;
  PutTimeline(batch, entry);
}

void RocksRecordStore::PutTimeline(Batch& batch, const v1::TimelineEntry& entry) {
  batch.Put(ColumnFamily::kPeople, keys::Timeline(entry.person_id(), entry.sequence()), entry);
}

v1::TimelineEntry RocksRecordStore::AssessmentEntry(const v1::AssessmentVersion& v) {
  v1::TimelineEntry entry;
  entry.set_sequence(sequence_.Allocate());
  *entry.mutable_occurred_at() = v.recorded_at();
  entry.set_person_id(v.person_id());
  auto* change = entry.mutable_assessment_change();
  change->set_version(v.version());
  *change->mutable_author() = v.author();
  change->set_reason(v.reason());
  change->set_referral_id(v.referral_id());
  return entry;
}

void RocksRecordStore::PutMergeChange(Batch& batch, const v1::PersonRecord& surviving,
                                      const v1::PersonRecord& merged,
                                      const v1::AssessmentVersion& next,
                                      const v1::MergeRecord& merge, absl::Time now,
                                      std::vector<uint64_t>& seqs) {
  batch.Put(ColumnFamily::kPeople, keys::Person(merged.person_id()), merged);
  batch.Put(ColumnFamily::kPeople, keys::Person(surviving.person_id()), surviving);
  batch.Put(ColumnFamily::kPeople,
            keys::Assessment(surviving.person_id(), static_cast<uint64_t>(next.version())), next);
  batch.Put(ColumnFamily::kPeople, keys::Merge(merge.merge_id()), merge);
  for (const std::string* pid : {&surviving.person_id(), &merged.person_id()}) {
    v1::TimelineEntry entry;
    entry.set_sequence(sequence_.Allocate());
    seqs.push_back(entry.sequence());
    *entry.mutable_occurred_at() = ToProtoTime(now);
    entry.set_person_id(*pid);
    v1::TimelineEntry::MergeChange* change = entry.mutable_merge();
    change->set_merge_id(merge.merge_id());
    change->set_undone(merge.undone());
    change->set_surviving_person_id(surviving.person_id());
    change->set_merged_person_id(merged.person_id());
    PutTimeline(batch, entry);
  }
  const v1::TimelineEntry assessed = AssessmentEntry(next);
  seqs.push_back(assessed.sequence());
  PutTimeline(batch, assessed);
}

absl::StatusOr<v1::PersonRecord> RocksRecordStore::GetPerson(std::string_view person_id) const {
  absl::StatusOr<v1::PersonRecord> p =
      Read<v1::PersonRecord>(ColumnFamily::kPeople, keys::Person(person_id), "person");
  if (absl::IsNotFound(p.status())) {
    return absl::NotFoundError(absl::StrCat("no person with id ", Sv(person_id)));
  }
  return p;
}

absl::StatusOr<v1::PersonRecord> RocksRecordStore::FindSurvivor(std::string_view id) const {
  std::string person_id(id);
  for (int hop = 0; hop < kMaxMergeHops; ++hop) {
    SP_ASSIGN_OR_RETURN(v1::PersonRecord p, GetPerson(person_id));
    if (p.state() != v1::PERSON_STATE_MERGED) return p;
    person_id = p.merged_into_person_id();
  }
  return absl::DataLossError("merge chain too long");
}

absl::StatusOr<v1::PersonRecord> RocksRecordStore::FindByNhsNumber(
    std::string_view nhs_number) const {
  std::string person_id;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(ColumnFamily::kIndexes),
                               keys::NhsNumberIndex(nhs_number), &person_id);
  if (s.IsNotFound()) return absl::NotFoundError("no person with that NHS number");
  SP_RETURN_IF_ERROR(FromRocks(s, "reading NHS number index"));
  return GetPerson(person_id);
}

absl::StatusOr<std::vector<v1::PersonRecord>> RocksRecordStore::FindByDemographicKey(
    std::string_view key, size_t max) const {
  std::vector<v1::PersonRecord> out;
  if (key.empty() || max == 0) return out;
  const std::string prefix = keys::DemographicPrefix(key);
  SP_RETURN_IF_ERROR(ScanPrefix(db_, cf(ColumnFamily::kIndexes), prefix, "",
                                [&](std::string_view k, std::string_view) -> absl::StatusOr<bool> {
                                  SP_ASSIGN_OR_RETURN(v1::PersonRecord p,
                                                      GetPerson(k.substr(prefix.size())));
                                  out.push_back(std::move(p));
                                  return out.size() < max;
                                }));
  return out;
}

absl::StatusOr<std::vector<std::string>> RocksRecordStore::ReferralIds(
    std::string_view person_id) const {
  std::vector<std::string> out;
  const std::string prefix = keys::PersonReferralsPrefix(person_id);
  SP_RETURN_IF_ERROR(ScanPrefix(db_, cf(ColumnFamily::kIndexes), prefix, "",
                                [&](std::string_view k, std::string_view) -> absl::StatusOr<bool> {
                                  out.emplace_back(k.substr(prefix.size()));
                                  return true;
                                }));
  return out;
}

absl::StatusOr<std::optional<v1::AssessmentVersion>> RocksRecordStore::LatestAssessment(
    const v1::PersonRecord& person) const {
  if (person.assessment_version() == 0) return std::optional<v1::AssessmentVersion>();
  SP_ASSIGN_OR_RETURN(v1::AssessmentVersion v,
                      GetAssessment(person.person_id(), person.assessment_version()));
  return std::optional<v1::AssessmentVersion>(std::move(v));
}

absl::StatusOr<v1::AssessmentVersion> RocksRecordStore::GetAssessment(std::string_view person_id,
                                                                      int64_t version) const {
  if (version < 0) return absl::InvalidArgumentError("version must not be negative");
  if (version == 0) {
    SP_ASSIGN_OR_RETURN(v1::PersonRecord p, GetPerson(person_id));
    if (p.assessment_version() == 0) {
      return absl::NotFoundError(absl::StrCat("person ", Sv(person_id), " has no assessment"));
    }
    version = p.assessment_version();
  }
  absl::StatusOr<v1::AssessmentVersion> v = Read<v1::AssessmentVersion>(
      ColumnFamily::kPeople, keys::Assessment(person_id, static_cast<uint64_t>(version)),
      "assessment version");
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(
        absl::StrCat("person ", Sv(person_id), " has no assessment version ", version));
  }
  return v;
}

absl::StatusOr<std::vector<v1::AssessmentVersion>> RocksRecordStore::ListAssessments(
    std::string_view person_id) const {
  SP_RETURN_IF_ERROR(GetPerson(person_id).status());
  std::vector<v1::AssessmentVersion> out;
  SP_RETURN_IF_ERROR(ScanPrefix(
      db_, cf(ColumnFamily::kPeople), keys::AssessmentPrefix(person_id), "",
      [&](std::string_view, std::string_view value) -> absl::StatusOr<bool> {
        SP_ASSIGN_OR_RETURN(v1::AssessmentVersion v,
                            ParseStored<v1::AssessmentVersion>(value, "assessment version"));
        out.push_back(std::move(v));
        return true;
      }));
  return out;
}

absl::StatusOr<v1::AssessmentVersion> RocksRecordStore::UpdateAssessment(
    std::string_view person_id, int64_t expected_version, const v1::HolisticAssessment& assessment,
    const v1::StaffRef& author, absl::Time now) {
  LockManager::Guard guard = person_locks_.Lock(person_id);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, GetPerson(person_id));
  SP_RETURN_IF_ERROR(RequireActive(person));
  if (person.assessment_version() != expected_version) {
    return absl::AbortedError(absl::StrCat("expected_version: ", expected_version,
                                           " is not the latest (", person.assessment_version(),
                                           "); read the latest version and apply your change"));
  }
  const v1::AssessmentVersion next = NextVersion(person, assessment, author, now, "assessment");
  person.set_assessment_version(next.version());
  *person.mutable_updated_at() = ToProtoTime(now);

  Batch batch(database_->impl());
  batch.Put(ColumnFamily::kPeople, keys::Person(person.person_id()), person);
  batch.Put(ColumnFamily::kPeople,
            keys::Assessment(person.person_id(), static_cast<uint64_t>(next.version())), next);
  const v1::TimelineEntry entry = AssessmentEntry(next);
  PutTimeline(batch, entry);
  absl::Status st = batch.Commit("assessment");
  Publish(entry.sequence());
  SP_RETURN_IF_ERROR(st);
  return next;
}

absl::StatusOr<v1::DuplicateCandidate> RocksRecordStore::GetCandidate(
    std::string_view candidate_id) const {
  absl::StatusOr<v1::DuplicateCandidate> c = Read<v1::DuplicateCandidate>(
      ColumnFamily::kPeople, keys::Candidate(candidate_id), "candidate");
  if (absl::IsNotFound(c.status())) {
    return absl::NotFoundError(absl::StrCat("no possible duplicate with id ", Sv(candidate_id)));
  }
  return c;
}

absl::StatusOr<CandidatePage> RocksRecordStore::ListPendingCandidates(std::string_view after_id,
                                                                      int limit) const {
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit must be 1-1000");
  CandidatePage page;
  const std::string prefix(1, keys::kPendingCandidateIndex);
  const std::string start = after_id.empty() ? "" : keys::PendingCandidateIndex(after_id);
  bool more = false;
  SP_RETURN_IF_ERROR(ScanPrefix(db_, cf(ColumnFamily::kIndexes), prefix, start,
                                [&](std::string_view k, std::string_view) -> absl::StatusOr<bool> {
                                  const std::string_view id = k.substr(prefix.size());
                                  if (id == after_id) return true;
                                  if (static_cast<int>(page.candidates.size()) == limit) {
                                    more = true;
                                    return false;
                                  }
                                  SP_ASSIGN_OR_RETURN(v1::DuplicateCandidate c, GetCandidate(id));
                                  page.candidates.push_back(std::move(c));
                                  return true;
                                }));
  if (more) page.resume_after_id = page.candidates.back().candidate_id();
  return page;
}

absl::StatusOr<MergeOutcome> RocksRecordStore::ResolveCandidate(
    std::string_view candidate_id, bool confirm, const v1::StaffRef& by, std::string_view reason,
    std::string_view merge_id, absl::Time now, const MergePlanner& plan) {
  LockManager::Guard candidate_guard = candidate_locks_.Lock(candidate_id);
  SP_ASSIGN_OR_RETURN(v1::DuplicateCandidate candidate, GetCandidate(candidate_id));
  PairGuard people_guard(person_locks_, candidate.person_id(), candidate.matched_person_id());
  if (candidate.state() != v1::DuplicateCandidate::STATE_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("possible duplicate ", Sv(candidate_id), " was already decided (",
                     v1::DuplicateCandidate::State_Name(candidate.state()), ")"));
  }
  candidate.set_state(confirm ? v1::DuplicateCandidate::STATE_CONFIRMED
                              : v1::DuplicateCandidate::STATE_REJECTED);
  *candidate.mutable_decided_by() = by;
  *candidate.mutable_decided_at() = ToProtoTime(now);

  Batch batch(database_->impl());
  std::vector<uint64_t> seqs;
  MergeOutcome outcome;
  if (confirm) {
    SP_ASSIGN_OR_RETURN(v1::PersonRecord merged, GetPerson(candidate.person_id()));
    SP_ASSIGN_OR_RETURN(v1::PersonRecord surviving, GetPerson(candidate.matched_person_id()));
    SP_RETURN_IF_ERROR(RequireActive(merged));
    SP_RETURN_IF_ERROR(RequireActive(surviving));
    if (merged.has_nhs_number() && surviving.has_nhs_number() &&
        merged.nhs_number() != surviving.nhs_number()) {
      return absl::FailedPreconditionError(
          "records with different NHS numbers are different people");
    }
    SP_ASSIGN_OR_RETURN(std::optional<v1::AssessmentVersion> s_latest, LatestAssessment(surviving));
    SP_ASSIGN_OR_RETURN(std::optional<v1::AssessmentVersion> m_latest, LatestAssessment(merged));
    const AssessmentPlan planned = plan(s_latest.value_or(v1::AssessmentVersion()),
                                        m_latest.value_or(v1::AssessmentVersion()));

    const v1::AssessmentVersion next = NextVersion(surviving, planned.assessment, by, now, "merge");

    v1::MergeRecord merge;
    merge.set_merge_id(std::string(merge_id));
    merge.set_surviving_person_id(surviving.person_id());
    merge.set_merged_person_id(merged.person_id());
    *merge.mutable_merged_by() = by;
    *merge.mutable_merged_at() = ToProtoTime(now);
    merge.set_reason(std::string(reason));
    for (int f : planned.filled_sections) merge.add_filled_sections(f);
    merge.set_merge_assessment_version(next.version());
    merge.set_candidate_id(candidate.candidate_id());
    candidate.set_merge_id(merge.merge_id());

    merged.set_state(v1::PERSON_STATE_MERGED);
    merged.set_merged_into_person_id(surviving.person_id());
    *merged.mutable_updated_at() = ToProtoTime(now);
    surviving.add_merged_person_ids(merged.person_id());
    surviving.set_assessment_version(next.version());
    *surviving.mutable_updated_at() = ToProtoTime(now);

    PutMergeChange(batch, surviving, merged, next, merge, now, seqs);
    outcome.merge = std::move(merge);
  }
  batch.Put(ColumnFamily::kPeople, keys::Candidate(candidate.candidate_id()), candidate);
  batch.Delete(ColumnFamily::kIndexes, keys::PendingCandidateIndex(candidate.candidate_id()));
  absl::Status st = batch.Commit("possible duplicate decision");
  for (uint64_t seq : seqs) Publish(seq);
  SP_RETURN_IF_ERROR(st);
  outcome.candidate = std::move(candidate);
  return outcome;
}

absl::StatusOr<v1::MergeRecord> RocksRecordStore::GetMerge(std::string_view merge_id) const {
  absl::StatusOr<v1::MergeRecord> m =
      Read<v1::MergeRecord>(ColumnFamily::kPeople, keys::Merge(merge_id), "merge");
  if (absl::IsNotFound(m.status())) {
    return absl::NotFoundError(absl::StrCat("no merge with id ", Sv(merge_id)));
  }
  return m;
}

absl::StatusOr<v1::MergeRecord> RocksRecordStore::Unmerge(std::string_view merge_id,
                                                          const v1::StaffRef& by,
                                                          std::string_view reason, absl::Time now,
                                                          const UnmergePlanner& plan) {
  SP_ASSIGN_OR_RETURN(v1::MergeRecord merge, GetMerge(merge_id));
  PairGuard people_guard(person_locks_, merge.surviving_person_id(), merge.merged_person_id());
  SP_ASSIGN_OR_RETURN(merge, GetMerge(merge_id));  // re-read under the locks
  if (merge.undone()) {
    return absl::FailedPreconditionError(
        absl::StrCat("merge ", Sv(merge_id), " is already undone"));
  }
  SP_ASSIGN_OR_RETURN(v1::PersonRecord surviving, GetPerson(merge.surviving_person_id()));
  SP_ASSIGN_OR_RETURN(v1::PersonRecord merged, GetPerson(merge.merged_person_id()));
  if (surviving.state() != v1::PERSON_STATE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("person ", surviving.person_id(), " has since been merged into ",
                     surviving.merged_into_person_id(), "; undo that merge first"));
  }
  SP_ASSIGN_OR_RETURN(std::optional<v1::AssessmentVersion> current, LatestAssessment(surviving));
  SP_ASSIGN_OR_RETURN(v1::AssessmentVersion at_merge,
                      GetAssessment(surviving.person_id(), merge.merge_assessment_version()));
  const AssessmentPlan planned = plan(current.value_or(v1::AssessmentVersion()), at_merge, merge);

  const v1::AssessmentVersion next = NextVersion(surviving, planned.assessment, by, now, "unmerge");

  merge.set_undone(true);
  *merge.mutable_unmerged_by() = by;
  *merge.mutable_unmerged_at() = ToProtoTime(now);
  merge.set_unmerge_reason(std::string(reason));
  merged.set_state(v1::PERSON_STATE_ACTIVE);
  merged.clear_merged_into_person_id();
  *merged.mutable_updated_at() = ToProtoTime(now);
  auto* ids = surviving.mutable_merged_person_ids();
  ids->erase(std::remove(ids->begin(), ids->end(), merged.person_id()), ids->end());
  surviving.set_assessment_version(next.version());
  *surviving.mutable_updated_at() = ToProtoTime(now);

  Batch batch(database_->impl());
  std::vector<uint64_t> seqs;
  PutMergeChange(batch, surviving, merged, next, merge, now, seqs);
  absl::Status st = batch.Commit("unmerge");
  for (uint64_t seq : seqs) Publish(seq);
  SP_RETURN_IF_ERROR(st);
  return merge;
}

absl::StatusOr<v1::TimelineEntry> RocksRecordStore::AppendTimeline(std::string_view person_id,
                                                                   v1::TimelineEntry entry) {
  LockManager::Guard guard = person_locks_.Lock(person_id);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, GetPerson(person_id));
  SP_RETURN_IF_ERROR(RequireActive(person));
  entry.set_sequence(sequence_.Allocate());
  entry.set_person_id(person.person_id());
  Batch batch(database_->impl());
  if (entry.has_mdt_meeting() && !entry.mdt_meeting().care_coordinator_id().empty()) {
    person.set_care_coordinator_id(entry.mdt_meeting().care_coordinator_id());
    *person.mutable_updated_at() = entry.occurred_at();
    batch.Put(ColumnFamily::kPeople, keys::Person(person.person_id()), person);
  }
  PutTimeline(batch, entry);
  absl::Status st = batch.Commit("timeline entry");
  Publish(entry.sequence());
  SP_RETURN_IF_ERROR(st);
  return entry;
}

absl::StatusOr<std::vector<v1::TimelineEntry>> RocksRecordStore::ReadTimeline(
    const std::vector<std::string>& person_ids, uint64_t after, size_t limit) const {
  std::vector<v1::TimelineEntry> out;
  for (const std::string& pid : person_ids) {
    const std::string prefix = keys::TimelinePrefix(pid);
    size_t taken = 0;
    SP_RETURN_IF_ERROR(
        ScanPrefix(db_, cf(ColumnFamily::kPeople), prefix, keys::Timeline(pid, after + 1),
                   [&](std::string_view, std::string_view value) -> absl::StatusOr<bool> {
                     SP_ASSIGN_OR_RETURN(v1::TimelineEntry e,
                                         ParseStored<v1::TimelineEntry>(value, "timeline entry"));
                     out.push_back(std::move(e));
                     return ++taken < limit;
                   }));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.sequence() < b.sequence(); });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace signpost::storage
