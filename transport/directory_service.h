// The gRPC adapter for signpost.v1.DirectoryService (callback API). Thin:
// each call runs app::DirectoryHandler on the worker pool via RunUnary().
#ifndef SIGNPOST_TRANSPORT_DIRECTORY_SERVICE_H_
#define SIGNPOST_TRANSPORT_DIRECTORY_SERVICE_H_

#include "app/directory_handler.h"
#include "signpost/v1/directory_service.grpc.pb.h"
#include "transport/call_gate.h"

namespace signpost::transport {

class DirectoryServiceImpl final : public signpost::v1::DirectoryService::CallbackService {
 public:
  // References must outlive the service.
  DirectoryServiceImpl(app::DirectoryHandler& handler, const CallGate& gate);

  grpc::ServerUnaryReactor* UpsertService(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::UpsertServiceRequest* request,
                                          signpost::v1::DirectoryServiceRecord* response) override;
  grpc::ServerUnaryReactor* GetService(grpc::CallbackServerContext* ctx,
                                       const signpost::v1::GetServiceRequest* request,
                                       signpost::v1::DirectoryServiceRecord* response) override;
  grpc::ServerUnaryReactor* RetireService(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::RetireServiceRequest* request,
                                          signpost::v1::DirectoryServiceRecord* response) override;
  grpc::ServerUnaryReactor* UpsertTeam(grpc::CallbackServerContext* ctx,
                                       const signpost::v1::UpsertTeamRequest* request,
                                       signpost::v1::Team* response) override;
  grpc::ServerUnaryReactor* UpsertCaseManager(grpc::CallbackServerContext* ctx,
                                              const signpost::v1::UpsertCaseManagerRequest* request,
                                              signpost::v1::CaseManager* response) override;
  grpc::ServerUnaryReactor* SearchServices(grpc::CallbackServerContext* ctx,
                                           const signpost::v1::SearchServicesRequest* request,
                                           signpost::v1::SearchServicesResponse* response) override;
  grpc::ServerUnaryReactor* ImportDirectory(
      grpc::CallbackServerContext* ctx, const signpost::v1::ImportDirectoryRequest* request,
      signpost::v1::ImportDirectoryResponse* response) override;
  grpc::ServerUnaryReactor* ExportDirectory(
      grpc::CallbackServerContext* ctx, const signpost::v1::ExportDirectoryRequest* request,
      signpost::v1::ExportDirectoryResponse* response) override;

 private:
  app::DirectoryHandler& handler_;
  const CallGate& gate_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_DIRECTORY_SERVICE_H_
