/* SPDX-License-Identifier: MIT */
/* Loading glovebox's BPF programs once for the whole host, and the
 * per-sandbox map entries.
 *
 * The first `glovebox run` loads and attaches every program and pins the
 * maps and links under /sys/fs/bpf/glovebox/<build>/ (build = hash of the
 * BPF objects). Later runs of the same build only open the pinned maps, so
 * launching a sandbox costs no verification. Enforcement stays in place if
 * glovebox dies. `glovebox unload` removes the pins. */
#ifndef GLOVEBOX_LOADER_H
#define GLOVEBOX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "sandbox.h"

struct gb_bpf {
	int sandboxes_fd;
	int rings_fd;
	int net_rules_fd;
	int fs_rules_fd;  /* lsm backend only, else -1 */
	int fs_names_fd;
	int use_lock;     /* shared lock on this build while in use */
	char pin_dir[256];
	int loaded_now; /* 1 if this process loaded the programs */
};

#define GB_BPFFS "/sys/fs/bpf"
#define GB_PIN_ROOT GB_BPFFS "/glovebox"

int gb_bpf_open(struct gb_bpf *b, char *err, size_t errlen);
void gb_bpf_close(struct gb_bpf *b);

/* Add a sandbox: claim a ring slot (sets sb->ring; *slot_lock holds the
 * claim until closed), open its ring buffer (*ring_fd), add the entry. */
int gb_bpf_sandbox_add(struct gb_bpf *b, struct gb_sandbox *sb, int *ring_fd, int *slot_lock);
/* Remove the sandbox's entry; a missing entry is not an error. */
int gb_bpf_sandbox_del(struct gb_bpf *b, uint64_t id);
int gb_bpf_sandbox_get(struct gb_bpf *b, uint64_t id, struct gb_sandbox *sb);

/* The syscall decision tracepoint (bpf/sysaudit.bpf.c) is attached only
 * while a sandbox with GB_SB_SYSAUDIT is registered: acquire attaches it if
 * needed; release (after the sandbox's entry is gone) detaches it when no
 * registered sandbox needs it any more. */
int gb_bpf_sysaudit_acquire(struct gb_bpf *b, char *err, size_t errlen);
void gb_bpf_sysaudit_release(struct gb_bpf *b);

/* Allowed read-only opens counted for a sandbox; remove deletes the entry. */
int gb_bpf_sys_reads(struct gb_bpf *b, uint64_t id, uint64_t *reads, bool remove);

/* Whether LSM hook `hook` has glovebox's program attached (once loaded),
 * or exists in this kernel (before the first load). */
bool gb_bpf_lsm_hook_ready(const char *hook);

/* 1 if this build's programs are loaded with the lsm ones, 0 if loaded
 * without them, -1 if not loaded yet. */
int gb_bpf_lsm_pinned(void);

/* Remove sandboxes left behind by a glovebox and watchdog that both died:
 * kill their processes, remove their cgroups and map entries. */
int gb_bpf_gc(struct gb_bpf *b, int *removed);

/* Remove every pinned program, link and map of every build (`glovebox
 * unload`). Fails with -EBUSY while any sandbox is registered. */
int gb_bpf_unload(char *err, size_t errlen);

#endif
