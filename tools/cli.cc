#include "tools/cli.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "proto/signpost/errors.h"

ABSL_FLAG(int, timeout_ms, 10000, "Deadline for unary calls, milliseconds.");

namespace signpost::cli {
namespace {

// "pkg.Service.Method" -> "/pkg.Service/Method".
std::string GrpcPath(const std::string& method) {
  const size_t dot = method.rfind('.');
  return "/" + method.substr(0, dot) + "/" + method.substr(dot + 1);
}

grpc::ByteBuffer Serialize(const google::protobuf::Message& m) {
  const std::string bytes = m.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer, google::protobuf::Message* m) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return m->ParseFromString(bytes);
}

}  // namespace

grpc::Status Call(const Context& ctx, const std::string& method,
                  const google::protobuf::Message& request, google::protobuf::Message* response) {
  grpc::GenericStub stub(ctx.channel);
  grpc::ClientContext call;
  ctx.Authorise(call);
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::GetFlag(FLAGS_timeout_ms)));
  const grpc::ByteBuffer in = Serialize(request);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&call, GrpcPath(method), grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (status.ok() && !Parse(out, response)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "the answer does not parse");
  }
  return status;
}

int Invoke(const Context& ctx, const std::string& method,
           const google::protobuf::Message& request) {
  const auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(method);
  if (desc == nullptr) return Usage("no such method " + method);
  std::unique_ptr<google::protobuf::Message> response(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(desc->output_type())
          ->New());
  grpc::Status status = Call(ctx, method, request, response.get());
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(*response);
  return 0;
}

std::string ToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out, options).ok()) return "{}";
  return out;
}

int Fail(const grpc::Status& status) {
  std::fprintf(stderr, "error: %s: %s\n",
               absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())).c_str(),
               status.error_message().c_str());
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) {
    for (const FieldViolation& v : FieldViolationsOf(FromRpcStatus(rpc))) {
      std::fprintf(stderr, "  %s: %s\n", v.field.c_str(), v.description.c_str());
    }
  }
  return 1;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "%s\n(signpost --help lists every command)\n", message.c_str());
  return 2;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool ParseJson(const std::string& json_or_file, google::protobuf::Message* message) {
  std::string text = json_or_file;
  if (!text.empty() && text[0] == '@' && !ReadFile(text.substr(1), &text)) return false;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.empty() ? "{}" : text, message);
  if (!parsed.ok()) {
    std::fprintf(stderr, "not a %s: %s\n", message->GetTypeName().c_str(),
                 parsed.ToString().c_str());
    return false;
  }
  return true;
}

}  // namespace signpost::cli
