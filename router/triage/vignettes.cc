#include "router/triage/vignettes.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/fingerprint.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "proto/signpost/labels.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using google::protobuf::TextFormat;

class ParseErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    problems.push_back(absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message));
  }
  void AddWarning(int, int, const std::string&) override {}
  std::vector<std::string> problems;
};

// Tuesday 24 November 2026 11:00 and Sunday 22 November 2026 02:00, London
// (GMT in November).
const absl::CivilSecond kInHours(2026, 11, 24, 11, 0, 0);
const absl::CivilSecond kOutOfHours(2026, 11, 22, 2, 0, 0);

int BandIndex(v1::UrgencyBand b) {
  return b >= v1::URGENCY_BAND_A && b <= v1::URGENCY_BAND_G ? b - v1::URGENCY_BAND_A : -1;
}

bool Urgent(v1::UrgencyBand b) { return b >= v1::URGENCY_BAND_A && b <= v1::URGENCY_BAND_C; }

double Percent(int part, int whole) { return whole == 0 ? 0.0 : 100.0 * part / whole; }

void Score(SplitScore& split, const v1::TriageVignette& v, v1::UrgencyBand got) {
  ++split.total;
  const v1::UrgencyBand want = v.expected_band();
  if (BandIndex(want) >= 0 && BandIndex(got) >= 0)
    ++split.confusion[BandIndex(want)][BandIndex(got)];
  if (Urgent(want)) {
    ++split.urgent_expected;
    if (Urgent(got)) ++split.urgent_found;
  }
  if (got == want) {
    ++split.exact;
  } else if (got > want) {  // a larger enum value is less urgent
    split.under_triaged.push_back({v.id(), v.family(), want, got});
  } else {
    split.over_triaged.push_back({v.id(), v.family(), want, got});
  }
}

void FormatSplit(const char* name, const SplitScore& s, bool list_misses, std::string& out) {
  absl::StrAppendFormat(&out,
                        "%s: %d vignettes; under-triaged %d; exact %d (%.1f%%); over-triaged %d; "
                        "sensitivity A-C %d/%d (%.1f%%)\n",
                        name, s.total, static_cast<int>(s.under_triaged.size()), s.exact,
                        s.ExactPercent(), static_cast<int>(s.over_triaged.size()), s.urgent_found,
                        s.urgent_expected, s.UrgentSensitivityPercent());
  absl::StrAppend(&out, "  expected \\ got   A   B   C   D   E   F   G\n");
  for (int want = 0; want < 7; ++want) {
    absl::StrAppendFormat(&out, "  %c               ", 'A' + want);
    for (int got = 0; got < 7; ++got) absl::StrAppendFormat(&out, "%4d", s.confusion[want][got]);
    absl::StrAppend(&out, "\n");
  }
  auto list = [&](const char* what, const std::vector<VignetteMiss>& misses) {
    if (!list_misses) return;
    for (const auto& m : misses) {
      absl::StrAppendFormat(&out, "  %s %s (%s): expected %s, got %s\n", what, m.id, m.family,
                            BandLetter(m.expected), BandLetter(m.got));
    }
  };
  list("UNDER", s.under_triaged);
  list("over", s.over_triaged);
}

std::vector<std::string> CheckVignettes(const v1::VignetteCorpus& corpus) {
  std::vector<std::string> problems;
  std::set<std::string> ids;
  if (corpus.held_out_percent() < 1 || corpus.held_out_percent() > 99) {
    problems.push_back("held_out_percent must be 1-99");
  }
  for (const auto& v : corpus.vignettes()) {
    const std::string who = absl::StrCat("vignette \"", v.id(), "\"");
    if (v.id().empty() || !ids.insert(v.id()).second) {
      problems.push_back(absl::StrCat(who, ": ids must be present and unique"));
    }
    if (BandIndex(v.expected_band()) < 0) {
      problems.push_back(absl::StrCat(who, ": expected_band is required"));
    }
    if (v.story().empty() && !v.has_risk_screen()) {
      problems.push_back(absl::StrCat(who, ": needs a story or a risk screen"));
    }
  }
  return problems;
}

}  // namespace

double SplitScore::ExactPercent() const { return Percent(exact, total); }
double SplitScore::UrgentSensitivityPercent() const {
  return Percent(urgent_found, urgent_expected);
}

absl::StatusOr<v1::VignetteCorpus> ParseVignetteCorpus(std::string_view text) {
  v1::VignetteCorpus corpus;
  TextFormat::Parser parser;
  ParseErrors errors;
  parser.RecordErrorsTo(&errors);
  std::vector<std::string> problems;
  if (!parser.ParseFromString(std::string(text), &corpus)) {
    problems = std::move(errors.problems);
    if (problems.empty()) problems.emplace_back("the corpus does not parse");
  } else {
    problems = CheckVignettes(corpus);
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid vignette corpus: ", absl::StrJoin(problems, "; ")));
  }
  return corpus;
}

bool IsHeldOut(const v1::VignetteCorpus& corpus, const v1::TriageVignette& v) {
  const int round = std::max(v.round(), 1);
  const int current = std::max(corpus.current_round(), 1);
  if (round != current) return false;  // earlier rounds' held-out sets are used up
  const uint64_t h = Fingerprint64(absl::StrCat(corpus.split_seed(), ":", v.id()));
  return static_cast<int>(h % 100) < corpus.held_out_percent();
}

absl::Time ReceivedAtFor(const v1::TriageVignette& v) {
  return absl::FromCivil(v.out_of_hours() ? kOutOfHours : kInHours, absl::UTCTimeZone());
}

v1::ReferralSubmission SubmissionFor(const v1::TriageVignette& v) {
  v1::ReferralSubmission s;
  s.set_channel(v.channel() == v1::SOURCE_CHANNEL_UNSPECIFIED ? v1::SOURCE_CHANNEL_GP
                                                              : v.channel());
  auto* referrer = s.mutable_referrer();
  if (s.channel() != v1::SOURCE_CHANNEL_SELF) {
    referrer->set_ods_code("G85001");
    referrer->set_phone("02079460000");
    referrer->set_organisation_name("Vignette Referrer");
  }
  auto* p = s.mutable_person();
  p->set_given_name("Vignette");
  p->set_family_name("Person");
  p->mutable_contact()->set_phone("07700900000");
  // Born so that the decimal age at receipt is age_years (default 35).
  const double age = v.has_age_years() ? v.age_years() : 35.0;
  const auto whole = static_cast<int>(std::floor(age));
  const auto days = static_cast<int>(std::lround((age - whole) * 365.0));
  const absl::CivilDay received(v.out_of_hours() ? kOutOfHours : kInHours);
  const absl::CivilDay birthday = received - days;
  p->mutable_date_of_birth()->set_year(static_cast<int>(birthday.year()) - whole);
  p->mutable_date_of_birth()->set_month(birthday.month());
  p->mutable_date_of_birth()->set_day(birthday.day());
  s.set_story(v.story().empty() ? "Risk screen completed." : v.story());
  for (int n : v.presenting_needs()) s.add_presenting_needs(static_cast<v1::PresentingNeed>(n));
  if (v.has_risk()) *s.mutable_risk() = v.risk();
  if (v.has_risk_screen()) *s.mutable_risk_screen() = v.risk_screen();
  return s;
}

v1::UrgencyBand BandFor(const TriageEngine& engine, const v1::TriageVignette& v) {
  const v1::ReferralSubmission s = SubmissionFor(v);
  return engine.Evaluate({.submission = s, .received_at = ReceivedAtFor(v)}).band();
}

CorpusScore ScoreCorpus(const TriageEngine& engine, const v1::VignetteCorpus& corpus) {
  CorpusScore score;
  for (const auto& v : corpus.vignettes()) {
    Score(IsHeldOut(corpus, v) ? score.held_out : score.development, v, BandFor(engine, v));
  }
  return score;
}

std::string FormatScore(const CorpusScore& score, bool list_held_out_misses) {
  std::string out;
  FormatSplit("development", score.development, true, out);
  FormatSplit("held-out", score.held_out, list_held_out_misses, out);
  return out;
}

}  // namespace signpost::router
