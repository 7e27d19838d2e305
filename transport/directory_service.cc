#include "transport/directory_service.h"

#include "transport/unary_call.h"

namespace signpost::transport {

namespace v1 = ::signpost::v1;

DirectoryServiceImpl::DirectoryServiceImpl(app::DirectoryHandler& handler, const CallGate& gate)
    : handler_(handler), gate_(gate) {}

grpc::ServerUnaryReactor* DirectoryServiceImpl::UpsertService(
    grpc::CallbackServerContext* ctx, const v1::UpsertServiceRequest* request,
    v1::DirectoryServiceRecord* response) {
  return RunUnaryInto(ctx, gate_, "UpsertService", request, response,
                      [this, request] { return handler_.Upsert(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::GetService(grpc::CallbackServerContext* ctx,
                                                           const v1::GetServiceRequest* request,
                                                           v1::DirectoryServiceRecord* response) {
  return RunUnaryInto(ctx, gate_, "GetService", request, response,
                      [this, request] { return handler_.Get(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::RetireService(
    grpc::CallbackServerContext* ctx, const v1::RetireServiceRequest* request,
    v1::DirectoryServiceRecord* response) {
  return RunUnaryInto(ctx, gate_, "RetireService", request, response,
                      [this, request] { return handler_.Retire(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::UpsertTeam(grpc::CallbackServerContext* ctx,
                                                           const v1::UpsertTeamRequest* request,
                                                           v1::Team* response) {
  return RunUnaryInto(ctx, gate_, "UpsertTeam", request, response,
                      [this, request] { return handler_.UpsertTeam(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::UpsertCaseManager(
    grpc::CallbackServerContext* ctx, const v1::UpsertCaseManagerRequest* request,
    v1::CaseManager* response) {
  return RunUnaryInto(ctx, gate_, "UpsertCaseManager", request, response,
                      [this, request] { return handler_.UpsertCaseManager(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::SearchServices(
    grpc::CallbackServerContext* ctx, const v1::SearchServicesRequest* request,
    v1::SearchServicesResponse* response) {
  return RunUnaryInto(ctx, gate_, "SearchServices", request, response,
                      [this, request] { return handler_.Search(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::ImportDirectory(
    grpc::CallbackServerContext* ctx, const v1::ImportDirectoryRequest* request,
    v1::ImportDirectoryResponse* response) {
  return RunUnaryInto(ctx, gate_, "ImportDirectory", request, response,
                      [this, request] { return handler_.Import(*request); });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::ExportDirectory(
    grpc::CallbackServerContext* ctx, const v1::ExportDirectoryRequest* request,
    v1::ExportDirectoryResponse* response) {
  return RunUnaryInto(ctx, gate_, "ExportDirectory", request, response,
                      [this, request] { return handler_.Export(*request); });
}

}  // namespace signpost::transport
