#include "router/directory/directory_snapshot.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/opening_hours.h"
#include "router/validation.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

bool Active(const v1::DirectoryServiceRecord& s) {
  return s.status() == v1::SERVICE_STATUS_ACTIVE;
}

std::string ChannelWords(v1::SourceChannel c) {
  switch (c) {
    case v1::SOURCE_CHANNEL_GP: return "GP referrals";
    case v1::SOURCE_CHANNEL_SOCIAL_CARE: return "social care referrals";
    case v1::SOURCE_CHANNEL_VOLUNTARY_SECTOR: return "voluntary sector referrals";
    case v1::SOURCE_CHANNEL_SELF: return "self-referrals";
    case v1::SOURCE_CHANNEL_CALL_HUB: return "call-hub referrals";
    default: return "referrals from this route";
  }
}

std::string Age(double years) { return absl::StrFormat("%g", years); }

template <typename List, typename T>
bool Has(const List& list, const T& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool HasAccessibility(const v1::DirectoryServiceRecord& s, const std::string& feature) {
  const std::string f = Lower(feature);
  for (const auto& a : s.accessibility()) {
    if (Lower(a) == f) return true;
  }
  for (const auto& loc : s.locations()) {
    for (const auto& a : loc.accessibility()) {
      if (Lower(a) == f) return true;
    }
  }
  return false;
}

bool OffersLanguage(const v1::DirectoryServiceRecord& s, const std::string& language) {
  const std::string l = Lower(language);
  for (const auto& offered : s.languages()) {
    if (Lower(offered) == l) return true;
  }
  return false;
}

}  // namespace

std::string PostcodeDistrict(const std::string& postcode) {
  const std::string canonical = CanonicalPostcode(postcode);
  if (canonical.empty()) {
    // Accept a bare outward code too ("SE6").
    std::string upper = absl::AsciiStrToUpper(postcode);
    upper.erase(std::remove(upper.begin(), upper.end(), ' '), upper.end());
    if (upper.size() >= 2 && upper.size() <= 4 && absl::ascii_isalpha(upper[0]) &&
        std::any_of(upper.begin(), upper.end(), [](char c) { return absl::ascii_isdigit(c); })) {
      return upper;
    }
    return "";
  }
  return canonical.substr(0, canonical.find(' '));
}

std::vector<std::string> ServiceDistricts(const v1::DirectoryServiceRecord& s) {
  std::set<std::string> out;
  for (const auto& d : s.eligibility().postcode_districts()) out.insert(absl::AsciiStrToUpper(d));
  for (const auto& area : s.service_areas()) {
    for (const auto& d : area.postcode_districts()) out.insert(absl::AsciiStrToUpper(d));
  }
  return {out.begin(), out.end()};
}

std::shared_ptr<const DirectorySnapshot> DirectorySnapshot::Build(
    std::vector<v1::DirectoryServiceRecord> services) {
  std::shared_ptr<DirectorySnapshot> snap(new DirectorySnapshot());
  std::sort(services.begin(), services.end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  snap->services_ = std::move(services);
  for (int i = 0; i < static_cast<int>(snap->services_.size()); ++i) {
    const auto& s = snap->services_[i];
    snap->by_id_[s.id()] = i;
    if (s.eligibility().needs().empty()) {
      snap->any_need_.push_back(i);
    } else {
      for (int n : s.eligibility().needs()) snap->by_need_[n].push_back(i);
    }
    snap->districts_.push_back(ServiceDistricts(s));  // computed once, not per search
    const auto& districts = snap->districts_.back();
    if (districts.empty()) {
      snap->no_area_restriction_.push_back(i);
    } else {
      for (const auto& d : districts) snap->by_district_[d].push_back(i);
    }
  }
  return snap;
}

const v1::DirectoryServiceRecord* DirectorySnapshot::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &services_[it->second];
}

std::vector<int> DirectorySnapshot::Candidates(const v1::SearchServicesRequest& r) const {
  auto serves_a_need = [&](int i) {
    const auto& needs = services_[i].eligibility().needs();
    if (needs.empty() || r.needs().empty()) return true;
    return std::any_of(r.needs().begin(), r.needs().end(),
                       [&](int n) { return Has(needs, n); });
  };
  std::vector<int> out;
  // By district (small): services restricted to it plus unrestricted ones,
  // filtered by need. With exclusions explained (and not local-only),
  // services for the right needs in other areas are kept so the answer can
  // say "does not cover SE6".
  const std::string district = PostcodeDistrict(r.postcode());
  if (!district.empty() && r.area().empty() &&
      (!r.explain_exclusions() || r.explain_local_only())) {
    auto it = by_district_.find(district);
    if (it != by_district_.end()) {
      for (int i : it->second) {
        if (serves_a_need(i)) out.push_back(i);
      }
    }
    for (int i : no_area_restriction_) {
      if (serves_a_need(i)) out.push_back(i);
    }
  } else if (!r.needs().empty()) {
    out = any_need_;
    for (int n : r.needs()) {
      auto it = by_need_.find(n);
      if (it != by_need_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
  } else {
    out.resize(services_.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(i);
    return out;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

v1::SearchServicesResponse DirectorySnapshot::Search(const v1::SearchServicesRequest& r,
                                                     absl::TimeZone zone) const {
  v1::SearchServicesResponse response;
  const std::string district = PostcodeDistrict(r.postcode());
  const std::string area = Lower(r.area());
  const std::string gp = absl::AsciiStrToUpper(r.gp_practice());
  const std::string pcn = absl::AsciiStrToUpper(r.pcn());
  struct Hit {
    double score;
    int index;
    std::vector<std::string> reasons;
  };
  std::vector<Hit> matches;

  for (int index : Candidates(r)) {
    const v1::DirectoryServiceRecord& s = services_[index];
    const v1::Eligibility& e = s.eligibility();
    std::vector<std::string> why_not;
    std::vector<std::string> why;
    double score = 100;

    if (!Active(s)) {
      if (!r.explain_exclusions() && !r.include_inactive()) continue;
      why_not.push_back(absl::StrCat("service is ",
                                     Lower(v1::ServiceStatus_Name(s.status()).substr(15))));
    }
    if (r.sector() != v1::SERVICE_SECTOR_UNSPECIFIED && s.sector() != r.sector()) {
      why_not.push_back(s.sector() == v1::SERVICE_SECTOR_VOLUNTARY ? "voluntary sector service"
                                                                   : "statutory service");
    }
    if (r.has_age_years()) {
      if (e.has_min_age_years() && r.age_years() < e.min_age_years()) {
        why_not.push_back(absl::StrCat("minimum age ", Age(e.min_age_years())));
      }
      if (e.has_max_age_years() && r.age_years() > e.max_age_years()) {
        why_not.push_back(absl::StrCat("maximum age ", Age(e.max_age_years())));
      }
    }
    // Needs and pathways: a service that restricts either must serve at
    // least one of those asked; one with no restriction serves anyone.
    const bool restricts = !e.needs().empty() || !e.pathways().empty();
    if (restricts && (!r.needs().empty() || !r.pathways().empty())) {
      std::string served;
      for (const auto& p : r.pathways()) {
        if (Has(e.pathways(), p)) {
          served = absl::StrCat("serves the ", p, " pathway");
          score += 25;
          break;
        }
      }
      if (served.empty()) {
        for (int n : r.needs()) {
          if (Has(e.needs(), n)) {
            served = absl::StrCat(
                "serves ",
                Lower(v1::PresentingNeed_Name(static_cast<v1::PresentingNeed>(n)).substr(16)));
            score += 15;
            break;
          }
        }
      }
      if (served.empty()) {
        why_not.push_back("does not serve the needs or pathways asked for");
      } else {
        why.push_back(served);
      }
    }
    for (int n : r.needs()) {
      if (Has(e.excluded_needs(), n)) {
        why_not.push_back(absl::StrCat(
            "excludes ", Lower(v1::PresentingNeed_Name(static_cast<v1::PresentingNeed>(n)).substr(16))));
      }
    }
    // Area: postcode district or area name, when the service restricts it.
    const auto& districts = districts_[index];
    const bool area_restricted = !districts.empty() || !e.areas().empty();
    if (area_restricted && (!district.empty() || !area.empty())) {
      const bool district_ok = !district.empty() &&
                               std::binary_search(districts.begin(), districts.end(), district);
      bool area_ok = false;
      for (const auto& a : e.areas()) area_ok = area_ok || (!area.empty() && Lower(a) == area);
      if (district_ok) {
        why.push_back(absl::StrCat("covers ", district));
        score += 10;
      } else if (area_ok) {
        why.push_back(absl::StrCat("covers ", r.area()));
        score += 5;
      } else {
        why_not.push_back(absl::StrCat("does not cover ", district.empty() ? r.area() : district));
      }
    }
    // GP practice / PCN catchments.
    if (!e.gp_practices().empty() || !e.pcns().empty()) {
      if (!gp.empty() && Has(e.gp_practices(), gp)) {
        why.push_back(absl::StrCat("serves GP practice ", gp));
        score += 30;
      } else if (!pcn.empty() && Has(e.pcns(), pcn)) {
        why.push_back(absl::StrCat("serves PCN ", pcn));
        score += 20;
      } else {
        why_not.push_back(gp.empty() && pcn.empty()
                              ? "only for patients of listed GP practices"
                              : absl::StrCat("not for patients of ", gp.empty() ? pcn : gp));
      }
    }
    if (r.band() != v1::URGENCY_BAND_UNSPECIFIED && !e.bands_accepted().empty()) {
      if (Has(e.bands_accepted(), r.band())) {
        why.push_back(absl::StrCat("accepts band ", v1::UrgencyBand_Name(r.band()).substr(13)));
        score += 5;
      } else {
        why_not.push_back(
            absl::StrCat("does not accept band ", v1::UrgencyBand_Name(r.band()).substr(13)));
      }
    }
    if (r.channel() != v1::SOURCE_CHANNEL_UNSPECIFIED && !e.referral_routes().empty() &&
        !Has(e.referral_routes(), r.channel())) {
      why_not.push_back(absl::StrCat("does not accept ", ChannelWords(r.channel())));
    }
    if (r.has_open_at()) {
      const OpenCheck open = CheckOpenAt(s.schedule(), FromProtoTime(r.open_at()), zone);
      if (open.open) {
        why.push_back(s.schedule().open_24_7() ? "open 24/7" : "open at the time asked");
      } else {
        why_not.push_back(open.reason);
      }
    }
    for (const auto& feature : r.accessibility()) {
      if (HasAccessibility(s, feature)) {
        why.push_back(absl::StrCat("offers ", Lower(feature)));
        score += 5;
      } else {
        why_not.push_back(absl::StrCat("no ", Lower(feature)));
      }
    }
    if (!r.language().empty() && OffersLanguage(s, r.language())) {
      why.push_back(absl::StrCat("offers ", r.language()));
      score += 15;
    }
    switch (s.capacity().status()) {
      case v1::CAPACITY_STATUS_NO_CAPACITY:
        why_not.push_back("no capacity");
        break;
      case v1::CAPACITY_STATUS_HAS_CAPACITY:
        why.push_back("has capacity");
        score += 20;
        break;
      case v1::CAPACITY_STATUS_WAITLIST: {
        const int64_t weeks = s.capacity().typical_wait().seconds() / (7 * 86400);
        why.push_back(absl::StrCat("waiting list, typically ", weeks, " weeks"));
        score -= static_cast<double>(weeks);
        break;
      }
      case v1::CAPACITY_STATUS_ASSESSMENT_FIRST:
        why.push_back("assesses first");
        score += 5;
        break;
      default:
        why.push_back("capacity not recorded");
        break;
    }

    if (!why_not.empty()) {
      if (r.explain_exclusions()) {
        v1::ExcludedService* x = response.add_excluded();
        x->set_service_id(s.id());
        x->set_name(s.name());
        for (auto& reason : why_not) x->add_reasons(std::move(reason));
      }
      continue;
    }
    matches.push_back({score, index, std::move(why)});
  }
  // Rank without copying records; copy only the results returned.
  const int limit = r.limit() <= 0 ? 20 : std::min(r.limit(), 100);
  auto better = [this](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    const auto& sa = services_[a.index];
    const auto& sb = services_[b.index];
    if (sa.name() != sb.name()) return sa.name() < sb.name();
    return sa.id() < sb.id();
  };
  const size_t keep = std::min(matches.size(), static_cast<size_t>(limit));
  std::partial_sort(matches.begin(), matches.begin() + keep, matches.end(), better);
  for (size_t i = 0; i < keep; ++i) {
    v1::ServiceMatch* m = response.add_matches();
    *m->mutable_service() = services_[matches[i].index];
    m->set_score(matches[i].score);
    for (auto& reason : matches[i].reasons) m->add_reasons(std::move(reason));
  }
  return response;
}

}  // namespace signpost::router
