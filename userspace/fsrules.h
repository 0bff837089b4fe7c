/* SPDX-License-Identifier: MIT */
/* Backend "lsm": filesystem.read/write/exec/deny resolved to inodes in the
 * gb_fs_rules and gb_fs_names maps (format in bpf/lsm.h). */
#ifndef GLOVEBOX_FSRULES_H
#define GLOVEBOX_FSRULES_H

#include <stddef.h>
#include <stdint.h>
#include "policy.h"

/* GB_SB_* flags the sandbox entry needs for p's filesystem and exec limits. */
uint32_t gb_fsrules_flags(const struct gb_policy *p);

struct gb_fsrules;

/* Insert the sandbox's entries; *out remembers them. On failure nothing is
 * left and err says which entry could not be resolved. */
int gb_fsrules_add(int rules_fd, int names_fd, uint64_t sandbox, const struct gb_policy *p,
		   struct gb_fsrules **out, char *err, size_t errlen);

/* Remove exactly what was added, and free. Accepts NULL. */
void gb_fsrules_del(struct gb_fsrules *f);

#endif
