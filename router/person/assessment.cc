#include "router/person/assessment.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

constexpr size_t kMaxNarrative = 4000;
constexpr int kMaxConditions = 30;
constexpr size_t kMaxCondition = 200;
constexpr int kMaxGoals = 20;
constexpr size_t kMaxGoal = 500;
constexpr int kMaxNeeds = 50;

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string Utf8Prefix(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t end = n;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

int SafeguardingRank(v1::Answer a) {
  switch (a) {
    case v1::ANSWER_YES:
      return 3;
    case v1::ANSWER_UNKNOWN:
      return 2;
    case v1::ANSWER_NO:
      return 1;
    default:
      return 0;
  }
}

void AddNeed(v1::HolisticAssessment::PresentingNeeds& p, int need) {
  if (need == v1::PRESENTING_NEED_UNSPECIFIED) return;
  if (std::find(p.needs().begin(), p.needs().end(), need) != p.needs().end()) return;
  p.add_needs(static_cast<v1::PresentingNeed>(need));
}

void AppendText(std::string* to, const std::string& text) {
  if (text.empty() || to->find(text) != std::string::npos) return;
  *to = to->empty() ? text : Utf8Prefix(absl::StrCat(*to, "\n", text), kMaxNarrative);
}

void AddUnique(google::protobuf::RepeatedPtrField<std::string>* to, const std::string& s) {
  if (s.empty() || std::find(to->begin(), to->end(), s) != to->end()) return;
  *to->Add() = s;
}

const Message& Section(const v1::HolisticAssessment& a, const FieldDescriptor* f) {
  return a.GetReflection()->GetMessage(a, f);
}

// Clears every singular sub-message of `m` that holds nothing but empty
// sub-messages; true if `m` itself is then empty.
bool PruneEmpty(Message* m) {
  const auto* refl = m->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  refl->ListFields(*m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated() &&
        PruneEmpty(refl->MutableMessage(m, f))) {
      refl->ClearField(m, f);
    }
  }
  fields.clear();
  refl->ListFields(*m, &fields);
  return fields.empty();
}

bool IsUnknown(const v1::HolisticAssessment& a, const FieldDescriptor* f) {
  if (!a.GetReflection()->HasField(a, f)) return true;
  std::unique_ptr<Message> copy(Section(a, f).New());
  copy->CopyFrom(Section(a, f));
  return PruneEmpty(copy.get());
}

void Check(std::vector<FieldViolation>& out, bool bad, std::string_view prefix,
           std::string_view field, std::string description) {
  if (bad) out.push_back({absl::StrCat(Sv(prefix), ".", Sv(field)), std::move(description)});
}

void CheckText(std::vector<FieldViolation>& out, const std::string& s, size_t max,
               std::string_view prefix, std::string_view field) {
  Check(out, s.size() > max, prefix, field, absl::StrCat("is longer than ", max, " characters"));
  Check(out, HasControlCharacters(s, /*allow_newlines=*/true), prefix, field,
        "contains control characters");
}

}  // namespace

namespace {

void AddPresenting(const v1::Referral& referral, v1::HolisticAssessment::PresentingNeeds& p) {
  const v1::ReferralSubmission& s = referral.submission();
  for (int need : s.presenting_needs()) AddNeed(p, need);
  v1::HistoryEntry* entry = p.add_history();
  *entry->mutable_recorded_at() = referral.received_at();
  entry->set_referral_id(referral.referral_id());
  entry->set_reference(referral.reference());
  entry->set_channel(s.channel());
  entry->set_summary(Utf8Prefix(s.story(), kHistorySummaryChars));
  if (p.history_size() > kMaxHistoryEntries) {
    p.mutable_history()->DeleteSubrange(0, p.history_size() - kMaxHistoryEntries);
  }
}

void AddRisk(const v1::RiskIndicators& in, v1::HolisticAssessment::Risk& risk) {
  risk.set_to_self(std::max(risk.to_self(), in.to_self()));
  risk.set_to_others(std::max(risk.to_others(), in.to_others()));
  risk.set_from_others(std::max(risk.from_others(), in.from_others()));
  if (SafeguardingRank(in.safeguarding_concern()) > SafeguardingRank(risk.safeguarding_concern())) {
    risk.set_safeguarding_concern(in.safeguarding_concern());
  }
  AppendText(risk.mutable_details(), in.details());
}

void AddFamily(const v1::CarerAndDependants& fam, v1::CarerAndDependants& known) {
  if (fam.has_has_carer()) known.set_has_carer(fam.has_carer());
  if (!fam.carer_name().empty()) known.set_carer_name(fam.carer_name());
  if (!fam.carer_phone().empty()) known.set_carer_phone(fam.carer_phone());
  if (fam.has_is_a_carer()) known.set_is_a_carer(fam.is_a_carer());
  if (fam.has_dependent_children()) known.set_dependent_children(fam.dependent_children());
  if (!fam.notes().empty()) AppendText(known.mutable_notes(), fam.notes());
}

void AddCommunication(const v1::CommunicationNeeds& comm, v1::CommunicationNeeds& c) {
  if (!comm.interpreter_language().empty()) c.set_interpreter_language(comm.interpreter_language());
  if (comm.british_sign_language()) c.set_british_sign_language(true);
  if (comm.easy_read()) c.set_easy_read(true);
  for (const auto& adj : comm.other_adjustments()) AddUnique(c.mutable_other_adjustments(), adj);
}

void AddPreferences(const v1::ReferralSubmission& s,
                    v1::HolisticAssessment::PreferencesAndGoals& prefs) {
  for (const auto& id : s.preferences().preferred_service_ids()) {
    AddUnique(prefs.mutable_services()->mutable_preferred_service_ids(), id);
  }
  for (const auto& id : s.preferences().declined_service_ids()) {
    AddUnique(prefs.mutable_services()->mutable_declined_service_ids(), id);
  }
  if (prefs.preferred_contact() == v1::CONTACT_METHOD_UNSPECIFIED) {
    prefs.set_preferred_contact(s.person().contact().preferred_method());
  }
}

// The latest explicit answer wins: a person may withdraw consent.
void AddConsent(const v1::Consent& in, v1::Consent& consent) {
  if (in.has_share_with_partners()) consent.set_share_with_partners(in.share_with_partners());
  if (in.has_aware_of_referral()) consent.set_aware_of_referral(in.aware_of_referral());
  if (!in.recorded_by().empty()) consent.set_recorded_by(in.recorded_by());
}

}  // namespace

v1::HolisticAssessment AddReferral(const v1::HolisticAssessment& latest,
                                   const v1::Referral& referral) {
  v1::HolisticAssessment a = latest;
  const v1::ReferralSubmission& s = referral.submission();
  AddPresenting(referral, *a.mutable_presenting_needs());
  AddRisk(s.risk(), *a.mutable_risk());
  if (s.person().no_fixed_abode()) a.mutable_living_environment()->set_no_fixed_abode(true);
  AddFamily(s.person().family(), *a.mutable_relationships()->mutable_family());
  AddCommunication(s.person().communication(), *a.mutable_communication());
  AddPreferences(s, *a.mutable_preferences_and_goals());
  AddConsent(s.consent(), *a.mutable_consent());
  // Parts that ended up empty stay unset, so "unknown" reads the same
  // however it was reached.
  PruneEmpty(&a);
  return a;
}

FilledAssessment FillUnknownSections(const v1::HolisticAssessment& surviving,
                                     const v1::HolisticAssessment& merged) {
  FilledAssessment out{.assessment = surviving, .filled_sections = {}};
  const auto* desc = surviving.GetDescriptor();
  const auto* refl = surviving.GetReflection();
  for (int i = 0; i < desc->field_count(); ++i) {
    const FieldDescriptor* f = desc->field(i);
    if (IsUnknown(surviving, f) && !IsUnknown(merged, f)) {
      refl->MutableMessage(&out.assessment, f)->CopyFrom(Section(merged, f));
      out.filled_sections.push_back(f->number());
    }
  }
  return out;
}

v1::HolisticAssessment ClearFilledSections(const v1::HolisticAssessment& current,
                                           const v1::HolisticAssessment& at_merge,
                                           const std::vector<int>& filled) {
  v1::HolisticAssessment out = current;
  const auto* desc = current.GetDescriptor();
  for (int number : filled) {
    const FieldDescriptor* f = desc->FindFieldByNumber(number);
    if (f == nullptr) continue;
    if (MessageDifferencer::Equals(Section(current, f), Section(at_merge, f))) {
      out.GetReflection()->ClearField(&out, f);
    }
  }
  return out;
}

std::vector<FieldViolation> ValidateAssessment(const v1::HolisticAssessment& a,
                                               std::string_view prefix) {
  std::vector<FieldViolation> out;
  const auto& p = a.presenting_needs();
  const std::string pn = absl::StrCat(Sv(prefix), ".presenting_needs");
  Check(out, p.needs_size() > kMaxNeeds, pn, "needs", absl::StrCat("has more than ", kMaxNeeds));
  for (int need : p.needs()) {
    Check(out, !v1::PresentingNeed_IsValid(need) || need == 0, pn, "needs",
          "holds an unknown need");
  }
  Check(out, p.history_size() > kMaxHistoryEntries, pn, "history",
        absl::StrCat("has more than ", kMaxHistoryEntries, " entries"));
  for (const auto& h : p.history())
    CheckText(out, h.summary(), kHistorySummaryChars, pn, "history.summary");

  const std::string risk = absl::StrCat(Sv(prefix), ".risk");
  for (int level : {a.risk().to_self(), a.risk().to_others(), a.risk().from_others()}) {
    Check(out, !v1::RiskLevel_IsValid(level), risk, "level", "is not a risk level");
  }
  Check(out, !v1::Answer_IsValid(a.risk().safeguarding_concern()), risk, "safeguarding_concern",
        "is not an answer");
  CheckText(out, a.risk().details(), kMaxNarrative, risk, "details");

  CheckText(out, a.physical_health().summary(), kMaxNarrative, prefix, "physical_health.summary");
  Check(out, a.physical_health().conditions_size() > kMaxConditions, prefix,
        "physical_health.conditions", absl::StrCat("has more than ", kMaxConditions));
  for (const auto& c : a.physical_health().conditions()) {
    CheckText(out, c, kMaxCondition, prefix, "physical_health.conditions");
  }
  CheckText(out, a.functioning().summary(), kMaxNarrative, prefix, "functioning.summary");
  CheckText(out, a.living_environment().summary(), kMaxNarrative, prefix,
            "living_environment.summary");
  CheckText(out, a.relationships().summary(), kMaxNarrative, prefix, "relationships.summary");
  CheckText(out, a.relationships().family().notes(), kMaxNarrative, prefix,
            "relationships.family.notes");
  CheckText(out, a.employment_and_finances().summary(), kMaxNarrative, prefix,
            "employment_and_finances.summary");
  CheckText(out, a.communication().interpreter_language(), IntakeLimits::kLanguage, prefix,
            "communication.interpreter_language");
  Check(out, a.preferences_and_goals().goals_size() > kMaxGoals, prefix,
        "preferences_and_goals.goals", absl::StrCat("has more than ", kMaxGoals));
  for (const auto& g : a.preferences_and_goals().goals()) {
    CheckText(out, g, kMaxGoal, prefix, "preferences_and_goals.goals");
  }
  Check(out, !v1::ContactMethod_IsValid(a.preferences_and_goals().preferred_contact()), prefix,
        "preferences_and_goals.preferred_contact", "is not a contact method");
  CheckText(out, a.consent().recorded_by(), IntakeLimits::kShortNote, prefix,
            "consent.recorded_by");
  return out;
}

}  // namespace signpost::router
