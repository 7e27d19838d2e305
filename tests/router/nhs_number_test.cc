#include "router/nhs_number.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace signpost::router {
namespace {

struct Vector {
  std::string input;
  bool valid;
  std::string explanation;
};

// Minimal CSV reader for the vectors file (quoted fields may hold commas).
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  return out;
}

std::vector<Vector> LoadVectors() {
  std::ifstream in(std::string(SIGNPOST_TEST_DATA_DIR) + "/nhs_number_test_vectors.csv");
  std::vector<Vector> vectors;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto fields = SplitCsvLine(line);
    if (fields.size() < 3) continue;
    vectors.push_back({fields[0], fields[1] == "VALID", fields[2]});
  }
  return vectors;
}

TEST(NhsNumberTest, PublishedVectorsAgree) {
  const std::vector<Vector> vectors = LoadVectors();
  // The file must be present and complete: an empty table would pass
  // vacuously.
  ASSERT_GE(vectors.size(), 30u);
  int valid = 0;
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.input + " (" + v.explanation + ")");
    auto parsed = ParseNhsNumber(v.input);
    EXPECT_EQ(parsed.ok(), v.valid) << parsed.status();
    valid += v.valid;
  }
  EXPECT_GE(valid, 10);
}

TEST(NhsNumberTest, AcceptsSpacedFormAndCanonicalises) {
  ASSERT_OK_AND_ASSIGN(std::string digits, ParseNhsNumber("943 476 5919"));
  EXPECT_EQ(digits, "9434765919");
  EXPECT_EQ(FormatNhsNumber(digits), "943 476 5919");
}

TEST(NhsNumberTest, ExplainsFormatVersusCheckDigit) {
  EXPECT_THAT(ParseNhsNumber("943-476-5919"), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                                                ::testing::HasSubstr("10 digits")));
  EXPECT_THAT(ParseNhsNumber("9434765918"), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                                              ::testing::HasSubstr("Modulus 11")));
}

TEST(NhsNumberTest, RejectsOddSpacing) {
  for (const char* input :
       {" 9434765919", "9434765919 ", "94 3476 5919", "943  476 5919", "943 4765919"}) {
    EXPECT_FALSE(ParseNhsNumber(input).ok()) << input;
  }
}

TEST(NhsNumberTest, RemainderOneIsNeverValid) {
  // Weighted sum 320 -> remainder 1 -> check digit would be 10.
  for (char last = '0'; last <= '9'; ++last) {
    EXPECT_FALSE(NhsNumberCheckDigitValid(std::string("999123456") + last));
  }
}

}  // namespace
}  // namespace signpost::router
