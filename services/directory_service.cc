#include "services/directory_service.h"

#include "services/unary_call.h"

namespace signpost::services {

namespace v1 = ::signpost::v1;

DirectoryServiceImpl::DirectoryServiceImpl(DirectoryHandler& handler, WorkerPool& pool)
    : handler_(handler), pool_(pool) {}

grpc::ServerUnaryReactor* DirectoryServiceImpl::UpsertService(
    grpc::CallbackServerContext* ctx, const v1::UpsertServiceRequest* request,
    v1::DirectoryServiceRecord* response) {
  return RunUnary(ctx, pool_, "UpsertService", "", [this, request, response] {
    (void)request;
    auto result = handler_.Upsert(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetService(grpc::CallbackServerContext* ctx,
                                                           const v1::GetServiceRequest* request,
                                                           v1::DirectoryServiceRecord* response) {
  return RunUnary(ctx, pool_, "GetService", "", [this, request, response] {
    (void)request;
    auto result = handler_.Get(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::RetireService(
    grpc::CallbackServerContext* ctx, const v1::RetireServiceRequest* request,
    v1::DirectoryServiceRecord* response) {
  return RunUnary(ctx, pool_, "RetireService", "", [this, request, response] {
    (void)request;
    auto result = handler_.Retire(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::UpsertTeam(grpc::CallbackServerContext* ctx,
                                                           const v1::UpsertTeamRequest* request,
                                                           v1::Team* response) {
  return RunUnary(ctx, pool_, "UpsertTeam", "", [this, request, response] {
    (void)request;
    auto result = handler_.UpsertTeam(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::UpsertCaseManager(
    grpc::CallbackServerContext* ctx, const v1::UpsertCaseManagerRequest* request,
    v1::CaseManager* response) {
  return RunUnary(ctx, pool_, "UpsertCaseManager", "", [this, request, response] {
    (void)request;
    auto result = handler_.UpsertCaseManager(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::SearchServices(
    grpc::CallbackServerContext* ctx, const v1::SearchServicesRequest* request,
    v1::SearchServicesResponse* response) {
  return RunUnary(ctx, pool_, "SearchServices", "", [this, request, response] {
    (void)request;
    auto result = handler_.Search(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::ImportDirectory(
    grpc::CallbackServerContext* ctx, const v1::ImportDirectoryRequest* request,
    v1::ImportDirectoryResponse* response) {
  return RunUnary(ctx, pool_, "ImportDirectory", "", [this, request, response] {
    (void)request;
    auto result = handler_.Import(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::ExportDirectory(
    grpc::CallbackServerContext* ctx, const v1::ExportDirectoryRequest* request,
    v1::ExportDirectoryResponse* response) {
  return RunUnary(ctx, pool_, "ExportDirectory", "", [this, request, response] {
    (void)request;
    auto result = handler_.Export();
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

}  // namespace signpost::services
