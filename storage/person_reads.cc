// Store reads of people, assessment versions, duplicates, merges and
// timelines.
#include <algorithm>

#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kMaxMergeHops = 16;

// Renames NOT_FOUND from a point read to "no <what> with id <id>".
template <typename T>
absl::StatusOr<T> Named(absl::StatusOr<T> r, std::string_view what, std::string_view id) {
  if (absl::IsNotFound(r.status())) {
    return absl::NotFoundError(absl::StrCat("no ", Sv(what), " with id ", Sv(id)));
  }
  return r;
}

// One timeline index entry: its sequence and where the entry lives.
struct TimelineRef {
  uint64_t sequence;
  bool event;
};

absl::StatusOr<v1::TimelineEntry> LoadTimelineEntry(const Database::Impl& db,
                                                    const std::string& person_id,
                                                    const TimelineRef& ref) {
  if (!ref.event) {
    return ReadMessage<v1::TimelineEntry>(db, ColumnFamily::kJournal, keys::Journal(ref.sequence),
                                          "journal entry");
  }
  SP_ASSIGN_OR_RETURN(v1::ReferralEvent event,
                      ReadMessage<v1::ReferralEvent>(db, ColumnFamily::kEvents,
                                                     keys::Event(ref.sequence), "event"));
  v1::TimelineEntry entry;
  entry.set_sequence(ref.sequence);
  *entry.mutable_occurred_at() = event.occurred_at();
  entry.set_person_id(person_id);
  *entry.mutable_referral_event() = std::move(event);
  return entry;
}

}  // namespace

absl::StatusOr<v1::PersonRecord> Store::GetPerson(std::string_view person_id) const {
  return Named(ReadMessage<v1::PersonRecord>(impl_->db, ColumnFamily::kPeople,
                                             keys::Person(person_id), "person"),
               "person", person_id);
}

absl::StatusOr<v1::PersonRecord> Store::FindSurvivor(std::string_view id) const {
  std::string person_id(id);
  for (int hop = 0; hop < kMaxMergeHops; ++hop) {
    SP_ASSIGN_OR_RETURN(v1::PersonRecord p, GetPerson(person_id));
    if (p.state() != v1::PERSON_STATE_MERGED) return p;
    person_id = p.merged_into_person_id();
  }
  return absl::DataLossError("merge chain too long");
}

absl::StatusOr<v1::PersonRecord> Store::FindByNhsNumber(std::string_view nhs_number) const {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> person_id,
                      ReadRaw(impl_->db, ColumnFamily::kIndexes, keys::NhsNumberIndex(nhs_number)));
  if (!person_id) return absl::NotFoundError("no person with that NHS number");
  return GetPerson(*person_id);
}

absl::StatusOr<std::vector<v1::PersonRecord>> Store::FindByDemographicKey(std::string_view key,
                                                                          size_t max) const {
  std::vector<v1::PersonRecord> out;
  if (key.empty() || max == 0) return out;
  const std::string prefix = keys::DemographicPrefix(key);
  SP_RETURN_IF_ERROR(ScanPrefix(impl_->db, ColumnFamily::kIndexes, prefix, "",
                                [&](std::string_view k, std::string_view) -> absl::StatusOr<bool> {
                                  SP_ASSIGN_OR_RETURN(v1::PersonRecord p,
                                                      GetPerson(k.substr(prefix.size())));
                                  out.push_back(std::move(p));
                                  return out.size() < max;
                                }));
  return out;
}

absl::StatusOr<std::vector<std::string>> Store::ReferralIds(std::string_view person_id) const {
  std::vector<std::string> out;
  const std::string prefix = keys::PersonReferralsPrefix(person_id);
  SP_RETURN_IF_ERROR(ScanPrefix(impl_->db, ColumnFamily::kIndexes, prefix, "",
                                [&](std::string_view k, std::string_view) -> absl::StatusOr<bool> {
                                  out.emplace_back(k.substr(prefix.size()));
                                  return true;
                                }));
  return out;
}

absl::StatusOr<std::optional<v1::AssessmentVersion>> Store::LatestAssessment(
    const v1::PersonRecord& person) const {
  if (person.assessment_version() == 0) return std::optional<v1::AssessmentVersion>();
  SP_ASSIGN_OR_RETURN(v1::AssessmentVersion v,
                      GetAssessment(person.person_id(), person.assessment_version()));
  return std::optional<v1::AssessmentVersion>(std::move(v));
}

absl::StatusOr<v1::AssessmentVersion> Store::GetAssessment(std::string_view person_id,
                                                           int64_t version) const {
  if (version < 0) return absl::InvalidArgumentError("version must not be negative");
  if (version == 0) {
    SP_ASSIGN_OR_RETURN(v1::PersonRecord p, GetPerson(person_id));
    if (p.assessment_version() == 0) {
      return absl::NotFoundError(absl::StrCat("person ", Sv(person_id), " has no assessment"));
    }
    version = p.assessment_version();
  }
  absl::StatusOr<v1::AssessmentVersion> v = ReadMessage<v1::AssessmentVersion>(
      impl_->db, ColumnFamily::kPeople, keys::Assessment(person_id, static_cast<uint64_t>(version)),
      "assessment version");
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(
        absl::StrCat("person ", Sv(person_id), " has no assessment version ", version));
  }
  return v;
}

absl::StatusOr<std::vector<v1::AssessmentVersion>> Store::ListAssessments(
    std::string_view person_id) const {
  SP_RETURN_IF_ERROR(GetPerson(person_id).status());
  std::vector<v1::AssessmentVersion> out;
  SP_RETURN_IF_ERROR(ScanPrefix(
      impl_->db, ColumnFamily::kPeople, keys::AssessmentPrefix(person_id), "",
      [&](std::string_view, std::string_view value) -> absl::StatusOr<bool> {
        SP_ASSIGN_OR_RETURN(v1::AssessmentVersion v,
                            ParseStored<v1::AssessmentVersion>(value, "assessment version"));
        out.push_back(std::move(v));
        return true;
      }));
  return out;
}

absl::StatusOr<v1::DuplicateCandidate> Store::GetCandidate(std::string_view candidate_id) const {
  return Named(ReadMessage<v1::DuplicateCandidate>(impl_->db, ColumnFamily::kPeople,
                                                   keys::Candidate(candidate_id), "candidate"),
               "possible duplicate", candidate_id);
}

absl::StatusOr<CandidatePage> Store::ListPendingCandidates(std::string_view after_id,
                                                           int limit) const {
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit must be 1-1000");
  CandidatePage page;
  const std::string prefix(1, keys::kPendingCandidateIndex);
  const std::string start = after_id.empty() ? "" : keys::PendingCandidateIndex(after_id);
  bool more = false;
  SP_RETURN_IF_ERROR(ScanPrefix(impl_->db, ColumnFamily::kIndexes, prefix, start,
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

absl::StatusOr<v1::MergeRecord> Store::GetMerge(std::string_view merge_id) const {
  return Named(ReadMessage<v1::MergeRecord>(impl_->db, ColumnFamily::kPeople, keys::Merge(merge_id),
                                            "merge"),
               "merge", merge_id);
}

absl::StatusOr<std::vector<v1::TimelineEntry>> Store::ReadTimeline(
    const std::vector<std::string>& person_ids, uint64_t after, size_t limit) const {
  std::vector<std::pair<TimelineRef, const std::string*>> refs;
  for (const std::string& pid : person_ids) {
    size_t taken = 0;
    SP_RETURN_IF_ERROR(
        ScanPrefix(impl_->db, ColumnFamily::kIndexes, keys::TimelinePrefix(pid),
                   keys::Timeline(pid, after + 1),
                   [&](std::string_view k, std::string_view kind) -> absl::StatusOr<bool> {
                     std::optional<uint64_t> seq = keys::TimelineSequence(k);
                     if (!seq) return absl::DataLossError("malformed timeline key");
                     refs.push_back({{*seq, kind == keys::kTimelineEvent}, &pid});
                     return ++taken < limit;
                   }));
  }
  std::sort(refs.begin(), refs.end(),
            [](const auto& a, const auto& b) { return a.first.sequence < b.first.sequence; });
  if (refs.size() > limit) refs.resize(limit);
  std::vector<v1::TimelineEntry> out;
  for (const auto& [ref, pid] : refs) {
    SP_ASSIGN_OR_RETURN(v1::TimelineEntry e, LoadTimelineEntry(impl_->db, *pid, ref));
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<std::optional<v1::BreakGlassGrant>> Store::GetBreakGlass(
    std::string_view user_id, std::string_view person_id) const {
  SP_ASSIGN_OR_RETURN(
      std::optional<std::string> raw,
      ReadRaw(impl_->db, ColumnFamily::kPeople, keys::BreakGlass(user_id, person_id)));
  if (!raw) return std::optional<v1::BreakGlassGrant>();
  SP_ASSIGN_OR_RETURN(v1::BreakGlassGrant g,
                      ParseStored<v1::BreakGlassGrant>(*raw, "break-glass grant"));
  return std::optional<v1::BreakGlassGrant>(std::move(g));
}

}  // namespace signpost::storage
