// CallRecorder: a client interceptor that remembers every call a test
// makes - its method and final status - in order, so the audit trail can
// be compared with the calls actually made (tests/e2e/audit_e2e_test.cc).
//
//   CallRecorder recorder;
//   server.RecordCallsInto(&recorder);   // channels made from now on
//   ... calls ...
//   for (const RecordedCall& c : recorder.Calls()) ...
#ifndef SIGNPOST_TESTS_E2E_CALL_RECORDER_H_
#define SIGNPOST_TESTS_E2E_CALL_RECORDER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/client_interceptor.h"

namespace signpost::testing {

struct RecordedCall {
  std::string method;  // short name: "GetPerson"
  grpc::StatusCode code = grpc::StatusCode::OK;
};

class CallRecorder {
 public:
  void Add(RecordedCall call) {
    absl::MutexLock lock(&mu_);
    calls_.push_back(std::move(call));
  }
  std::vector<RecordedCall> Calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<RecordedCall> calls_;
};

class RecordingInterceptor final : public grpc::experimental::Interceptor {
 public:
  RecordingInterceptor(CallRecorder& recorder, std::string method)
      : recorder_(recorder), method_(std::move(method)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_STATUS)) {
      recorder_.Add({method_, methods->GetRecvStatus()->error_code()});
    }
    methods->Proceed();
  }

 private:
  CallRecorder& recorder_;
  std::string method_;
};

class RecordingInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit RecordingInterceptorFactory(CallRecorder& recorder) : recorder_(recorder) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    std::string method = info->method();  // "/signpost.v1.CaseService/GetPerson"
    method = method.substr(method.rfind('/') + 1);
    // Health checks are not the application's calls.
    if (std::string(info->method()).find("grpc.health") != std::string::npos) return nullptr;
    return new RecordingInterceptor(recorder_, method);
  }

 private:
  CallRecorder& recorder_;
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_E2E_CALL_RECORDER_H_
