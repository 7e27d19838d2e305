// The partner (voluntary-sector) projection of a referral: what an
// organisation that a person was signposted to may see, and nothing else.
//
//   std::optional<PartnerReferralView> v = ProjectForPartner(referral, "org-123");
//
// The allow-list below is the whole contract: ProjectForPartner copies only
// these fields, and tests check that the view message, the allow-list and a
// projection of a fully populated referral are the same set. Nothing is
// shown unless the person consented to sharing with partners
// (consent.share_with_partners == true): NHS number, date of birth,
// address, GP, story, risk details and family are never shown.
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_PERSON_PARTNER_VIEW_H_
#define SIGNPOST_ROUTER_PERSON_PARTNER_VIEW_H_

#include <array>
#include <optional>
#include <string_view>

#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::router {

// Field names of signpost.v1.PartnerReferralView a partner may see.
inline constexpr std::array<std::string_view, 16> kPartnerViewFields = {
    "referral_id",
    "reference",
    "signposted_at",
    "service_id",
    "service_name",
    "signpost_reason",
    "given_name",
    "preferred_name",
    "phone",
    "email",
    "preferred_contact_method",
    "ok_to_leave_message",
    "contact_notes",
    "communication",
    "presenting_needs",
    "response",
};

// True when `referral` is signposted to `organization_id` and the person
// consented to sharing with partners.
bool PartnerMaySee(const signpost::v1::Referral& referral, std::string_view organization_id);

// The partner's view, or nullopt when PartnerMaySee is false.
std::optional<signpost::v1::PartnerReferralView> ProjectForPartner(
    const signpost::v1::Referral& referral, std::string_view organization_id);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_PERSON_PARTNER_VIEW_H_
