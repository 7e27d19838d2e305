#include "router/person/partner_view.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Sets every singular field of `m` (recursively) and adds one element to
// every repeated field, so nothing is left at its default.
void FillEverything(Message* m, int depth = 0) {
  const auto* desc = m->GetDescriptor();
  const auto* refl = m->GetReflection();
  for (int i = 0; i < desc->field_count(); ++i) {
    const FieldDescriptor* f = desc->field(i);
    if (f->is_repeated()) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          refl->AddString(m, f, "x-" + f->name());
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          refl->AddEnumValue(m, f, 1);
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 4) FillEverything(refl->AddMessage(m, f), depth + 1);
          break;
        default:
          break;
      }
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        refl->SetString(m, f, "x-" + f->name());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        refl->SetBool(m, f, true);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        refl->SetInt32(m, f, 1);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        refl->SetInt64(m, f, 1);
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        refl->SetUInt64(m, f, 1);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        refl->SetDouble(m, f, 1.5);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        refl->SetEnumValue(m, f, 1);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 4) FillEverything(refl->MutableMessage(m, f), depth + 1);
        break;
      default:
        break;
    }
  }
}

// A referral with every field populated, signposted to org-a with consent.
v1::Referral FullReferral() {
  v1::Referral r;
  FillEverything(&r);
  r.mutable_submission()->mutable_consent()->set_share_with_partners(true);
  r.mutable_routing()->clear_signposts();
  v1::Signposting* sp = r.mutable_routing()->add_signposts();
  sp->set_service_id("vcs-1");
  sp->set_service_name("Listening Ear");
  sp->set_reason("loneliness");
  sp->set_organization_id("org-a");
  r.clear_partner_responses();
  v1::PartnerResponse* pr = r.add_partner_responses();
  pr->set_organization_id("org-a");
  pr->set_state(v1::PartnerResponse::STATE_PENDING);
  return r;
}

std::set<std::string> AllowList() {
  return std::set<std::string>(kPartnerViewFields.begin(), kPartnerViewFields.end());
}

TEST(PartnerViewTest, TheViewMessageIsExactlyTheAllowList) {
  std::set<std::string> declared;
  const auto* desc = v1::PartnerReferralView::descriptor();
  for (int i = 0; i < desc->field_count(); ++i) declared.insert(desc->field(i)->name());
  EXPECT_EQ(declared, AllowList());
}

TEST(PartnerViewTest, AFullyPopulatedReferralProjectsToExactlyTheAllowList) {
  std::optional<v1::PartnerReferralView> view = ProjectForPartner(FullReferral(), "org-a");
  ASSERT_TRUE(view.has_value());
  std::vector<const FieldDescriptor*> set_fields;
  view->GetReflection()->ListFields(*view, &set_fields);
  std::set<std::string> projected;
  for (const auto* f : set_fields) projected.insert(f->name());
  EXPECT_EQ(projected, AllowList());
  // And none of the personal data outside the allow-list leaks in by value.
  const std::string bytes = view->SerializeAsString();
  for (const char* secret : {"x-nhs_number", "x-story", "x-postcode", "x-family_name", "x-details",
                             "x-address_lines", "x-carer_name"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
}

TEST(PartnerViewTest, NothingWithoutConsentOrForOtherOrganisations) {
  v1::Referral r = FullReferral();
  EXPECT_FALSE(ProjectForPartner(r, "org-b").has_value());
  EXPECT_FALSE(ProjectForPartner(r, "").has_value());
  r.mutable_submission()->mutable_consent()->clear_share_with_partners();
  EXPECT_FALSE(ProjectForPartner(r, "org-a").has_value()) << "not asked means no";
  r.mutable_submission()->mutable_consent()->set_share_with_partners(false);
  EXPECT_FALSE(ProjectForPartner(r, "org-a").has_value());
}

}  // namespace
}  // namespace signpost::router
