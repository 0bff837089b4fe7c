/* SPDX-License-Identifier: MIT */
/* Filesystem and exec limits with Landlock (backend "landlock"): the policy's
 * filesystem.read/write/exec/deny compiled into one Landlock ruleset, built
 * by the parent before the sandbox starts and applied by the child, with
 * no_new_privs, just before exec.
 *
 * Landlock only allows: a "deny" inside an allowed tree is expressed by
 * allowing the siblings along the path down to the denied entry instead of
 * the whole tree (resolved when the sandbox starts; see docs/known-gaps.md
 * for what this cannot cover). */
#ifndef GLOVEBOX_LANDLOCK_H
#define GLOVEBOX_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include "policy.h"

struct gb_landlock;

/* Landlock ABI version of the running kernel; 0 if Landlock is unavailable.
 * Probed once. */
int gb_landlock_abi(void);

/* Build the ruleset for p (filesystem and exec limits; a limit p does not
 * declare is left unrestricted). With ABI >= 6 the ruleset always scopes
 * signals, even for a policy that declares nothing and in audit mode. In
 * audit mode the filesystem and exec limits are not applied at all
 * (Landlock has no audit-only mode). *out is NULL when there is nothing to
 * enforce (then gb_landlock_enforce(NULL) does nothing).
 *
 * If the policy would be enforced more weakly than it says (Landlock
 * unavailable, truncate(2) unrestricted before ABI 3, a denied file with
 * other hard links), fails with -EOPNOTSUPP and says which entry and why in
 * err, unless allow_degraded: then succeeds (*out may be NULL) and says it.
 * On success err also holds warnings about entries enforced more strictly
 * than written (directories split by a deny: no new entries there, or not
 * listable); "; "-separated, empty if none. The caller prints a non-empty
 * err as a warning. Gaps of the backend as a whole (exec checked at execve
 * only, metadata calls, EACCES instead of EPERM) are not repeated here:
 * docs/known-gaps.md. Paths that do not exist are skipped: nothing to allow. */
int gb_landlock_prepare(const struct gb_policy *p, bool allow_degraded,
			struct gb_landlock **out, char *err, size_t errlen);

/* Whether rulesets from gb_landlock_prepare deny signals (kill, sigqueue,
 * pidfd_send_signal, ...) to processes outside the sandbox's Landlock
 * domain (LANDLOCK_SCOPE_SIGNAL, ABI 6). Abstract unix sockets are not
 * scoped: local IPC that the network limit allows keeps working. */
bool gb_landlock_scopes_signals(void);

/* In the child, after fork and before exec: no_new_privs, then
 * landlock_restrict_self. Only async-signal-safe calls (no malloc, no
 * stdio). l may be NULL (nothing to do). Returns 0 or -errno. */
int gb_landlock_enforce(const struct gb_landlock *l);

/* Accepts NULL. Closes the ruleset fd. */
void gb_landlock_free(struct gb_landlock *l);

#endif
