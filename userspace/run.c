// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "audit.h"
#include "backend.h"
#include "cgroup.h"
#include "loader.h"
#include "net.h"
#include "../bpf/sysaudit.h"
#include "fsrules.h"
#include "landlock.h"
#include "seccomp.h"
#include "log.h"
#include "policy.h"
#include "run.h"
#include "util.h"

#define POLL_MS 100          /* audit latency bound: the ring is polled at least this often */
#define DRAIN_TIMEOUT_MS 5000 /* how long killed processes get to disappear */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static json_t *limits_json(const struct gb_limit_plan *plan)
{
	json_t *o = json_object();

	for (int l = 0; l < GB_LIMIT__COUNT; l++) {
		json_t *e = json_pack("{s:b, s:s}", "declared", plan[l].declared,
				      "status", gb_status_name(plan[l].status));

		json_object_set_new(e, "mechanism",
				    plan[l].mechanism ? json_string(plan[l].mechanism) : json_null());
		if (plan[l].status == GB_ST_UNENFORCED || plan[l].status == GB_ST_UNAUDITED)
			json_object_set_new(e, "missing", plan[l].missing ? json_string(plan[l].missing) : json_null());
		json_object_set_new(o, gb_limit_name(l), e);
	}
	return o;
}

static json_t *argv_json(char **argv)
{
	json_t *a = json_array();

	for (; *argv; argv++)
		json_array_append_new(a, gb_json_bytes(*argv, strlen(*argv)));
	return a;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!(((*s | 32) >= 'a' && (*s | 32) <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* What the child reports through the exec pipe if it fails. */
struct child_failure {
	int stage; /* 0 = exec, 1 = cgroups, 2 = landlock, 3 = seccomp */
	int err;
};

static const char *const stage_names[] = { "exec", "join the sandbox's cgroups", "apply Landlock", "apply seccomp" };

struct confinement {
	const struct gb_cgroup *cg;
	const struct gb_landlock *landlock; /* or NULL */
	const struct gb_seccomp *seccomp;   /* or NULL */
};

static pid_t spawn(const struct confinement *cf, char **argv, int *pidfd, int status_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP | CLONE_PIDFD,
		.pidfd = (__u64)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = (__u64)cf->cg->dirfd,
	};
	struct child_failure f = { 0 };
	bool join = false;
	long pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
		/* No clone3 with CLONE_INTO_CGROUP (before Linux 5.7, or filtered,
		 * as under valgrind): fork, and the child joins the cgroup before
		 * it does anything else. */
		join = true;
		pid = fork();
		if (pid > 0) {
			/* Without pidfd_open (before 5.3), the loop polls waitid. */
			*pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		}
	}
	if (pid != 0)
		return (pid_t)pid;

	/* Child: inside the sandbox's cgroup. It keeps glovebox's session and
	 * terminal (prompts through /dev/tty work); pushing input into that
	 * terminal (TIOCSTI) is refused by seccomp or the lsm file_ioctl hook. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	f.stage = 1;
	if (join && write(cf->cg->procs_fd, "0", 1) != 1) {
		f.err = errno;
		goto out_fail;
	}
	f.err = -gb_cgroup_child_join(cf->cg);
	if (!f.err && cf->landlock) {
		f.stage = 2;
		f.err = -gb_landlock_enforce(cf->landlock);
	}
	if (!f.err && cf->seccomp) {
		f.stage = 3;
		f.err = -gb_boundary_caps_drop();
		if (!f.err)
			f.err = -gb_seccomp_enforce(cf->seccomp);
	}
	if (f.err)
		goto out_fail;
	f.stage = 0;
	execvp(argv[0], argv);
	f.err = errno;
out_fail:
	if (write(status_fd, &f, sizeof(f)) < 0)
		_exit(GB_EXIT_FAILURE);
	_exit(f.stage ? GB_EXIT_FAILURE : (f.err == ENOENT ? GB_EXIT_NOTFOUND : GB_EXIT_NOEXEC));
}

static int child_wait(pid_t pid, int pidfd, siginfo_t *si, int options)
{
	if (pidfd >= 0)
		return waitid(P_PIDFD, (id_t)pidfd, si, options);
	return waitid(P_PID, (id_t)pid, si, options);
}

static int status_to_exit(int code, int si_code)
{
	if (si_code == CLD_EXITED)
		return code;
	return 128 + code;
}

struct sandbox_run {
	struct gb_policy *policy;
	struct gb_bpf bpf;
	bool bpf_open;
	struct gb_cgroup *cg;
	bool registered;
	struct gb_netrules *netrules;
	struct gb_fsrules *fsrules;
	struct gb_audit *audit;
	struct gb_landlock *landlock;
	struct gb_seccomp *seccomp;
	struct gb_limit_plan plan[GB_LIMIT__COUNT];
	bool sysaudit;
	pid_t watchdog;
	int watchdog_fd;
	int slot_lock;
	int ring_fd;
	int epfd;
	int pidfd;
	char name[80];
};

/* Remove the sandbox: processes first (so that no task of it ever runs
 * without its map entries), then map entries, then the cgroup. If its
 * processes will not die, the entries stay, and the sandbox is reported. */
static void sandbox_remove(struct sandbox_run *r, uint64_t sb_id, bool quiet)
{
	char path[4200] = "";
	int ret = 0;

	if (r->cg) {
		snprintf(path, sizeof(path), "%s", r->cg->path);
		ret = gb_cgroup_destroy(r->cg, DRAIN_TIMEOUT_MS);
		r->cg = NULL;
		if (ret == -EBUSY) {
			if (!quiet)
				gb_err("processes of sandbox '%s' did not die; its cgroup '%s' and BPF map "
				       "entries are left in place", r->name, path);
			return;
		}
		if (ret < 0 && !quiet)
			gb_warn("cannot remove cgroup '%s': %s", path, strerror(-ret));
	}
	if (r->registered) {
		if (gb_bpf_sandbox_del(&r->bpf, sb_id) < 0 && !quiet)
			gb_warn("cannot remove sandbox '%s' from the BPF maps", r->name);
		r->registered = false;
	}
	gb_net_rules_del(r->netrules);
	r->netrules = NULL;
	if (r->sysaudit || r->fsrules) { /* the backends that count reads */
		uint64_t reads;

		gb_bpf_sys_reads(&r->bpf, sb_id, &reads, true);
	}
	gb_fsrules_del(r->fsrules);
	r->fsrules = NULL;
	if (r->sysaudit)
		gb_bpf_sysaudit_release(&r->bpf);
	r->sysaudit = false;
}

/* A process outside the sandbox that outlives glovebox: if glovebox dies
 * (SIGKILL, crash) before removing the sandbox, nobody would consume its
 * audit stream, so the watchdog kills the sandbox and removes it. It is told
 * through a pipe: a byte means glovebox cleaned up itself; end-of-file
 * without one means glovebox is gone. */
static int start_watchdog(struct sandbox_run *r, uint64_t sb_id)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int ret = -errno;

		close(p[0]);
		close(p[1]);
		return ret;
	}
	if (pid == 0) {
		char c;
		ssize_t n;

		close(p[1]);
		/* Hold no pipe or terminal of glovebox's caller open. */
		n = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (n >= 0) {
			dup2((int)n, 0);
			dup2((int)n, 1);
			dup2((int)n, 2);
			close((int)n);
		}
		setsid(); /* out of the terminal's reach: Ctrl-C is glovebox's to handle */
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			sandbox_remove(r, sb_id, true);
		_exit(0);
	}
	close(p[0]);
	r->watchdog = pid;
	r->watchdog_fd = p[1];
	return 0;
}

/* path made absolute, its directory resolved (the file may not exist). */
static char *absolute_path(const char *path)
{
	char *copy = strdup(path), *dir, *base, *rd, *out = NULL;
	char *slash;

	if (!copy)
		return NULL;
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		dir = copy[0] ? copy : "/";
		base = slash + 1;
	} else {
		dir = ".";
		base = copy;
	}
	rd = realpath(dir, NULL);
	if (rd && asprintf(&out, "%s/%s", strcmp(rd, "/") ? rd : "", base) < 0)
		out = NULL;
	free(rd);
	free(copy);
	return out;
}

int gb_run(const struct gb_run_opts *o)
{
	struct sandbox_run r = { .ring_fd = -1, .epfd = -1, .pidfd = -1, .watchdog_fd = -1, .slot_lock = -1 };
	enum gb_backend backend;
	struct gb_sandbox sb = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	char err[GB_ERR_LEN], workspace[PATH_MAX];
	int pipefd[2] = { -1, -1 };
	int exit_status = GB_EXIT_FAILURE, ret;
	const char *reason = "exit";
	uint64_t start_ns, deadline_ns = 0, sb_id = 0;
	bool timed_out = false, started = false;
	struct child_failure cf;
	ssize_t n;
	pid_t pid;
	json_t *ev;

	/* Policy and workspace: everything that can be wrong with the input is
	 * checked before anything is created. */
	if (!realpath(o->workspace ? o->workspace : ".", workspace)) {
		gb_err("cannot use workspace '%s': %s", o->workspace ? o->workspace : ".", strerror(errno));
		return GB_EXIT_FAILURE;
	}
	{
		struct stat st;

		if (stat(workspace, &st) < 0 || !S_ISDIR(st.st_mode)) {
			gb_err("cannot use workspace '%s': Not a directory", workspace);
			return GB_EXIT_FAILURE;
		}
	}
	if (o->policy)
		ret = gb_policy_load_file(o->policy, workspace, &r.policy, err, sizeof(err));
	else
		ret = gb_policy_load_string(gb_policy_default_text(), "<default>", workspace,
					    &r.policy, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		return GB_EXIT_FAILURE;
	}
	if (o->mode >= 0)
		r.policy->mode = o->mode;
	if (o->timeout_ns) {
		r.policy->wall_ns = o->timeout_ns;
		r.policy->declared[GB_LIMIT_TIME] = true;
	}
	if (o->name) {
		if (!valid_name(o->name)) {
			gb_err("invalid sandbox name '%s': use 1-64 of [A-Za-z0-9._-], not starting with '.'",
			       o->name);
			goto out_free;
		}
		snprintf(r.name, sizeof(r.name), "%s", o->name);
	} else {
		snprintf(r.name, sizeof(r.name), "%s-%d", r.policy->name, (int)getpid());
	}

	ret = gb_backend_choose(o->backend, &backend, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		goto out_free;
	}
	gb_plan(r.policy, backend, r.plan);
	{
		char missing[256] = "", unaudited[256] = "";

		for (int l = 0; l < GB_LIMIT__COUNT; l++) {
			char *list = r.plan[l].status == GB_ST_UNENFORCED ? missing :
				     r.plan[l].status == GB_ST_UNAUDITED ? unaudited : NULL;

			if (!list)
				continue;
			if (list[0])
				strcat(list, ", ");
			strcat(list, gb_limit_name(l));
		}
		if (missing[0] && !o->allow_degraded) {
			gb_err("policy '%s' declares limits this host cannot enforce: %s "
			       "(see 'glovebox doctor'; --allow-degraded runs anyway)",
			       r.policy->source, missing);
			goto out_free;
		}
		if (missing[0])
			gb_warn("running degraded: not enforced: %s", missing);
		if (unaudited[0])
			gb_warn("audit mode on backend %s cannot report decisions of: %s (allowed without a report)",
				gb_backend_name(backend), unaudited);
	}
	/* The sandbox must not be able to rewrite its own audit trail. */
	if (o->audit && strcmp(o->audit, "-") != 0) {
		char *abs = absolute_path(o->audit);

		if (!abs) {
			gb_err("cannot open audit file '%s': %s", o->audit, strerror(errno));
			goto out_free;
		}
		if (backend == GB_BACKEND_LSM) {
			/* Denied by inode and by name: no other side effect. */
			if (gb_policy_add_deny(r.policy, abs, "(audit file)") < 0) {
				free(abs);
				goto out_free;
			}
		} else if (gb_policy_may_write(r.policy, abs)) {
			/* On Landlock a deny would split its directory. */
			gb_warn("audit file '%s' can be written from inside the sandbox (backend landlock); "
				"put it outside the policy's write set", abs);
		}
		free(abs);
	}
	if (backend == GB_BACKEND_LANDLOCK) {
		/* In audit mode this only scopes signals (Landlock cannot report). */
		err[0] = '\0';
		ret = gb_landlock_prepare(r.policy, o->allow_degraded, &r.landlock, err, sizeof(err));
		if (ret < 0) {
			gb_err("%s%s", err[0] ? err : strerror(-ret),
			       ret == -EOPNOTSUPP ? " (--allow-degraded runs anyway, with that entry weaker than declared)" : "");
			goto out_free;
		}
		if (err[0])
			gb_warn("%s", err);
	}
	if (backend == GB_BACKEND_LANDLOCK) {
		/* Escape syscalls are denied in both modes: audit mode relaxes the
		 * policy's limits, never the sandbox boundary. */
		err[0] = '\0';
		ret = gb_seccomp_prepare(r.policy, &r.seccomp, err, sizeof(err));
		if (ret < 0) {
			gb_err("cannot build the seccomp filter: %s", err[0] ? err : strerror(-ret));
			goto out_free;
		}
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	ret = gb_bpf_open(&r.bpf, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		goto out_close;
	}
	r.bpf_open = true;

	ret = gb_cgroup_create(r.name, r.policy->mode == GB_MODE_ENFORCE ? r.policy->max_pids : 0,
			       &r.cg, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		goto out_close;
	}
	sb_id = r.cg->id;

	/* The audit file is created last, so that nothing is left behind when
	 * an earlier step fails. */
	ret = gb_audit_open(&r.audit, o->audit ? o->audit : "-", r.name, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		goto out_teardown;
	}

	start_ns = gb_monotonic_ns();
	if (r.policy->wall_ns)
		deadline_ns = start_ns + r.policy->wall_ns;
	sb.id = sb_id;
	sb.mode = r.policy->mode == GB_MODE_AUDIT ? GB_SB_MODE_AUDIT : GB_SB_MODE_ENFORCE;
	sb.deadline_ns = r.policy->mode == GB_MODE_ENFORCE ? deadline_ns : 0;
	sb.flags = gb_net_sandbox_flags(r.policy);
	if (backend == GB_BACKEND_LANDLOCK)
		sb.flags |= GB_SB_SYSAUDIT;
	if (r.policy->audit_file_reads)
		sb.flags |= GB_SB_FILE_READS;
	ret = gb_net_rules_add(r.bpf.net_rules_fd, sb_id, r.policy, &r.netrules, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		goto out_teardown;
	}
	if (backend == GB_BACKEND_LSM) {
		sb.flags |= gb_fsrules_flags(r.policy);
		ret = gb_fsrules_add(r.bpf.fs_rules_fd, r.bpf.fs_names_fd, sb_id, r.policy, &r.fsrules,
				     err, sizeof(err));
		if (ret < 0) {
			gb_err("%s", err);
			goto out_teardown;
		}
	}
	ret = gb_bpf_sandbox_add(&r.bpf, &sb, &r.ring_fd, &r.slot_lock);
	if (ret < 0) {
		gb_err("cannot register sandbox '%s' in the BPF maps: %s", r.name, strerror(-ret));
		goto out_teardown;
	}
	r.registered = true;
	if (sb.flags & GB_SB_SYSAUDIT) {
		ret = gb_bpf_sysaudit_acquire(&r.bpf, err, sizeof(err));
		if (ret < 0 && !o->allow_degraded) {
			gb_err("%s (file, exec and process decisions could not be audited; "
			       "--allow-degraded runs anyway)", err);
			goto out_teardown;
		}
		if (ret < 0)
			gb_warn("%s: file, exec and process decisions are not audited", err);
		r.sysaudit = ret == 0;
	}
	ret = start_watchdog(&r, sb_id);
	if (ret < 0) {
		gb_err("cannot start the watchdog of sandbox '%s': %s", r.name, strerror(-ret));
		goto out_teardown;
	}
	gb_audit_set_policy(r.audit, r.policy);
	ret = gb_audit_attach_ring(r.audit, r.ring_fd, sb_id);
	if (ret < 0) {
		gb_err("cannot read the audit ring buffer: %s", strerror(-ret));
		goto out_teardown;
	}

	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r.epfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		gb_err("cannot set up event loop: %s", strerror(errno));
		goto out_teardown;
	}

	ev = gb_audit_event(r.audit, "sandbox_start");
	json_object_set_new(ev, "policy", json_string(r.policy->name));
	json_object_set_new(ev, "policy_file", json_string(r.policy->source));
	json_object_set_new(ev, "mode", json_string(gb_mode_name(r.policy->mode)));
	json_object_set_new(ev, "backend", json_string(gb_backend_name(backend)));
	json_object_set_new(ev, "workspace", json_string(workspace));
	json_object_set_new(ev, "cgroup", json_string(r.cg->path));
	json_object_set_new(ev, "cgroup_id", json_integer((json_int_t)sb_id));
	json_object_set_new(ev, "argv", argv_json(o->argv));
	json_object_set_new(ev, "limits", limits_json(r.plan));
	if (r.policy->wall_ns)
		json_object_set_new(ev, "wall_ms", json_integer((json_int_t)(r.policy->wall_ns / 1000000)));
	gb_audit_emit(r.audit, ev);
	gb_audit_flush(r.audit);

	fflush(NULL);
	if (got_signal) { /* interrupted during set-up: the command never starts */
		exit_status = 128 + got_signal;
		reason = "signal";
		goto out_end;
	}
	{
		struct confinement cf = { .cg = r.cg, .landlock = r.landlock, .seccomp = r.seccomp };

		pid = spawn(&cf, o->argv, &r.pidfd, pipefd[1]);
	}
	if (pid < 0) {
		gb_err("cannot start '%s' in cgroup '%s': %s", o->argv[0], r.cg->path, strerror(errno));
		exit_status = GB_EXIT_FAILURE;
		reason = "start_failed";
		goto out_end;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	do
		n = read(pipefd[0], &cf, sizeof(cf));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(cf)) {
		siginfo_t si;

		child_wait(pid, r.pidfd, &si, WEXITED);
		if (cf.stage)
			gb_err("cannot %s for '%s': %s", stage_names[cf.stage % 4], o->argv[0], strerror(cf.err));
		else
			gb_err("cannot run '%s': %s", o->argv[0], strerror(cf.err));
		exit_status = cf.stage ? GB_EXIT_FAILURE : (cf.err == ENOENT ? GB_EXIT_NOTFOUND : GB_EXIT_NOEXEC);
		reason = "exec_failed";
		goto out_end;
	}
	started = true;

	{
		struct epoll_event e = { .events = EPOLLIN };

		e.data.fd = r.pidfd;
		if (r.pidfd >= 0)
			epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.pidfd, &e);
		e.data.fd = gb_audit_ring_epoll_fd(r.audit);
		epoll_ctl(r.epfd, EPOLL_CTL_ADD, e.data.fd, &e);
	}

	for (;;) {
		struct epoll_event evs[4];
		struct gb_sandbox cur;
		siginfo_t si = { 0 };
		int timeout = POLL_MS;
		uint64_t now = gb_monotonic_ns();

		if (deadline_ns && !timed_out) {
			if (now >= deadline_ns) {
				ev = gb_audit_event(r.audit, "timebox");
				json_object_set_new(ev, "action", json_string(
					r.policy->mode == GB_MODE_ENFORCE ? "kill" : "audit"));
				json_object_set_new(ev, "elapsed_ms",
						    json_integer((json_int_t)((now - start_ns) / 1000000)));
				json_object_set_new(ev, "wall_ms",
						    json_integer((json_int_t)(r.policy->wall_ns / 1000000)));
				gb_audit_emit(r.audit, ev);
				timed_out = true;
				if (r.policy->mode == GB_MODE_ENFORCE)
					gb_cgroup_kill(r.cg);
			} else if ((deadline_ns - now) / 1000000 < POLL_MS) {
				timeout = (int)((deadline_ns - now) / 1000000) + 1;
			}
		}
		if (epoll_wait(r.epfd, evs, 4, timeout) < 0 && errno != EINTR) {
			gb_err("event loop failed: %s", strerror(errno));
			gb_cgroup_kill(r.cg);
		}
		gb_audit_consume(r.audit);
		if (gb_bpf_sandbox_get(&r.bpf, sb_id, &cur) == 0)
			gb_audit_lost(r.audit, cur.lost);
		gb_audit_flush(r.audit);

		if (got_signal && strcmp(reason, "signal") != 0) {
			ev = gb_audit_event(r.audit, "interrupted");
			json_object_set_new(ev, "signal", json_integer(got_signal));
			json_object_set_new(ev, "signal_name", json_string(gb_signal_name(got_signal)));
			gb_audit_emit(r.audit, ev);
			reason = "signal";
			gb_cgroup_kill(r.cg);
		}
		if (child_wait(pid, r.pidfd, &si, WEXITED | WNOHANG) == 0 && si.si_pid) {
			exit_status = status_to_exit(si.si_status, si.si_code);
			break;
		}
	}
	if (timed_out && r.policy->mode == GB_MODE_ENFORCE)
		reason = "timebox", exit_status = GB_EXIT_TIMEBOX;
	else if (!strcmp(reason, "signal"))
		exit_status = 128 + got_signal;

out_end:
	/* The command is gone: whatever it left behind dies with the sandbox. */
	gb_cgroup_kill(r.cg);
	for (int waited = 0; gb_cgroup_populated(r.cg) && waited < DRAIN_TIMEOUT_MS; waited += 5)
		gb_sleep_ms(5);
	gb_audit_consume(r.audit);
	{
		struct gb_sandbox cur;

		if (gb_bpf_sandbox_get(&r.bpf, sb_id, &cur) == 0)
			gb_audit_lost(r.audit, cur.lost);
	}
	ev = gb_audit_event(r.audit, "sandbox_end");
	json_object_set_new(ev, "exit_status", json_integer(exit_status));
	json_object_set_new(ev, "reason", json_string(reason));
	json_object_set_new(ev, "started", json_boolean(started));
	json_object_set_new(ev, "counts", gb_audit_counts(r.audit));
	json_object_set_new(ev, "lost", json_integer((json_int_t)gb_audit_lost_total(r.audit)));
	if (r.sysaudit || r.fsrules) {
		uint64_t reads = 0;

		gb_bpf_sys_reads(&r.bpf, sb_id, &reads, false);
		json_object_set_new(ev, "file_reads", json_integer((json_int_t)reads));
	}
	gb_audit_emit(r.audit, ev);
	gb_audit_flush(r.audit);
	ret = 0;
	goto out_cleanup;

out_teardown:
	exit_status = GB_EXIT_FAILURE;
out_cleanup:
	sandbox_remove(&r, sb_id, false);
	if (r.watchdog_fd >= 0) {
		/* Tell the watchdog the sandbox is gone: it exits without acting. */
		if (write(r.watchdog_fd, "d", 1) != 1)
			gb_warn("cannot reach the watchdog of sandbox '%s'", r.name);
		close(r.watchdog_fd);
		waitpid(r.watchdog, NULL, 0);
	}
	if (r.pidfd >= 0)
		close(r.pidfd);
	if (r.epfd >= 0)
		close(r.epfd);
	if (r.ring_fd >= 0)
		close(r.ring_fd);
	if (r.slot_lock >= 0)
		close(r.slot_lock);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
out_close:
	if (r.bpf_open)
		gb_bpf_close(&r.bpf);
	gb_audit_close(r.audit);
out_free:
	gb_landlock_free(r.landlock);
	gb_seccomp_free(r.seccomp);
	gb_policy_free(r.policy);
	return exit_status;
}
