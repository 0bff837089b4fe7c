/* SPDX-License-Identifier: MIT */
/* What this host can enforce, and how each limit of a policy is enforced in
 * a run: backend selection (lsm or landlock), the probes behind it (done
 * once, cached), and the per-limit plan that `run` acts on and `doctor`
 * and the sandbox_start event report. */
#ifndef GLOVEBOX_BACKEND_H
#define GLOVEBOX_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include "policy.h"

enum gb_backend {
	GB_BACKEND_AUTO = 0,
	GB_BACKEND_LSM,
	GB_BACKEND_LANDLOCK,
};

struct gb_caps {
	bool btf;              /* /sys/kernel/btf/vmlinux */
	bool lsm_listed;       /* "bpf" in /sys/kernel/security/lsm */
	int lsm_load_err;      /* 0 if a BPF LSM program loads, else -errno */
	bool lsm_implemented;  /* this build has the lsm backend's programs */
	int landlock_abi;      /* 0 = no Landlock */
	bool cgroup2;
	char cgroup2_path[256];
	const char *pids;      /* pids limit mechanism, or NULL */
	bool cgroup_kill;      /* cgroup.kill (Linux 5.14) */
	bool seccomp;
};

/* Whether the running kernel has LSM hook `name` (e.g. "userns_create"). */
bool gb_lsm_hook_exists(const char *name);

/* Probe once; later calls return the cached result. */
const struct gb_caps *gb_caps(void);

const char *gb_backend_name(enum gb_backend b);
int gb_backend_parse(const char *s, enum gb_backend *b);

/* Resolve auto, or check that the requested backend is usable. On failure
 * err says why. */
int gb_backend_choose(enum gb_backend want, enum gb_backend *got, char *err, size_t errlen);

enum gb_status {
	GB_ST_UNDECLARED = 0, /* not in the policy: unrestricted */
	GB_ST_ENFORCE,        /* denied in the kernel */
	GB_ST_AUDIT,          /* audit mode: reported, allowed */
	GB_ST_UNAUDITED,      /* audit mode, and this backend cannot report it */
	GB_ST_UNENFORCED,     /* declared, and this host cannot enforce it */
};

struct gb_limit_plan {
	bool declared;
	enum gb_status status;
	const char *mechanism; /* what enforces or audits it, or NULL */
	const char *missing;   /* what would make it enforceable, or NULL */
};

/* How each limit of p is handled under backend b. */
void gb_plan(const struct gb_policy *p, enum gb_backend b, struct gb_limit_plan plan[GB_LIMIT__COUNT]);

const char *gb_status_name(enum gb_status s);

/* `glovebox doctor [--json]`: returns the exit status. */
int gb_doctor(bool json);

#endif
