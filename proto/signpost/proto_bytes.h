// Deterministic serialisation of a protobuf message (map order fixed), for
// hashing and equality of content within one build.
//
//   std::string bytes = DeterministicBytes(rule_set);
#ifndef SIGNPOST_PROTO_BYTES_H_
#define SIGNPOST_PROTO_BYTES_H_

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message_lite.h"

namespace signpost {

inline std::string DeterministicBytes(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

}  // namespace signpost

#endif  // SIGNPOST_PROTO_BYTES_H_
