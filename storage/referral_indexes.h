// Which index entries a referral has, derived from the record alone.
//
// Every write of a referral stores exactly IndexEntriesFor(new) and
// deletes IndexEntriesFor(old) minus those, in the same batch, so the
// indexes can never drift from the records they point at.
//
//   status      always
//   channel, referrer organisation, reference        always
//   person      when linked to a person
//   caseload    while routed/accepted/in progress/on hold to a case manager
//   team queue  while ROUTED to a team, ordered by response-by time; band A
//               and B also before acceptance (CrisisQueue), and every
//               NEEDS_REVIEW referral in "clinician-review"
//   partner     while open and signposted to an organisation, with consent
//               to share with partners
//   clock       while open with a response-by time and no first contact;
//               'B' until that deadline is reported breached, then 'H'
// Pure; thread-safe.
#ifndef SIGNPOST_STORAGE_REFERRAL_INDEXES_H_
#define SIGNPOST_STORAGE_REFERRAL_INDEXES_H_

#include <cstdint>
#include <map>
#include <string>

#include "proto/signpost/referral_facts.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::storage {

// Index key -> value, for the indexes column family.
using IndexEntries = std::map<std::string, std::string>;

IndexEntries IndexEntriesFor(const signpost::v1::Referral& referral);

// Response-by as the key's `due` (microseconds since the epoch), or
// UINT64_MAX when the referral has none.
uint64_t DueMicros(const signpost::v1::Referral& referral);

// ClockRunning, DeadlineBreached and CaseloadOwner (which decide the clock
// and caseload entries) are in proto/signpost/referral_facts.h, shared
// with router/.

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_REFERRAL_INDEXES_H_
