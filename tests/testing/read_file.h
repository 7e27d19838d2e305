// Reads a whole text file for a test. Returns "" (and the test's own
// assertions then fail) when the file is missing.
#ifndef SIGNPOST_TESTS_TESTING_READ_FILE_H_
#define SIGNPOST_TESTS_TESTING_READ_FILE_H_

#include <fstream>
#include <sstream>
#include <string>

namespace signpost::testing {

inline std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_TESTING_READ_FILE_H_
