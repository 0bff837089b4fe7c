// SPDX-License-Identifier: MIT
/* Where a launch's time goes: the kernel operations `glovebox run` performs
 * to start and tear down one sandbox, done the same way (same syscalls, same
 * cgroup parent, maps of the same types and sizes) and timed one by one.
 * This mirrors userspace/loader.c, cgroup.c and run.c (ring buffers pooled
 * in slots of an array-of-maps since 69e8ce8; a shared lock on the build
 * held by every run since cbcacc6; a watchdog process per sandbox): when
 * those change, change this too.
 *
 *   phases ITERATIONS TREE_DIR
 *
 * The maps are private (created here, never pinned), so this neither needs
 * nor disturbs the pinned glovebox maps; the sandbox cgroups are created
 * under the real <cgroup2>/glovebox/ parent (named bench-phases-*), where
 * glovebox's cgroup programs are attached, because creating a cgroup under
 * attached programs costs more. TREE_DIR holds directories d00000.. used as
 * Landlock rule paths.
 *
 * Output: "phase <name> <median ns> <p25 ns> <p75 ns>" per phase. */
#include <fcntl.h>
#include <linux/types.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "../bpf/sandbox.h"
#include "../bpf/net.h"

#define MAX_PHASES 40
#define MAX_ITER 1000
#define BUSY_SLOTS 1000
#define STR_(x) #x
#define STR(x) STR_(x)

struct phase {
	const char *name;
	uint64_t v[MAX_ITER];
	int n;
};

static struct phase phases[MAX_PHASES];
static int n_phases;

static void record(const char *name, uint64_t ns)
{
	struct phase *p = NULL;

	for (int i = 0; i < n_phases; i++)
		if (!strcmp(phases[i].name, name))
			p = &phases[i];
	if (!p) {
		if (n_phases == MAX_PHASES)
			die("too many phases");
		p = &phases[n_phases++];
		p->name = name;
	}
	if (p->n < MAX_ITER)
		p->v[p->n++] = ns;
}

#define TIMED(name, stmt)                                                                          \
	do {                                                                                       \
		uint64_t _t0 = now_ns();                                                           \
		stmt;                                                                              \
		record(name, now_ns() - _t0);                                                      \
	} while (0)

/* Mount point of fstype (with option opt for cgroup v1), or "". */
static void find_mount(const char *fstype, const char *opt, char *out, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], type[64], super[1024];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", type, super) != 2 || strcmp(type, fstype))
			continue;
		if (opt && !strstr(super, opt))
			continue;
		snprintf(out, len, "%s", mnt);
		break;
	}
	fclose(f);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n < 0 ? -1 : 0;
}

static uint64_t cgroup_id_of(const char *path)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		die("name_to_handle_at '%s': %s", path, strerror(errno));
	return h.id;
}

/* glovebox's watchdog (run.c, start_watchdog): a child outside the sandbox
 * that waits on a pipe; told through it at teardown, then reaped. */
static pid_t watchdog_start(int *wfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		char c;
		ssize_t n;

		close(p[1]);
		n = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (n >= 0) {
			dup2((int)n, 0);
			dup2((int)n, 1);
			dup2((int)n, 2);
			close((int)n);
		}
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

/* ---- Landlock (ABI 1 rights: enough to show how setup scales) ---- */

#define LL_READ ((1ULL << 2) | (1ULL << 3))          /* READ_FILE | READ_DIR */
#define LL_ALL ((1ULL << 13) - 1)                     /* every ABI 1 fs right */

struct ll_ruleset_attr {
	__u64 handled_access_fs;
};

struct ll_path_beneath {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

static int landlock_available(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* VERSION */) >= 1;
}

/* A ruleset of n rules: every right on "/" (so that the benchmark's own
 * exec is allowed), and a read rule on each of dirs[0..n-1). */
static int landlock_build(char **dirs, int n)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = LL_ALL };
	int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);

	if (fd < 0)
		die("landlock_create_ruleset: %s", strerror(errno));
	for (int i = -1; i < n - 1; i++) {
		struct ll_path_beneath pb = { .allowed_access = i < 0 ? LL_ALL : LL_READ };
		const char *dir = i < 0 ? "/" : dirs[i];

		pb.parent_fd = open(dir, O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0)
			die("cannot open '%s': %s", dir, strerror(errno));
		if (syscall(SYS_landlock_add_rule, fd, 1 /* PATH_BENEATH */, &pb, 0) < 0)
			die("landlock_add_rule '%s': %s", dir, strerror(errno));
		close(pb.parent_fd);
	}
	return fd;
}

/* ---- the launch ---- */

struct maps {
	int sandboxes, rings, rules;
};

static struct maps maps_create(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, lpm, .map_flags = BPF_F_NO_PREALLOC);
	LIBBPF_OPTS(bpf_map_create_opts, outer);
	struct maps m;
	int inner;

	m.sandboxes = bpf_map_create(BPF_MAP_TYPE_HASH, "bench_sandboxes", sizeof(__u64),
				     sizeof(struct gb_sandbox), GB_MAX_SANDBOXES, NULL);
	inner = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bench_ring", 0, 0, GB_RING_SIZE, NULL);
	outer.inner_map_fd = inner;
	m.rings = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "bench_rings", sizeof(__u32),
				 sizeof(__u32), GB_MAX_SANDBOXES, &outer);
	m.rules = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "bench_rules", sizeof(struct gb_net_key),
				 sizeof(struct gb_net_value), GB_NET_MAX_RULES, &lpm);
	if (m.sandboxes < 0 || inner < 0 || m.rings < 0 || m.rules < 0)
		die("cannot create the benchmark's maps: %s", strerror(errno));
	close(inner);
	return m;
}

static void rule_key(struct gb_net_key *k, uint64_t sb, int i)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = GB_NET_KEY_BASE + 128;
	k->sandbox = sb;
	k->op = GB_NET_OP_CONNECT;
	k->addr[10] = k->addr[11] = 0xff;
	k->addr[12] = 10;
	k->addr[13] = (uint8_t)(i >> 16);
	k->addr[14] = (uint8_t)(i >> 8);
	k->addr[15] = (uint8_t)i;
}

static void rules_add(const struct maps *m, uint64_t sb, int n)
{
	struct gb_net_value v = { .n = 1, .ports[0] = { .lo = 443, .hi = 443, .proto = 6 } };
	struct gb_net_key k;

	for (int i = 0; i < n; i++) {
		rule_key(&k, sb, i);
		v.ports[0].rule = (__u16)i;
		if (bpf_map_update_elem(m->rules, &k, &v, BPF_NOEXIST) < 0)
			die("LPM update: %s", strerror(errno));
	}
}

static void rules_del(const struct maps *m, uint64_t sb, int n)
{
	struct gb_net_key k;

	for (int i = 0; i < n; i++) {
		rule_key(&k, sb, i);
		bpf_map_delete_elem(m->rules, &k);
	}
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	return 0;
}

/* fork + exec /bin/true + wait, the plain way. */
static void spawn_plain(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
}

/* userspace/seccomp.c, gb_boundary_caps_drop: capabilities that reach
 * outside the sandbox leave the bounding, effective, permitted and
 * inheritable sets. */
static int boundary_caps_drop(void)
{
	static const int caps[] = { 12, 16, 17, 21, 22, 25, 27, 30, 32, 33, 38, 39 };
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (prctl(PR_CAPBSET_DROP, caps[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		__u32 bit = 1u << (caps[i] % 32);

		data[caps[i] / 32].effective &= ~bit;
		data[caps[i] / 32].permitted &= ~bit;
		data[caps[i] / 32].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

/* glovebox's way: clone3 straight into the cgroup with a pidfd, the child
 * joins the pids v1 cgroup (if any) and reports how long that took through
 * a pipe, which closes on exec (CLOEXEC), telling the parent exec
 * happened. Optionally the child applies a Landlock ruleset first. */
static void spawn_glovebox(int cg_fd, int pids_procs_fd, int ll_fd)
{
	int pipefd[2], pidfd = -1;
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP | CLONE_PIDFD,
		.pidfd = (__u64)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = (__u64)cg_fd,
	};
	uint64_t t0, child[3] = { 0, 0, 0 };
	siginfo_t si;
	long pid;
	char c;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe2: %s", strerror(errno));
	t0 = now_ns();
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		die("clone3: %s", strerror(errno));
	if (pid == 0) {
		uint64_t c0 = now_ns();

		if (pids_procs_fd >= 0 && write(pids_procs_fd, "0", 1) != 1)
			_exit(125);
		child[0] = now_ns() - c0;
		/* run.c's spawn(): a session of its own (no TIOCSTI into the
		 * terminal), then, on the landlock backend, the boundary
		 * capabilities dropped before seccomp (gb_boundary_caps_drop). */
		c0 = now_ns();
		setsid();
		if (boundary_caps_drop() < 0)
			_exit(125);
		child[2] = now_ns() - c0;
		if (ll_fd >= 0) {
			c0 = now_ns();
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
			    syscall(SYS_landlock_restrict_self, ll_fd, 0) < 0)
				_exit(125);
			child[1] = now_ns() - c0;
		}
		if (write(pipefd[1], child, sizeof(child)) != sizeof(child))
			_exit(125);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], child, sizeof(child)) != sizeof(child))
		die("the child failed before exec");
	while (read(pipefd[0], &c, 1) > 0) /* EOF: exec'd (the pipe is CLOEXEC) */
		;
	close(pipefd[0]);
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 || si.si_code != CLD_EXITED || si.si_status)
		die("the sandboxed /bin/true failed (code %d, status %d)", si.si_code, si.si_status);
	close(pidfd);
	record(ll_fd >= 0 ? "spawn: clone3 into cgroup + landlock + exec + wait" :
			    "spawn: clone3 into cgroup + exec + wait",
	       now_ns() - t0);
	if (pids_procs_fd >= 0)
		record(ll_fd >= 0 ? "spawn: child joins pids v1 cgroup, 2nd task (in spawn)" :
				    "spawn: child joins pids v1 cgroup, 1st task (in spawn)", child[0]);
	if (ll_fd >= 0)
		record("spawn: child landlock_restrict_self (in spawn)", child[1]);
	record("spawn: child setsid + boundary capability drop (in spawn)", child[2]);
}

int main(int argc, char **argv)
{
	char cg2[1024], pidsmnt[1024], parent[1200], pids_parent[1200];
	char path[1400], ppath[1400], buf[256], lockdir[128];
	static char *dirs[10000];
	int iters, ll = 0, has_pids_v1;
	struct maps m;

	if (argc != 3) {
		fprintf(stderr, "usage: phases ITERATIONS TREE_DIR\n");
		return 2;
	}
	iters = (int)parse_num(argv[1], 1, MAX_ITER, "iterations");
	for (int i = 0; i < 10000; i++) {
		if (asprintf(&dirs[i], "%s/d%05d", argv[2], i) < 0)
			die("out of memory");
	}
	find_mount("cgroup2", NULL, cg2, sizeof(cg2));
	if (!cg2[0])
		die("no cgroup2 mount");
	snprintf(parent, sizeof(parent), "%s/glovebox", cg2);
	mkdir(parent, 0755);
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cg2);
	read_str(path, buf, sizeof(buf));
	find_mount("cgroup", "pids", pidsmnt, sizeof(pidsmnt));
	has_pids_v1 = !strstr(buf, "pids") && pidsmnt[0];
	snprintf(pids_parent, sizeof(pids_parent), "%s/glovebox", pidsmnt);
	if (has_pids_v1)
		mkdir(pids_parent, 0755);
	ll = landlock_available();
	printf("info pids_v1 %d\ninfo landlock %d\n", has_pids_v1, ll);
	m = maps_create();
	/* Ring slot lock files, private to this run (glovebox's are in /run/glovebox/rings). */
	snprintf(lockdir, sizeof(lockdir), "/run/glovebox-bench-%d", (int)getpid());
	if (mkdir(lockdir, 0700) < 0)
		die("mkdir '%s': %s", lockdir, strerror(errno));

	for (int it = -1; it < iters; it++) {
		struct gb_sandbox sb = { 0 };
		struct ring_buffer *rb = NULL;
		int cg_fd, pids_fd = -1, ring, epfd, ll_fd = -1, slot_lock, use_lock, wd_fd;
		uint64_t id = 0;
		pid_t wd;
		__u32 slot;

		if (it == 0) /* iteration -1 warms caches and is not kept */
			for (int i = 0; i < n_phases; i++)
				phases[i].n = 0;
		/* gb_bpf_open: a shared lock on the build's use-lock file, held
		 * until the run ends (`glovebox unload` takes it exclusively). */
		TIMED("build use lock: mkdir + open + flock shared", {
			char p[256];

			if (mkdir(lockdir, 0700) < 0 && errno != EEXIST)
				die("mkdir '%s': %s", lockdir, strerror(errno));
			snprintf(p, sizeof(p), "%s/builds", lockdir);
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				die("mkdir '%s': %s", p, strerror(errno));
			snprintf(p, sizeof(p), "%s/builds/build", lockdir);
			use_lock = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (use_lock < 0 || flock(use_lock, LOCK_SH) < 0)
				die("use lock '%s': %s", p, strerror(errno));
		});
		snprintf(path, sizeof(path), "%s/bench-phases-%d-%d", parent, (int)getpid(), it + 1);
		TIMED("cgroup v2: mkdir + open + id", {
			if (mkdir(path, 0755) < 0)
				die("mkdir '%s': %s", path, strerror(errno));
			cg_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			id = cgroup_id_of(path);
		});
		if (has_pids_v1) {
			snprintf(ppath, sizeof(ppath), "%s/bench-phases-%d-%d", pids_parent, (int)getpid(), it + 1);
			TIMED("pids v1: mkdir + pids.max + open procs", {
				char p[1500];

				if (mkdir(ppath, 0755) < 0)
					die("mkdir '%s': %s", ppath, strerror(errno));
				snprintf(p, sizeof(p), "%s/pids.max", ppath);
				write_str(p, "1024");
				snprintf(p, sizeof(p), "%s/cgroup.procs", ppath);
				pids_fd = open(p, O_WRONLY | O_CLOEXEC);
			});
		}
		/* A slot's first use creates its ring and stores it in the
		 * array-of-maps (an RCU wait); later sandboxes in that slot
		 * look it up. With no other sandbox glovebox claims slot 0,
		 * whose lock file exists after the first run ever: the claim
		 * opens an existing file (iteration -1 creates it here), while
		 * the array index is a fresh one per iteration. */
		slot = (__u32)(it + 1);
		TIMED("ring slot claim: open + flock lock file (no other sandbox)", {
			char p[256];

			snprintf(p, sizeof(p), "%s/0", lockdir);
			slot_lock = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (slot_lock < 0 || flock(slot_lock, LOCK_EX | LOCK_NB) < 0)
				die("slot lock '%s': %s", p, strerror(errno));
		});
		TIMED("ring slot, first use: ring buffer create (1 MiB)",
		      ring = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bench_ring", 0, 0, GB_RING_SIZE, NULL));
		if (ring < 0)
			die("ring buffer: %s", strerror(errno));
		TIMED("ring slot, first use: gb_rings update (array-of-maps)",
		      if (bpf_map_update_elem(m.rings, &slot, &ring, BPF_ANY) < 0)
			      die("rings update: %s", strerror(errno)));
		close(ring);
		TIMED("ring slot, reuse: gb_rings lookup + map fd by id", {
			__u32 map_id;

			if (bpf_map_lookup_elem(m.rings, &slot, &map_id) < 0)
				die("rings lookup: %s", strerror(errno));
			ring = bpf_map_get_fd_by_id(map_id);
		});
		if (ring < 0)
			die("ring buffer by id: %s", strerror(errno));
		sb.id = id;
		TIMED("maps: gb_sandboxes insert",
		      if (bpf_map_update_elem(m.sandboxes, &id, &sb, BPF_NOEXIST) < 0)
			      die("sandboxes update: %s", strerror(errno)));
		TIMED("watchdog: pipe + fork", wd = watchdog_start(&wd_fd));
		TIMED("maps: 10 network rules insert (LPM)", rules_add(&m, id, 10));
		TIMED("maps: 10 network rules delete (LPM)", rules_del(&m, id, 10));
		if (it < 5) { /* the big ones a few times only */
			TIMED("maps: 1000 network rules insert (LPM)", rules_add(&m, id, 1000));
			TIMED("maps: 1000 network rules delete (LPM)", rules_del(&m, id, 1000));
			TIMED("maps: 10000 network rules insert (LPM)", rules_add(&m, id, 10000));
			TIMED("maps: 10000 network rules delete (LPM)", rules_del(&m, id, 10000));
		}
		TIMED("audit: ring consumer setup (mmap + epoll)", {
			rb = ring_buffer__new(ring, ring_cb, NULL, NULL);
			epfd = epoll_create1(EPOLL_CLOEXEC);
		});
		if (ll) {
			int fd;

			TIMED("landlock: ruleset with 25 path rules", fd = landlock_build(dirs, 25));
			close(fd);
			if (it < 5) {
				TIMED("landlock: ruleset with 1000 path rules", fd = landlock_build(dirs, 1000));
				close(fd);
				TIMED("landlock: ruleset with 10000 path rules", fd = landlock_build(dirs, 10000));
				close(fd);
			}
			ll_fd = landlock_build(dirs, 25);
		}
		TIMED("spawn: fork + exec + wait, bare (reference)", spawn_plain());
		/* The first task into a fresh cgroup as glovebox does; then one
		 * more with a Landlock domain (a second task: its pids v1 join
		 * is not the first one). */
		spawn_glovebox(cg_fd, pids_fd, -1);
		if (ll_fd >= 0)
			spawn_glovebox(cg_fd, pids_fd, ll_fd);
		TIMED("teardown: cgroup.kill + cgroup.events", {
			char p[1500];

			snprintf(p, sizeof(p), "%s/cgroup.kill", path);
			write_str(p, "1");
			snprintf(p, sizeof(p), "%s/cgroup.events", path);
			read_str(p, buf, sizeof(buf));
		});
		TIMED("teardown: gb_sandboxes delete", bpf_map_delete_elem(m.sandboxes, &id));
		TIMED("teardown: tell the watchdog + waitpid", {
			if (write(wd_fd, "d", 1) != 1)
				die("watchdog pipe: %s", strerror(errno));
			close(wd_fd);
			waitpid(wd, NULL, 0);
		});
		TIMED("teardown: ring consumer + ring close + slot unlock", {
			ring_buffer__free(rb);
			close(epfd);
			close(ring);
			close(slot_lock);
		});
		close(use_lock);
		TIMED("teardown: rmdir cgroups", {
			if (pids_fd >= 0)
				close(pids_fd);
			close(cg_fd);
			if (rmdir(path) < 0)
				die("rmdir '%s': %s", path, strerror(errno));
			if (has_pids_v1 && rmdir(ppath) < 0)
				die("rmdir '%s': %s", ppath, strerror(errno));
		});
		if (ll_fd >= 0)
			close(ll_fd);
	}
	/* glovebox claims the first slot whose lock file it can lock: with K
	 * sandboxes running that is K+1 open/flock/close (of existing files:
	 * creating one costs more, e.g. on an ext4 /run). */
	{
		static int held[BUSY_SLOTS];
		struct rlimit rl = { BUSY_SLOTS + 256, BUSY_SLOTS + 256 };

		setrlimit(RLIMIT_NOFILE, &rl);
		for (int i = 0; i < BUSY_SLOTS; i++) {
			snprintf(path, sizeof(path), "%s/%d", lockdir, i);
			held[i] = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (held[i] < 0 || flock(held[i], LOCK_EX | LOCK_NB) < 0)
				die("slot lock '%s': %s", path, strerror(errno));
		}
		/* The free slot's lock file exists too (a slot used before). */
		snprintf(path, sizeof(path), "%s/%d", lockdir, BUSY_SLOTS);
		{
			int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

			if (fd < 0)
				die("slot lock '%s': %s", path, strerror(errno));
			close(fd);
		}
		for (int it = 0; it < iters; it++)
			TIMED("ring slot claim: scan past " STR(BUSY_SLOTS) " busy slots", {
				for (int i = 0;; i++) {
					int fd;

					snprintf(path, sizeof(path), "%s/%d", lockdir, i);
					fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
					if (fd < 0)
						die("slot lock '%s': %s", path, strerror(errno));
					if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
						close(fd);
						break;
					}
					close(fd);
				}
			});
		for (int i = 0; i < BUSY_SLOTS; i++)
			close(held[i]);
	}
	for (int i = 0; i <= BUSY_SLOTS + iters + 1; i++) {
		snprintf(path, sizeof(path), "%s/%d", lockdir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/builds/build", lockdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/builds", lockdir);
	rmdir(path);
	rmdir(lockdir);
	for (int i = 0; i < n_phases; i++) {
		struct phase *p = &phases[i];
		uint64_t med;

		if (!p->n)
			continue;
		med = median_u64(p->v, (size_t)p->n);
		printf("phase %s\t%llu\t%llu\t%llu\t%d\n", p->name, (unsigned long long)med,
		       (unsigned long long)p->v[p->n / 4], (unsigned long long)p->v[(3 * p->n) / 4],
		       p->n);
	}
	return 0;
}
