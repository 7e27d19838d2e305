#include "router/person/partner_view.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

const v1::Signposting* FindSignpost(const v1::Referral& r, std::string_view org) {
  for (const auto& s : r.routing().signposts()) {
    if (!org.empty() && s.organization_id() == org) return &s;
  }
  return nullptr;
}

}  // namespace

bool PartnerMaySee(const v1::Referral& referral, std::string_view organization_id) {
  const v1::Consent& consent = referral.submission().consent();
  return consent.has_share_with_partners() && consent.share_with_partners() &&
         FindSignpost(referral, organization_id) != nullptr;
}

std::optional<v1::PartnerReferralView> ProjectForPartner(const v1::Referral& referral,
                                                         std::string_view organization_id) {
  if (!PartnerMaySee(referral, organization_id)) return std::nullopt;
  const v1::Signposting& signpost = *FindSignpost(referral, organization_id);
  const v1::Person& person = referral.submission().person();
  v1::PartnerReferralView view;
  view.set_referral_id(referral.referral_id());
  view.set_reference(referral.reference());
  *view.mutable_signposted_at() = referral.routing().decided_at();
  view.set_service_id(signpost.service_id());
  view.set_service_name(signpost.service_name());
  view.set_signpost_reason(signpost.reason());
  view.set_given_name(person.given_name());
  view.set_preferred_name(person.preferred_name());
  view.set_phone(person.contact().phone());
  view.set_email(person.contact().email());
  view.set_preferred_contact_method(person.contact().preferred_method());
  if (person.contact().has_ok_to_leave_message()) {
    view.set_ok_to_leave_message(person.contact().ok_to_leave_message());
  }
  view.set_contact_notes(person.contact().contact_notes());
  if (person.has_communication()) *view.mutable_communication() = person.communication();
  for (int need : referral.submission().presenting_needs()) {
    view.add_presenting_needs(static_cast<v1::PresentingNeed>(need));
  }
  for (const auto& response : referral.partner_responses()) {
    if (response.organization_id() == organization_id) *view.mutable_response() = response;
  }
  return view;
}

}  // namespace signpost::router
