// SignpostServer: assembles and runs the gRPC server around a store.
//
// Start() builds the event hub, worker pool and gRPC adapters over the
// application's handlers (app/app.h), enables gRPC health checking and
// server reflection, applies the transport limits and starts listening.
// Health reports SERVING for "" and each service only after Start()
// succeeds (storage is already open by then). Shutdown() goes: health
// NOT_SERVING, end watch streams, Server::Shutdown(deadline), drain the
// worker pool. The caller closes the store afterwards.
//
//   auto server = SignpostServer::Start(options, *app);
//   ... wait for SIGTERM ...
//   (*server)->Shutdown(absl::Seconds(5));
#ifndef SIGNPOST_TRANSPORT_SERVER_H_
#define SIGNPOST_TRANSPORT_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "app/app.h"
#include "identity/authenticator.h"

namespace signpost::transport {

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";
  // PEM contents (not paths); TLS is used when both are non-empty.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // PEM CA bundle for client certificates. With TLS, a client that
  // presents a certificate must chain to it (mutual TLS for systems);
  // people may connect without one and present a bearer token.
  std::string client_ca_pem;
  // Who callers are (required): every call is authenticated and checked
  // against the role gate before it runs. Must outlive the server.
  const identity::Authenticator* authenticator = nullptr;
  int max_receive_message_bytes = 1 << 20;
  int max_concurrent_streams_per_connection = 100;
  int max_metadata_bytes = 16 << 10;
  int max_watch_streams = 256;
  int worker_threads = 64;
  size_t max_queued_calls = 1024;
  // How often response-time breaches are looked for (and once at start).
  absl::Duration breach_scan_interval = absl::Seconds(5);
  // How often new audit entries are chained (and the head logged).
  absl::Duration audit_seal_interval = absl::Seconds(2);
};

class SignpostServer {
 public:
  // Starts serving. `app` (with a directory) must outlive the server.
  // Returns UNAVAILABLE if the address cannot be bound, INVALID_ARGUMENT
  // without an authenticator.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SignpostServer>> Start(
      const ServerOptions& options, app::App& app);

  virtual ~SignpostServer() = default;

  // The bound port (useful with port 0).
  virtual int port() const = 0;

  // Graceful stop; in-flight calls get up to `grace`. Idempotent.
  virtual void Shutdown(absl::Duration grace) = 0;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_SERVER_H_
