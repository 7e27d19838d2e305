#include "app/audit_handler.h"

#include <string>
#include <vector>

#include "common/status_macros.h"
#include "router/nhs_number.h"
#include "router/request_checks.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 500;

int PageSize(int requested) { return requested == 0 ? kDefaultPage : requested; }

// The person's record ids: their own, and those merged into it.
absl::StatusOr<std::vector<std::string>> RecordIds(const storage::Store& store,
                                                   const v1::PersonRecord& found) {
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, store.FindSurvivor(found.person_id()));
  std::vector<std::string> ids = {person.person_id()};
  if (found.person_id() != person.person_id()) ids.push_back(found.person_id());
  for (const std::string& merged : person.merged_person_ids()) ids.push_back(merged);
  return ids;
}

}  // namespace

absl::StatusOr<v1::VerifyAuditTrailResponse> AuditHandler::Verify(
    const v1::VerifyAuditTrailRequest& request) {
  SP_RETURN_IF_ERROR(store_.SealAudit().status());
  std::optional<v1::AuditSeal> anchor;
  if (request.has_anchor()) anchor = request.anchor();
  return store_.VerifyAudit(anchor);
}

absl::StatusOr<v1::ListRecordAccessResponse> AuditHandler::ListRecordAccess(
    const v1::ListRecordAccessRequest& request) const {
  router::Violations v;
  std::string nhs;
  if (request.nhs_number().empty() == request.person_id().empty()) {
    v.Add("nhs_number", "give exactly one of nhs_number and person_id");
  } else if (!request.nhs_number().empty()) {
    absl::StatusOr<std::string> parsed = router::ParseNhsNumber(request.nhs_number());
    if (parsed.ok()) {
      nhs = *parsed;
    } else {
      v.Add("nhs_number", std::string(parsed.status().message()));
    }
  } else {
    v.OpaqueId("person_id", request.person_id());
  }
  v.PageSize("page_size", request.page_size(), kMaxPage);
  if (!v.empty()) return v.ToStatus("record access request");

  absl::StatusOr<v1::PersonRecord> person =
      nhs.empty() ? store_.GetPerson(request.person_id()) : store_.FindByNhsNumber(nhs);
  std::vector<std::string> ids;
  if (person.ok()) {
    SP_ASSIGN_OR_RETURN(ids, RecordIds(store_, *person));
  } else if (!absl::IsNotFound(person.status())) {
    return person.status();
  } else if (nhs.empty()) {
    return absl::NotFoundError("no person with this id");
  }
  SP_ASSIGN_OR_RETURN(storage::AuditPage page, store_.ListAuditFor(ids, nhs, request.after(),
                                                                   PageSize(request.page_size())));
  v1::ListRecordAccessResponse out;
  for (auto& e : page.entries) *out.add_entries() = std::move(e);
  out.set_next_after(page.next_after);
  return out;
}

absl::StatusOr<v1::ListAuditEntriesResponse> AuditHandler::ListEntries(
    const v1::ListAuditEntriesRequest& request) const {
  router::Violations v;
  v.PageSize("page_size", request.page_size(), kMaxPage);
  if (!v.empty()) return v.ToStatus("audit entries request");
  SP_ASSIGN_OR_RETURN(storage::AuditPage page,
                      store_.ListAudit(request.after(), PageSize(request.page_size())));
  v1::ListAuditEntriesResponse out;
  for (auto& e : page.entries) *out.add_entries() = std::move(e);
  out.set_next_after(page.next_after);
  return out;
}

}  // namespace signpost::app
