/* SPDX-License-Identifier: MIT */
/* The sandbox's cgroup: a cgroup v2 directory <cgroup2>/glovebox/<name>
 * (its id names the sandbox in the BPF maps), plus a pids cgroup where
 * max_pids is set: the v2 pids controller, or the v1 pids hierarchy on
 * hybrid hosts. Functions return 0 or -errno and describe a failure in err. */
#ifndef GLOVEBOX_CGROUP_H
#define GLOVEBOX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gb_cgroup {
	char *path;       /* v2 directory */
	int dirfd;        /* open on path, for CLONE_INTO_CGROUP */
	int procs_fd;     /* its cgroup.procs, for joining without clone3 */
	uint64_t id;      /* cgroup id (what bpf_get_current_cgroup_id returns) */
	char *pids_v1;    /* v1 pids directory, or NULL */
	int pids_v1_fd;   /* its cgroup.procs, written by the child; -1 if none */
};

/* Where cgroup2 is mounted ("/sys/fs/cgroup" or "/sys/fs/cgroup/unified"). */
int gb_cgroup2_mount(char *buf, size_t len);

/* The cgroup every sandbox is created in (<cgroup2>/glovebox), created if
 * missing; *level is its depth below the cgroup hierarchy's root. */
int gb_cgroup_parent(char *buf, size_t len, int *level);

/* How max_pids can be enforced here: "cgroup2 pids", "cgroup1 pids", or NULL. */
const char *gb_cgroup_pids_mechanism(void);

/* Create the sandbox's cgroup(s). max_pids 0 = no limit. */
int gb_cgroup_create(const char *name, long max_pids, struct gb_cgroup **out,
		     char *err, size_t errlen);

/* In the child, before exec: join the v1 pids cgroup (no-op without one). */
int gb_cgroup_child_join(const struct gb_cgroup *cg);

/* Kill every process in the sandbox (cgroup.kill, or SIGKILL to each). */
int gb_cgroup_kill(const struct gb_cgroup *cg);

/* Whether any process is left (reads cgroup.events). */
bool gb_cgroup_populated(const struct gb_cgroup *cg);

/* Kill, wait up to timeout_ms for it to empty, remove the directories,
 * free. Accepts NULL. Returns 0 or -errno (-EBUSY if it would not empty). */
int gb_cgroup_destroy(struct gb_cgroup *cg, int timeout_ms);

/* Kill and remove the sandbox cgroup (and its v1 pids twin) with this id,
 * for sandboxes left behind. -ENOENT if there is none. */
int gb_cgroup_remove_by_id(uint64_t id, int timeout_ms);

#endif
