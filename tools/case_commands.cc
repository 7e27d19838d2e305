// `signpost case ...`: people, assessments, duplicates and merges, queues,
// the lifecycle commands, notes and the partner view (CaseService).
#include <cstdio>
#include <functional>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "proto/signpost/labels.h"
#include "signpost/v1/case_service.pb.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, by, "", "case: the staff id acting (required for changes).");
ABSL_FLAG(std::string, case_manager, "", "case accept: allocate to this case manager.");
ABSL_FLAG(std::string, outcome, "TREATMENT_COMPLETED",
          "case close: a close outcome; case partner outcome: a partner outcome.");
ABSL_FLAG(std::string, decline_reason, "NOT_ELIGIBLE", "case decline: a decline reason.");
ABSL_FLAG(std::string, band, "", "case retriage: a clinician's band A-G (else the live rules).");
ABSL_FLAG(std::string, text, "", "case note: the note.");
ABSL_FLAG(std::string, service, "", "case signpost: comma-separated voluntary service ids.");
ABSL_FLAG(std::string, org, "", "case partner: the partner organisation id.");
ABSL_FLAG(bool, confirm, false, "case resolve: confirm the duplicate (merge); else reject.");
ABSL_FLAG(bool, accept, true, "case partner respond: accept (true) or decline (false).");
ABSL_FLAG(int, within_hours, 0, "case overdue: include referrals due within this many hours.");
ABSL_DECLARE_FLAG(std::string, reason);

namespace signpost::cli {
namespace {

namespace v1 = ::signpost::v1;
using google::protobuf::Message;
using Extra = std::function<bool(Message&)>;

std::string Rpc(const std::string& name) { return "signpost.v1.CaseService." + name; }

v1::StaffRef By() {
  v1::StaffRef by;
  by.set_id(absl::GetFlag(FLAGS_by));
  return by;
}

// A request of `rpc`'s input type with field `key` set to the first
// argument and `by` to --by (when it has those fields), then `extra`.
int Request(const Context& ctx, const std::string& rpc, const std::string& key,
            const Extra& extra = nullptr) {
  const auto* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(Rpc(rpc));
  std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                       ->GetPrototype(method->input_type())
                                       ->New());
  const auto* refl = request->GetReflection();
  if (const auto* f = request->GetDescriptor()->FindFieldByName(key); f && !ctx.args.empty()) {
    refl->SetString(request.get(), f, ctx.args[0]);
  }
  if (const auto* f = request->GetDescriptor()->FindFieldByName("by")) {
    refl->MutableMessage(request.get(), f)->CopyFrom(By());
  }
  if (extra && !extra(*request)) return 2;
  return Invoke(ctx, Rpc(rpc), *request);
}

template <typename E>
bool SetEnum(Message& m, const char* field, const std::string& value) {
  std::optional<E> parsed = ParseEnum<E>(value);
  if (!parsed) {
    Usage("unknown " + std::string(field) + " " + value);
    return false;
  }
  m.GetReflection()->SetEnumValue(&m, m.GetDescriptor()->FindFieldByName(field), *parsed);
  return true;
}

int Person(const Context& c) { return Request(c, "GetPerson", "person_id"); }
int Timeline(const Context& c) { return Request(c, "GetTimeline", "person_id"); }
int BreakGlass(const Context& c) {
  return Request(c, "BreakGlass", "person_id", [](Message& m) {
    static_cast<v1::BreakGlassRequest&>(m).set_reason(absl::GetFlag(FLAGS_reason));
    return true;
  });
}
int Assessment(const Context& c) { return Request(c, "GetAssessment", "person_id"); }
int Assessments(const Context& c) { return Request(c, "ListAssessmentVersions", "person_id"); }
int Duplicates(const Context& c) { return Request(c, "ListPossibleDuplicates", ""); }
int Caseload(const Context& c) { return Request(c, "ListCaseload", "case_manager_id"); }
int Queue(const Context& c) { return Request(c, "ListTeamQueue", "team_id"); }
int Start(const Context& c) { return Request(c, "StartReferral", "referral_id"); }
int Contact(const Context& c) { return Request(c, "RecordFirstContact", "referral_id"); }
int Reroute(const Context& c) { return Request(c, "RerouteReferral", "referral_id"); }
int PartnerList(const Context& c) { return Request(c, "ListPartnerReferrals", "organization_id"); }

int Overdue(const Context& c) {
  v1::ListOverdueRequest r;
  r.mutable_within()->set_seconds(int64_t{3600} * absl::GetFlag(FLAGS_within_hours));
  return Invoke(c, Rpc("ListOverdue"), r);
}

int Resolve(const Context& c) {
  v1::ResolvePossibleDuplicateRequest r;
  r.set_candidate_id(c.args[0]);
  r.set_confirm(absl::GetFlag(FLAGS_confirm));
  *r.mutable_decided_by() = By();
  r.set_reason(absl::GetFlag(FLAGS_reason));
  return Invoke(c, Rpc("ResolvePossibleDuplicate"), r);
}

int Unmerge(const Context& c) {
  v1::UnmergePeopleRequest r;
  r.set_merge_id(c.args[0]);
  *r.mutable_unmerged_by() = By();
  r.set_reason(absl::GetFlag(FLAGS_reason));
  return Invoke(c, Rpc("UnmergePeople"), r);
}

int Accept(const Context& c) {
  return Request(c, "AcceptReferral", "referral_id", [](Message& m) {
    static_cast<v1::AcceptReferralRequest&>(m).set_case_manager_id(
        absl::GetFlag(FLAGS_case_manager));
    return true;
  });
}

int Decline(const Context& c) {
  return Request(c, "DeclineReferral", "referral_id", [](Message& m) {
    static_cast<v1::DeclineReferralRequest&>(m).set_details(absl::GetFlag(FLAGS_reason));
    return SetEnum<v1::DeclineReason>(m, "reason", absl::GetFlag(FLAGS_decline_reason));
  });
}

int Hold(const Context& c) {
  return Request(c, "HoldReferral", "referral_id", [](Message& m) {
    static_cast<v1::HoldReferralRequest&>(m).set_reason(absl::GetFlag(FLAGS_reason));
    return true;
  });
}

int Close(const Context& c) {
  return Request(c, "CloseReferral", "referral_id", [](Message& m) {
    return SetEnum<v1::CloseOutcome>(m, "outcome", absl::GetFlag(FLAGS_outcome));
  });
}

int Signpost(const Context& c) {
  return Request(c, "SignpostReferral", "referral_id", [](Message& m) {
    auto& r = static_cast<v1::SignpostReferralRequest&>(m);
    for (absl::string_view id :
         absl::StrSplit(absl::GetFlag(FLAGS_service), ',', absl::SkipEmpty())) {
      r.add_service_ids(std::string(id));
    }
    return true;
  });
}

int Retriage(const Context& c) {
  return Request(c, "RetriageReferral", "referral_id", [](Message& m) {
    static_cast<v1::RetriageReferralRequest&>(m).set_reason(absl::GetFlag(FLAGS_reason));
    return absl::GetFlag(FLAGS_band).empty() ||
           SetEnum<v1::UrgencyBand>(m, "override_band", absl::GetFlag(FLAGS_band));
  });
}

int EnteredInError(const Context& c) {
  return Request(c, "MarkEnteredInError", "referral_id", [](Message& m) {
    static_cast<v1::MarkEnteredInErrorRequest&>(m).set_reason(absl::GetFlag(FLAGS_reason));
    return true;
  });
}

int Note(const Context& c) {
  v1::AddNoteRequest r;
  r.set_person_id(c.args[0]);
  *r.mutable_author() = By();
  r.set_text(absl::GetFlag(FLAGS_text));
  return Invoke(c, Rpc("AddNote"), r);
}

int PartnerRespond(const Context& c) {
  v1::RespondToSignpostingRequest r;
  r.set_referral_id(c.args[0]);
  r.set_organization_id(absl::GetFlag(FLAGS_org));
  r.set_accept(absl::GetFlag(FLAGS_accept));
  r.set_recorded_by(absl::GetFlag(FLAGS_by));
  return Invoke(c, Rpc("RespondToSignposting"), r);
}

int PartnerOutcome(const Context& c) {
  v1::RecordPartnerOutcomeRequest r;
  r.set_referral_id(c.args[0]);
  r.set_organization_id(absl::GetFlag(FLAGS_org));
  r.set_recorded_by(absl::GetFlag(FLAGS_by));
  if (!SetEnum<v1::PartnerOutcome>(r, "outcome", absl::GetFlag(FLAGS_outcome))) return 2;
  return Invoke(c, Rpc("RecordPartnerOutcome"), r);
}

}  // namespace

std::vector<Command> CaseCommands() {
  return {
      {"case person", "ID_OR_NHS", "A person's record (follows merges).", Person, 1, 1},
      {"case break-glass", "ID_OR_NHS --reason=TEXT",
       "Emergency access to a person's record outside your team: an hour, audited, alerted.",
       BreakGlass, 1, 1},
      {"case timeline", "ID_OR_NHS", "Everything that happened to the person, in order.", Timeline,
       1, 1},
      {"case assessment", "ID_OR_NHS", "The latest holistic assessment.", Assessment, 1, 1},
      {"case assessments", "ID_OR_NHS", "Every assessment version.", Assessments, 1, 1},
      {"case duplicates", "", "Possible duplicates waiting for a person to decide.", Duplicates},
      {"case resolve", "CANDIDATE --by=STAFF [--confirm --reason=R]", "Merge or keep apart.",
       Resolve, 1, 1},
      {"case unmerge", "MERGE --by=STAFF --reason=R", "Undo a merge.", Unmerge, 1, 1},
      {"case overdue", "[--within_hours=N]", "Referrals breached or due soon.", Overdue},
      {"case caseload", "CASE_MANAGER", "A case manager's open referrals.", Caseload, 1, 1},
      {"case queue", "TEAM", "A team's queue, earliest response-by first.", Queue, 1, 1},
      {"case accept", "REF --by=STAFF [--case_manager=CM]", "Accept a routed referral.", Accept, 1,
       1},
      {"case decline", "REF --by=STAFF --decline_reason=R", "Decline, then route again.", Decline,
       1, 1},
      {"case start", "REF --by=STAFF", "Start care (records first contact).", Start, 1, 1},
      {"case contact", "REF --by=STAFF", "Record first contact (stops the clock).", Contact, 1, 1},
      {"case hold", "REF --by=STAFF --reason=CODE", "Put on hold.", Hold, 1, 1},
      {"case close", "REF --by=STAFF --outcome=O", "Close with an outcome.", Close, 1, 1},
      {"case signpost", "REF --by=STAFF --service=ID,ID", "Signpost to voluntary services.",
       Signpost, 1, 1},
      {"case reroute", "REF --by=STAFF", "Route again against the live directory.", Reroute, 1, 1},
      {"case retriage", "REF --by=STAFF [--band=B --reason=R]",
       "Triage again, or a clinician's band.", Retriage, 1, 1},
      {"case error", "REF --by=STAFF --reason=R", "Mark entered in error.", EnteredInError, 1, 1},
      {"case note", "PERSON --by=STAFF --text=T", "Add a note to the person's timeline.", Note, 1,
       1},
      {"case partner list", "ORG", "A partner's consented, signposted clients.", PartnerList, 1, 1},
      {"case partner respond", "REF --org=ORG --by=NAME [--accept=false]", "A partner's answer.",
       PartnerRespond, 1, 1},
      {"case partner outcome", "REF --org=ORG --by=NAME --outcome=O", "A partner's outcome.",
       PartnerOutcome, 1, 1},
  };
}

}  // namespace signpost::cli
