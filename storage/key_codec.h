// Key encoding for Signpost's RocksDB column families.
//
// Every key is built so that RocksDB's bytewise order equals the logical
// order callers need:
// - integers are fixed-width big-endian (byte order == numeric order);
// - strings inside composite keys use an escaped, terminated encoding
//   (0x00 -> 0x00 0xFF, then a 0x00 0x01 terminator), so composite keys
//   sort by their first string, then the next component, and no key is a
//   prefix of another with a different first component;
// - referral ids are fixed-length (26) time-sortable strings and are placed
//   last, unescaped.
//
// Layout (column family: key -> value), see docs/adr/0002-key-layout.md:
//   referrals:   <referral_id>                          -> Referral
//   events:      <seq:u64be>                            -> ReferralEvent
//   indexes:     'S' <status:u32be> <referral_id>       -> ""
//                'C' <channel:u32be> <referral_id>      -> ""
//                'O' <ods:escaped> <referral_id>        -> ""
//                'R' <reference>                        -> referral_id
//                'Q' <person:esc> <referral_id>         -> ""  (person's referrals)
//                'W' <case_manager:esc> <referral_id>   -> ""  (caseload)
//                'U' <team:esc> <due:u64be> <referral_id> -> "" (team queue)
//                'V' <organisation:esc> <referral_id>   -> ""  (partner list)
//                'B' <due:u64be> <referral_id>          -> ""  (clock running)
//                'H' <due:u64be> <referral_id>          -> ""  (clock breached)
//                'N' <nhs_number>                       -> person_id
//                'K' <dob key:esc> <person_id>          -> ""  (demographics)
//                'X' <candidate_id>                     -> ""  (pending duplicates)
//                'T' <person:esc> <seq:u64be>           -> "E" | "J" (timeline:
//                     the entry is event <seq> ("E") or journal <seq> ("J"))
//   people:      'P' <person_id>                        -> PersonRecord
//                'A' <person:esc> <version:u64be>       -> AssessmentVersion
//                'D' <candidate_id>                     -> DuplicateCandidate
//                'G' <merge_id>                         -> MergeRecord
//                'B' <user:esc> <person_id>             -> BreakGlassGrant (the latest)
//   journal:     <seq:u64be>                            -> TimelineEntry (notes,
//                     MDT meetings, assessment versions, merges)
//   directory:   'S' <id> / 'T' <id> / 'M' <id>         -> service / team / case manager
//   idempotency: <ods:escaped> <request_id:escaped>     -> referral_id
//   audit:       'e' <seq:u64be>                        -> AuditEntry (bytes as written)
//                's' <seq:u64be>                        -> chain hash (32 bytes)
//                'h'                                    -> AuditSeal (the sealed head)
//                'p' <person:esc> <seq:u64be>           -> ""  (subject access)
//                'n' <nhs:esc> <seq:u64be>              -> ""  (subject access)
//   meta:        "schema_version"                       -> decimal string
//                "rules/active"                         -> RuleActivation
//                other "<area>/<name>"                  -> marker strings
// Events and journal entries share one sequence numbering; on open the
// next number follows the highest key of either family.
// Schema 1 kept whole timeline entries in people under 'T'; the schema 2
// migration (storage/migrations.cc) moves them to the index and journal.
// `due` is a response-by time in microseconds since the Unix epoch
// (UINT64_MAX when there is none, so those sort last).
#ifndef SIGNPOST_STORAGE_KEY_CODEC_H_
#define SIGNPOST_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signpost::storage {

// Appends `v` as 8 big-endian bytes.
void AppendUint64(std::string* out, uint64_t v);
// Appends `v` as 4 big-endian bytes.
void AppendUint32(std::string* out, uint32_t v);
// Reads 8 big-endian bytes at the front of `in` and advances it. Returns
// nullopt (and leaves `in` unchanged) if fewer than 8 bytes remain.
std::optional<uint64_t> ConsumeUint64(std::string_view* in);
std::optional<uint32_t> ConsumeUint32(std::string_view* in);

// Appends the escaped, terminated form of `s` (order-preserving).
void AppendOrderedString(std::string* out, std::string_view s);
// Decodes one ordered string from the front of `in` and advances it.
// Returns nullopt on malformed input.
std::optional<std::string> ConsumeOrderedString(std::string_view* in);

// The smallest key strictly greater than every key that starts with
// `prefix`; empty if there is none (prefix is all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

namespace keys {

inline constexpr char kStatusIndex = 'S';
inline constexpr char kChannelIndex = 'C';
inline constexpr char kOrgIndex = 'O';
inline constexpr char kReferenceIndex = 'R';
inline constexpr std::string_view kSchemaVersion = "schema_version";

std::string Referral(std::string_view referral_id);
// Keys of the events and journal families.
std::string Event(uint64_t sequence);
std::optional<uint64_t> DecodeEvent(std::string_view key);
inline std::string Journal(uint64_t sequence) { return Event(sequence); }

// Index prefixes (everything before the trailing referral id).
std::string StatusPrefix(uint32_t status);
std::string ChannelPrefix(uint32_t channel);
std::string OrgPrefix(std::string_view ods_code);
// Full index entries.
std::string StatusIndex(uint32_t status, std::string_view referral_id);
std::string ChannelIndex(uint32_t channel, std::string_view referral_id);
std::string OrgIndex(std::string_view ods_code, std::string_view referral_id);
std::string ReferenceIndex(std::string_view reference);
// The referral id at the end of a status/channel/org index key, or nullopt
// if the key is too short.
std::optional<std::string> ReferralIdFromIndex(std::string_view key);

std::string Idempotency(std::string_view scope, std::string_view request_id);

// Prefixes of the case indexes; a full entry appends the referral id
// (after `due` for the team queue and the clocks).
std::string PersonReferralsPrefix(std::string_view person_id);
std::string CaseloadPrefix(std::string_view case_manager_id);
std::string TeamQueuePrefix(std::string_view team_id);
std::string PartnerPrefix(std::string_view organization_id);
std::string ClockPrefix(bool breached);
// Appends `due` (see above) to an index prefix.
std::string WithDue(std::string prefix, uint64_t due_micros);

std::string NhsNumberIndex(std::string_view nhs_number);
std::string DemographicPrefix(std::string_view key);
std::string PendingCandidateIndex(std::string_view candidate_id);
inline constexpr char kPendingCandidateIndex = 'X';

std::string Person(std::string_view person_id);
std::string AssessmentPrefix(std::string_view person_id);
std::string Assessment(std::string_view person_id, uint64_t version);
// Timeline index (indexes family) and its values.
std::string TimelinePrefix(std::string_view person_id);
std::string Timeline(std::string_view person_id, uint64_t sequence);
inline constexpr std::string_view kTimelineEvent = "E";
inline constexpr std::string_view kTimelineJournal = "J";
// The sequence at the end of a timeline index key.
std::optional<uint64_t> TimelineSequence(std::string_view key);
// Schema 1's timeline entries in the people family (migration only).
inline constexpr char kLegacyTimeline = 'T';

// Audit family (ADR 0013).
inline constexpr char kAuditEntryTag = 'e';
inline constexpr char kAuditSealTag = 's';
inline constexpr std::string_view kAuditHead = "h";
std::string AuditEntry(uint64_t sequence);
std::string AuditSeal(uint64_t sequence);
std::string AuditPersonPrefix(std::string_view person_id);
std::string AuditNhsPrefix(std::string_view nhs_number);
// The sequence at the end of an audit key ('e', 's', 'p' or 'n').
std::optional<uint64_t> AuditSequence(std::string_view key);

// Directory family.
std::string Service(std::string_view id);
std::string Team(std::string_view id);
std::string CaseManager(std::string_view id);
inline constexpr char kServicePrefix = 'S';
inline constexpr char kTeamPrefix = 'T';
inline constexpr char kCaseManagerPrefix = 'M';

// Meta family.
inline constexpr std::string_view kActiveRules = "rules/active";
std::string Candidate(std::string_view candidate_id);
std::string Merge(std::string_view merge_id);
std::string BreakGlass(std::string_view user_id, std::string_view person_id);

}  // namespace keys
}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_KEY_CODEC_H_
