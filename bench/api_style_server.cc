// api_style_server: the same trivial unary RPC served with the gRPC
// callback API or the completion-queue (async) API, to compare the two
// styles' framework cost on this machine (issue 6; ADR 0004). Both answer
// signpost.v1.ReferralService.GetReferral with INVALID_ARGUMENT at once,
// which is what `load_gen --rpc=noop` sends and counts; nothing else is
// implemented. The real server's blocking storage work runs on its worker
// pool in either style, so this isolates what the style itself costs.
//
//   api_style_server --style=callback --port_file=/tmp/p
//   api_style_server --style=cq --cq_threads=2 --port_file=/tmp/p
// Runs until SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "signpost/v1/referral_service.grpc.pb.h"

namespace {

namespace v1 = ::signpost::v1;

const grpc::Status kRefused(grpc::StatusCode::INVALID_ARGUMENT,
                            "referral_id: is neither a referral id nor a reference");

class CallbackImpl final : public v1::ReferralService::CallbackService {
  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* ctx,
                                        const v1::GetReferralRequest*, v1::Referral*) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(kRefused);
    return reactor;
  }
};

// The classic completion-queue state machine: one outstanding request per
// queue slot, re-armed as each call arrives.
class CqCall {
 public:
  CqCall(v1::ReferralService::AsyncService* service, grpc::ServerCompletionQueue* cq)
      : service_(service), cq_(cq), responder_(&ctx_) {
    service_->RequestGetReferral(&ctx_, &request_, &responder_, cq_, cq_, this);
  }
  void Proceed(bool ok) {
    if (finished_ || !ok) {
      delete this;
      return;
    }
    new CqCall(service_, cq_);
    finished_ = true;
    responder_.FinishWithError(kRefused, this);
  }

 private:
  v1::ReferralService::AsyncService* service_;
  grpc::ServerCompletionQueue* cq_;
  grpc::ServerContext ctx_;
  v1::GetReferralRequest request_;
  grpc::ServerAsyncResponseWriter<v1::Referral> responder_;
  bool finished_ = false;
};

volatile std::sig_atomic_t g_stop = 0;

}  // namespace

int main(int argc, char** argv) {
  std::string style = "callback", port_file;
  int cq_threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--style=", 0) == 0)
      style = a.substr(8);
    else if (a.rfind("--port_file=", 0) == 0)
      port_file = a.substr(12);
    else if (a.rfind("--cq_threads=", 0) == 0)
      cq_threads = std::stoi(a.substr(13));
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if (style != "callback" && style != "cq") return 2;
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  CallbackImpl callback;
  v1::ReferralService::AsyncService async;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> cqs;
  if (style == "callback") {
    builder.RegisterService(&callback);
  } else {
    builder.RegisterService(&async);
    for (int i = 0; i < cq_threads; ++i) cqs.push_back(builder.AddCompletionQueue());
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) return 1;
  std::vector<std::thread> pollers;
  for (auto& cq : cqs) {
    pollers.emplace_back([&async, q = cq.get()] {
      // Several calls armed per queue so a burst never waits for re-arming.
      for (int i = 0; i < 64; ++i) new CqCall(&async, q);
      void* tag = nullptr;
      bool ok = false;
      while (q->Next(&tag, &ok)) static_cast<CqCall*>(tag)->Proceed(ok);
    });
  }
  if (!port_file.empty()) std::ofstream(port_file) << port << "\n";
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server->Shutdown();
  for (auto& cq : cqs) cq->Shutdown();
  for (auto& t : pollers) t.join();
  return 0;
}
