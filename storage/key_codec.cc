#include "storage/key_codec.h"

#include "common/ids.h"

namespace signpost::storage {

void AppendUint64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

void AppendUint32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

std::optional<uint64_t> ConsumeUint64(std::string_view* in) {
  if (in->size() < 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(8);
  return v;
}

std::optional<uint32_t> ConsumeUint32(std::string_view* in) {
  if (in->size() < 4) return std::nullopt;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(4);
  return v;
}

void AppendOrderedString(std::string* out, std::string_view s) {
  for (char c : s) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xFF');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

std::optional<std::string> ConsumeOrderedString(std::string_view* in) {
  std::string out;
  for (size_t i = 0; i < in->size(); ++i) {
    const char c = (*in)[i];
    if (c != '\0') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= in->size()) return std::nullopt;
    const char next = (*in)[i + 1];
    if (next == '\xFF') {
      out.push_back('\0');
      ++i;
    } else if (next == '\x01') {
      in->remove_prefix(i + 2);
      return out;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;  // no terminator
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    const auto last = static_cast<uint8_t>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

namespace keys {

std::string Referral(std::string_view referral_id) { return std::string(referral_id); }

std::string Event(uint64_t sequence) {
  std::string k;
  AppendUint64(&k, sequence);
  return k;
}

std::optional<uint64_t> DecodeEvent(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return ConsumeUint64(&key);
}

std::string StatusPrefix(uint32_t status) {
  std::string k(1, kStatusIndex);
  AppendUint32(&k, status);
  return k;
}

std::string ChannelPrefix(uint32_t channel) {
  std::string k(1, kChannelIndex);
  AppendUint32(&k, channel);
  return k;
}

std::string OrgPrefix(std::string_view ods_code) {
  std::string k(1, kOrgIndex);
  AppendOrderedString(&k, ods_code);
  return k;
}

std::string StatusIndex(uint32_t status, std::string_view referral_id) {
  return StatusPrefix(status).append(referral_id);
}

std::string ChannelIndex(uint32_t channel, std::string_view referral_id) {
  return ChannelPrefix(channel).append(referral_id);
}

std::string OrgIndex(std::string_view ods_code, std::string_view referral_id) {
  return OrgPrefix(ods_code).append(referral_id);
}

std::string ReferenceIndex(std::string_view reference) {
  std::string k(1, kReferenceIndex);
  k.append(reference);
  return k;
}

std::optional<std::string> ReferralIdFromIndex(std::string_view key) {
  if (key.size() < 1 + static_cast<size_t>(kReferralIdLength)) return std::nullopt;
  return std::string(key.substr(key.size() - kReferralIdLength));
}

std::string Idempotency(std::string_view scope, std::string_view request_id) {
  std::string k;
  AppendOrderedString(&k, scope);
  AppendOrderedString(&k, request_id);
  return k;
}

namespace {
std::string Tagged(char tag, std::string_view s, bool escaped) {
  std::string k(1, tag);
  if (escaped) {
    AppendOrderedString(&k, s);
  } else {
    k.append(s);
  }
  return k;
}
}  // namespace

std::string PersonReferralsPrefix(std::string_view person_id) {
  return Tagged('Q', person_id, true);
}
std::string CaseloadPrefix(std::string_view case_manager_id) {
  return Tagged('W', case_manager_id, true);
}
std::string TeamQueuePrefix(std::string_view team_id) { return Tagged('U', team_id, true); }
std::string PartnerPrefix(std::string_view organization_id) {
  return Tagged('V', organization_id, true);
}
std::string ClockPrefix(bool breached) { return std::string(1, breached ? 'H' : 'B'); }
std::string WithDue(std::string prefix, uint64_t due_micros) {
  AppendUint64(&prefix, due_micros);
  return prefix;
}

std::string NhsNumberIndex(std::string_view nhs_number) { return Tagged('N', nhs_number, false); }
std::string DemographicPrefix(std::string_view key) { return Tagged('K', key, true); }
std::string PendingCandidateIndex(std::string_view candidate_id) {
  return Tagged(kPendingCandidateIndex, candidate_id, false);
}

std::string Person(std::string_view person_id) { return Tagged('P', person_id, false); }
std::string AssessmentPrefix(std::string_view person_id) { return Tagged('A', person_id, true); }
std::string Assessment(std::string_view person_id, uint64_t version) {
  std::string k = AssessmentPrefix(person_id);
  AppendUint64(&k, version);
  return k;
}
std::string AuditEntry(uint64_t sequence) {
  std::string k(1, kAuditEntryTag);
  AppendUint64(&k, sequence);
  return k;
}
std::string AuditSeal(uint64_t sequence) {
  std::string k(1, kAuditSealTag);
  AppendUint64(&k, sequence);
  return k;
}
std::string AuditPersonPrefix(std::string_view person_id) { return Tagged('p', person_id, true); }
std::string AuditNhsPrefix(std::string_view nhs_number) { return Tagged('n', nhs_number, true); }
std::optional<uint64_t> AuditSequence(std::string_view key) {
  if (key.size() < 9) return std::nullopt;
  key.remove_prefix(key.size() - 8);
  return ConsumeUint64(&key);
}

std::string TimelinePrefix(std::string_view person_id) { return Tagged('T', person_id, true); }
std::string Timeline(std::string_view person_id, uint64_t sequence) {
  std::string k = TimelinePrefix(person_id);
  AppendUint64(&k, sequence);
  return k;
}
std::optional<uint64_t> TimelineSequence(std::string_view key) {
  if (key.size() < 8) return std::nullopt;
  key.remove_prefix(key.size() - 8);
  return ConsumeUint64(&key);
}
std::string Candidate(std::string_view candidate_id) { return Tagged('D', candidate_id, false); }
std::string Service(std::string_view id) { return Tagged(kServicePrefix, id, false); }
std::string Team(std::string_view id) { return Tagged(kTeamPrefix, id, false); }
std::string CaseManager(std::string_view id) { return Tagged(kCaseManagerPrefix, id, false); }
std::string Merge(std::string_view merge_id) { return Tagged('G', merge_id, false); }
std::string BreakGlass(std::string_view user_id, std::string_view person_id) {
  return Tagged('B', user_id, true) + std::string(person_id);
}

}  // namespace keys
}  // namespace signpost::storage
