// SPDX-License-Identifier: MIT
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <jansson.h>
#include "backend.h"
#include "cgroup.h"
#include "landlock.h"
#include "loader.h"
#include "util.h"
#include "probe.skel.h"

#define SECURITYFS "/sys/kernel/security"

static bool lsm_listed(void)
{
	char buf[512];

	if (access(SECURITYFS "/lsm", R_OK) != 0)
		mount("securityfs", SECURITYFS, "securityfs", 0, NULL);
	if (gb_read_file(SECURITYFS "/lsm", buf, sizeof(buf)) < 0)
		return false;
	return gb_list_has(buf, ',', "bpf");
}

bool gb_lsm_hook_exists(const char *name)
{
	return libbpf_find_vmlinux_btf_id(name, BPF_LSM_MAC) >= 0;
}

static int lsm_loads(void)
{
	struct gb_probe *skel;
	int ret;

	skel = gb_probe__open();
	if (!skel)
		return -errno;
	ret = gb_probe__load(skel);
	gb_probe__destroy(skel);
	return ret < 0 ? ret : 0;
}

const struct gb_caps *gb_caps(void)
{
	static struct gb_caps c;
	static bool probed;
	char p[300];

	if (probed)
		return &c;
	probed = true;
	c.btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	c.lsm_listed = lsm_listed();
	/* Once this build is loaded, whether its LSM programs are part of it
	 * answers the probe without loading anything. */
	switch (gb_bpf_lsm_pinned()) {
	case 1:
		c.lsm_load_err = 0;
		break;
	case 0: /* the first load found that LSM programs do not load */
		c.lsm_load_err = -EPERM;
		break;
	default:
		c.lsm_load_err = c.btf ? lsm_loads() : -ENOENT;
	}
	c.lsm_implemented = true;
	c.landlock_abi = gb_landlock_abi();
	c.cgroup2 = gb_cgroup2_mount(c.cgroup2_path, sizeof(c.cgroup2_path)) == 0;
	c.pids = gb_cgroup_pids_mechanism();
	if (c.cgroup2) {
		char parent[300];
		int level;

		/* cgroup.kill exists in every non-root cgroup from Linux 5.14. */
		if (gb_cgroup_parent(parent, sizeof(parent), &level) == 0 &&
		    gb_pathf(p, sizeof(p), "%s/cgroup.kill", parent) == 0)
			c.cgroup_kill = access(p, F_OK) == 0;
	}
	c.seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	return &c;
}

const char *gb_backend_name(enum gb_backend b)
{
	return b == GB_BACKEND_LSM ? "lsm" : b == GB_BACKEND_LANDLOCK ? "landlock" : "auto";
}

int gb_backend_parse(const char *s, enum gb_backend *b)
{
	if (!strcmp(s, "auto"))
		*b = GB_BACKEND_AUTO;
	else if (!strcmp(s, "lsm"))
		*b = GB_BACKEND_LSM;
	else if (!strcmp(s, "landlock"))
		*b = GB_BACKEND_LANDLOCK;
	else
		return -EINVAL;
	return 0;
}

/* Why the lsm backend cannot be used here, or NULL if it can. */
static const char *lsm_unusable(const struct gb_caps *c, char *buf, size_t len)
{
	if (!c->btf)
		return "the kernel has no BTF (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF=y)";
	if (!c->lsm_listed)
		return "'bpf' is not an active LSM (CONFIG_BPF_LSM=y and boot with lsm=...,bpf)";
	if (c->lsm_load_err) {
		snprintf(buf, len, "BPF LSM programs fail to load: %s", strerror(-c->lsm_load_err));
		return buf;
	}
	if (!c->lsm_implemented)
		return "the lsm backend is not implemented in this build yet";
	return NULL;
}

int gb_backend_choose(enum gb_backend want, enum gb_backend *got, char *err, size_t errlen)
{
	const struct gb_caps *c = gb_caps();
	char why[160];
	const char *lsm_why = lsm_unusable(c, why, sizeof(why));

	if (want == GB_BACKEND_LSM || (want == GB_BACKEND_AUTO && !lsm_why)) {
		if (lsm_why) {
			snprintf(err, errlen, "backend lsm is not usable here: %s", lsm_why);
			return -EOPNOTSUPP;
		}
		*got = GB_BACKEND_LSM;
		return 0;
	}
	*got = GB_BACKEND_LANDLOCK;
	return 0;
}

const char *gb_status_name(enum gb_status s)
{
	static const char *const names[] = {
		[GB_ST_UNDECLARED] = "undeclared", [GB_ST_ENFORCE] = "enforce",
		[GB_ST_AUDIT] = "audit", [GB_ST_UNAUDITED] = "unaudited",
		[GB_ST_UNENFORCED] = "unenforced",
	};

	return names[s];
}

static const char *const fs_hooks[] = {
	"file_open", "path_mknod", "path_mkdir", "path_unlink", "path_rmdir", "path_rename",
	"path_link", "path_symlink", "path_truncate", "path_chmod", "path_chown",
	"unix_stream_connect", "unix_may_send", NULL,
};
static const char *const exec_hooks[] = { "bprm_check_security", "mmap_file", "file_mprotect", NULL };
static const char *const proc_hooks[] = {
	"ptrace_access_check", "ptrace_traceme", "task_kill", "bpf", "sb_mount", "sb_umount",
	"move_mount", "sb_pivotroot", "userns_create", "kernel_read_file", "kernel_load_data",
	"kernel_module_request", "socket_create", "capable", "task_alloc", "file_ioctl", NULL,
};

/* The hooks of list that are not in place, comma-separated into buf
 * (empty if all are). */
static const char *hooks_missing(const char *const *list, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (; *list; list++) {
		if (gb_bpf_lsm_hook_ready(*list))
			continue;
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? ", " : "", *list);
	}
	return buf;
}

void gb_plan(const struct gb_policy *p, enum gb_backend b, struct gb_limit_plan plan[GB_LIMIT__COUNT])
{
	static char missing_fs[300], missing_exec[300];
	const struct gb_caps *c = gb_caps();
	bool audit = p->mode == GB_MODE_AUDIT;

	for (int l = 0; l < GB_LIMIT__COUNT; l++) {
		struct gb_limit_plan *lp = &plan[l];
		bool can_enforce = false, can_audit = false;

		memset(lp, 0, sizeof(*lp));
		lp->declared = p->declared[l] || (l == GB_LIMIT_FILESYSTEM && p->fs_deny_declared);
		switch (l) {
		case GB_LIMIT_FILESYSTEM:
		case GB_LIMIT_EXEC:
			if (b == GB_BACKEND_LSM) {
				char *m = l == GB_LIMIT_EXEC ? missing_exec : missing_fs;

				lp->mechanism = l == GB_LIMIT_EXEC ?
					"bpf lsm (bprm_check_security, mmap_file, file_mprotect)" :
					"bpf lsm (file_open, path_* hooks, inode rules)";
				hooks_missing(l == GB_LIMIT_EXEC ? exec_hooks : fs_hooks, m, 300);
				can_enforce = can_audit = !m[0];
				if (m[0])
					lp->missing = m; /* e.g. path_* needs CONFIG_SECURITY_PATH=y */
			} else if (b == GB_BACKEND_LANDLOCK && c->landlock_abi > 0) {
				lp->mechanism = l == GB_LIMIT_EXEC ? "landlock (execute right)" : "landlock";
				can_enforce = true;
			} else if (b == GB_BACKEND_LANDLOCK) {
				lp->missing = "Landlock (CONFIG_SECURITY_LANDLOCK=y, boot with lsm=...,landlock)";
			}
			/* Landlock has no report-only mode. */
			if (b == GB_BACKEND_LANDLOCK && audit)
				lp->missing = "audit mode needs the lsm backend (Landlock cannot report without denying)";
			break;
		case GB_LIMIT_NETWORK:
			lp->mechanism = "cgroup sock_addr BPF (connect4/6, sendmsg4/6, bind4/6)";
			can_enforce = can_audit = true;
			break;
		case GB_LIMIT_PROCESS:
			lp->mechanism = c->pids;
			can_enforce = c->pids != NULL;
			if (!c->pids)
				lp->missing = "a pids controller (cgroup2 'pids' in cgroup.controllers, or a cgroup1 pids hierarchy)";
			if (audit)
				lp->missing = "audit mode does not set pids.max (nothing to report it with)";
			break;
		case GB_LIMIT_TIME:
			lp->mechanism = c->cgroup_kill ? "timer + cgroup.kill" : "timer + SIGKILL to every process in the cgroup";
			can_enforce = can_audit = true;
			break;
		}
		if (!lp->declared) {
			lp->status = GB_ST_UNDECLARED;
			lp->mechanism = lp->missing = NULL;
		}
		else if (audit)
			lp->status = can_audit ? GB_ST_AUDIT : GB_ST_UNAUDITED;
		else
			lp->status = can_enforce ? GB_ST_ENFORCE : GB_ST_UNENFORCED;
	}
}

struct doctor_row {
	const char *limit;
	const char *status; /* enforce, partial, unavailable */
	char mechanism[200];
	char missing[240];
};

int gb_doctor(bool json)
{
	const struct gb_caps *c = gb_caps();
	struct gb_policy all = { .mode = GB_MODE_ENFORCE };
	struct gb_limit_plan plan[GB_LIMIT__COUNT];
	struct doctor_row rows[GB_LIMIT__COUNT + 1];
	enum gb_backend b;
	char why[160], err[256], reason[300];
	const char *lsm_why = lsm_unusable(c, why, sizeof(why));
	struct utsname u;
	bool all_enforced = true;
	int n = 0;

	uname(&u);
	gb_backend_choose(GB_BACKEND_AUTO, &b, err, sizeof(err));
	if (b == GB_BACKEND_LSM)
		snprintf(reason, sizeof(reason), "BPF LSM programs load on this kernel");
	else
		snprintf(reason, sizeof(reason), "lsm backend unusable: %s", lsm_why);

	for (int l = 0; l < GB_LIMIT__COUNT; l++)
		all.declared[l] = true;
	gb_plan(&all, b, plan);
	for (int l = 0; l < GB_LIMIT__COUNT; l++, n++) {
		rows[n].limit = gb_limit_name(l);
		rows[n].status = plan[l].status == GB_ST_ENFORCE ? "enforce" : "unavailable";
		snprintf(rows[n].mechanism, sizeof(rows[n].mechanism), "%s", plan[l].mechanism ? plan[l].mechanism : "");
		snprintf(rows[n].missing, sizeof(rows[n].missing), "%s", plan[l].missing ? plan[l].missing : "");
	}
	/* The sandbox boundary (escapes) is part of the process limit. */
	if (b == GB_BACKEND_LSM) {
		struct doctor_row *r = &rows[GB_LIMIT_PROCESS];
		char m[300], miss[300];

		hooks_missing(proc_hooks, miss, sizeof(miss));
		gb_pathf(m, sizeof(m), "%s%sescapes and signals: bpf lsm hooks", r->mechanism,
			 r->mechanism[0] ? "; " : "");
		gb_pathf(r->mechanism, sizeof(r->mechanism), "%s", m);
		if (miss[0]) {
			r->status = "unavailable";
			gb_pathf(r->missing, sizeof(r->missing), "LSM hooks not in this kernel: %s", miss);
		}
	}
	if (b == GB_BACKEND_LANDLOCK) {
		struct doctor_row *r = &rows[GB_LIMIT_PROCESS];
		char m[300];

		gb_pathf(m, sizeof(m), "%s%sescapes: seccomp; signals: %s", r->mechanism,
			 r->mechanism[0] ? "; " : "",
			 gb_landlock_scopes_signals() ? "landlock scope" : "not confined");
		gb_pathf(r->mechanism, sizeof(r->mechanism), "%s", m);
		if (!gb_landlock_scopes_signals() && !r->missing[0])
			snprintf(r->missing, sizeof(r->missing), "signal scoping needs Landlock ABI 6 (Linux 6.12)");
		if (!c->seccomp)
			r->status = "unavailable";
	}
	rows[n].limit = "audit";
	if (b == GB_BACKEND_LSM) {
		rows[n].status = "enforce";
		snprintf(rows[n].mechanism, sizeof(rows[n].mechanism),
			 "sched tracepoints (exec/fork/exit); decisions from the LSM and cgroup programs");
		rows[n].missing[0] = '\0';
	} else {
		rows[n].status = "enforce";
		snprintf(rows[n].mechanism, sizeof(rows[n].mechanism),
			 "sched tracepoints (exec/fork/exit); network decisions from cgroup programs; "
			 "file/exec/process decisions from sys_exit (attached while a sandbox runs)");
		rows[n].missing[0] = '\0';
	}
	n++;
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].status, "enforce") != 0)
			all_enforced = false;

	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:i, s:i, s:b, s:s?, s:b}}",
				      "kernel", u.release, "backend", gb_backend_name(b), "reason", reason,
				      "probes", "btf", c->btf, "bpf_lsm_listed", c->lsm_listed,
				      "bpf_lsm_load_errno", -c->lsm_load_err, "landlock_abi", c->landlock_abi,
				      "cgroup2", c->cgroup2, "pids", c->pids, "cgroup_kill", c->cgroup_kill);
		json_t *lim = json_object();

		for (int i = 0; i < n; i++)
			json_object_set_new(lim, rows[i].limit,
					    json_pack("{s:s, s:s?, s:s?}", "status", rows[i].status,
						      "mechanism", rows[i].mechanism[0] ? rows[i].mechanism : NULL,
						      "missing", rows[i].missing[0] ? rows[i].missing : NULL));
		json_object_set_new(o, "limits", lim);
		json_object_set_new(o, "all_enforced", json_boolean(all_enforced));
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		printf("kernel   %s\n", u.release);
		printf("backend  %s (%s)\n", gb_backend_name(b), reason);
		printf("probes   btf=%s bpf-lsm-listed=%s landlock-abi=%d cgroup2=%s pids=%s cgroup.kill=%s\n\n",
		       c->btf ? "yes" : "no", c->lsm_listed ? "yes" : "no", c->landlock_abi,
		       c->cgroup2 ? c->cgroup2_path : "no", c->pids ? c->pids : "no",
		       c->cgroup_kill ? "yes" : "no");
		printf("%-11s %-12s %s\n", "LIMIT", "STATUS", "MECHANISM");
		for (int i = 0; i < n; i++) {
			printf("%-11s %-12s %s\n", rows[i].limit, rows[i].status,
			       rows[i].mechanism[0] ? rows[i].mechanism : "-");
			if (rows[i].missing[0])
				printf("%-11s %-12s missing: %s\n", "", "", rows[i].missing);
		}
	}
	return all_enforced ? 0 : 1;
}
