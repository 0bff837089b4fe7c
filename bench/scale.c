// SPDX-License-Identifier: MIT
/* Many sandboxes at once: start N `glovebox run` processes, each with its
 * own policy and a sleeping task, measure how fast they come up and what
 * they cost in memory, hold them until told, then stop them and check that
 * every one was cleaned up.
 *
 *   scale N GLOVEBOX GEN POLICY_DIR WORKSPACE PIN_DIR TMP_DIR
 *
 * Sandbox i runs `GEN sleep TMP_DIR/ready` under POLICY_DIR/scale-<i>.json,
 * named bench-scale-<pid>-<i>. GEN writes one byte to that FIFO (the policy
 * must let it write there) once it runs inside its sandbox: N bytes read =
 * N sandboxes up. Then
 * scale prints "ready" and waits for a line on stdin (the harness measures
 * things meanwhile), sends SIGTERM to every glovebox (as a user's ^C would)
 * and waits for them to exit.
 *
 * Output: "key value" lines (see the printf calls). */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include "common.h"
#include "../bpf/sandbox.h"
#include "../bpf/net.h"

#define START_TIMEOUT_S 300
#define STOP_TIMEOUT_S 120

struct meminfo {
	long long avail, slab, sunreclaim, vmalloc, percpu, kstack, pagetables;
};

static struct meminfo meminfo(void)
{
	struct meminfo m = { 0 };
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		long long v;
		char key[64];

		if (sscanf(line, "%63[^:]: %lld", key, &v) != 2)
			continue;
		if (!strcmp(key, "MemAvailable"))
			m.avail = v;
		else if (!strcmp(key, "Slab"))
			m.slab = v;
		else if (!strcmp(key, "SUnreclaim"))
			m.sunreclaim = v;
		else if (!strcmp(key, "VmallocUsed"))
			m.vmalloc = v;
		else if (!strcmp(key, "Percpu"))
			m.percpu = v;
		else if (!strcmp(key, "KernelStack"))
			m.kstack = v;
		else if (!strcmp(key, "PageTables"))
			m.pagetables = v;
	}
	if (f)
		fclose(f);
	return m;
}

/* Sum of the "memlock" of every BPF map whose name starts with "gb_" (kB),
 * how many of them are ring buffers, and the ring buffers' part (kB). */
static void bpf_map_mem(long long *kb, int *rings, long long *ring_kb)
{
	__u32 id = 0;

	*kb = 0;
	*rings = 0;
	*ring_kb = 0;
	while (bpf_map_get_next_id(id, &id) == 0) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);
		char p[64], line[256];
		FILE *f;
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || strncmp(info.name, "gb_", 3)) {
			close(fd);
			continue;
		}
		if (info.type == BPF_MAP_TYPE_RINGBUF)
			(*rings)++;
		snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
		f = fopen(p, "re");
		while (f && fgets(line, sizeof(line), f)) {
			long long v;

			if (sscanf(line, "memlock: %lld", &v) == 1) {
				*kb += v / 1024;
				if (info.type == BPF_MAP_TYPE_RINGBUF)
					*ring_kb += v / 1024;
			}
		}
		if (f)
			fclose(f);
		close(fd);
	}
}

/* Rss and Pss of a process, kB. */
static void rss_pss(pid_t pid, long long *rss, long long *pss)
{
	char p[64], line[256];
	FILE *f;

	*rss = *pss = 0;
	snprintf(p, sizeof(p), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(p, "re");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "Rss: %lld", rss);
		sscanf(line, "Pss: %lld", pss);
	}
	if (f)
		fclose(f);
}

/* The agent is each glovebox process and its helpers (children that are
 * glovebox too, e.g. a watchdog), not the sandboxed command. Adds their
 * Rss and Pss to the totals and returns how many helpers there were. */
static int helpers_rss_pss(const pid_t *kids, int n, long long *rss, long long *pss)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int count = 0;

	while (d && (de = readdir(d))) {
		char p[300], buf[512], comm[64];
		long long r, q;
		int ppid;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/stat", de->d_name);
		f = fopen(p, "re");
		if (!f)
			continue;
		if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%*d (%63[^)]) %*c %d", comm, &ppid) != 2) {
			fclose(f);
			continue;
		}
		fclose(f);
		if (strcmp(comm, "glovebox"))
			continue;
		for (int i = 0; i < n; i++) {
			if (kids[i] && kids[i] == ppid) {
				rss_pss((pid_t)atoi(de->d_name), &r, &q);
				*rss += r;
				*pss += q;
				count++;
				break;
			}
		}
	}
	if (d)
		closedir(d);
	return count;
}

static void find_mount(const char *fstype, const char *opt, char *out, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	out[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
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
	if (f)
		fclose(f);
}

static uint64_t cgroup_id_of(const char *path)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return 0;
	return h.id;
}

/* Ring slots whose lock file someone holds (glovebox pools ring buffers in
 * slots claimed by flock on /run/glovebox/rings/N). Probing takes each free
 * lock for an instant, which only makes a concurrent launch skip a slot. */
static int slots_held(void)
{
	char p[300];
	struct dirent *de;
	DIR *d = opendir("/run/glovebox/rings");
	int held = 0;

	while (d && (de = readdir(d))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/run/glovebox/rings/%s", de->d_name);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			held++;
		close(fd);
	}
	if (d)
		closedir(d);
	return held;
}

static int pinned(const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return bpf_obj_get(p);
}

static int cmp_u64p(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	char cg2[1024], pids[1024], path[1400], line[64], fifo[1100];
	const char *gb, *gen, *poldir, *ws, *pindir, *tmp;
	int n, readyfd, up = 0, failed = 0, exited = 0;
	struct meminfo m0, m1, m2;
	long long kb0, kb1, kb2, rkb0, rkb1, rkb2, rss = 0, pss = 0;
	int rings0, rings1, rings2, slots0, slots1;
	uint64_t t0, t_first = 0, t_all = 0, t_stop0, *ids;
	pid_t *kids;
	char **names;

	if (argc != 8) {
		fprintf(stderr, "usage: scale N GLOVEBOX GEN POLICY_DIR WORKSPACE PIN_DIR TMP_DIR\n");
		return 2;
	}
	n = (int)parse_num(argv[1], 1, GB_MAX_SANDBOXES, "sandboxes");
	gb = argv[2], gen = argv[3], poldir = argv[4], ws = argv[5], pindir = argv[6], tmp = argv[7];
	find_mount("cgroup2", NULL, cg2, sizeof(cg2));
	find_mount("cgroup", "pids", pids, sizeof(pids));
	kids = calloc((size_t)n, sizeof(*kids));
	ids = calloc((size_t)n, sizeof(*ids));
	names = calloc((size_t)n, sizeof(*names));
	if (!kids || !ids || !names)
		die("out of memory");
	snprintf(fifo, sizeof(fifo), "%s/ready", tmp);
	unlink(fifo);
	/* Held open for reading and writing: never EOF, never blocks a writer. */
	if (mkfifo(fifo, 0600) < 0 || (readyfd = open(fifo, O_RDWR | O_CLOEXEC)) < 0)
		die("cannot create FIFO '%s': %s", fifo, strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	m0 = meminfo();
	bpf_map_mem(&kb0, &rings0, &rkb0);
	slots0 = slots_held();
	t0 = now_ns();
	for (int i = 0; i < n; i++) {
		if (asprintf(&names[i], "bench-scale-%d-%d", (int)getpid(), i) < 0)
			die("out of memory");
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork: %s", strerror(errno));
		if (kids[i] == 0) {
			char pol[1024], audit[1024];
			int null = open("/dev/null", O_RDWR);

			snprintf(pol, sizeof(pol), "%s/scale-%d.json", poldir, i);
			snprintf(audit, sizeof(audit), "%s/scale-%d.jsonl", tmp, i);
			dup2(null, 0);
			dup2(null, 1);
			execl(gb, gb, "run", "--name", names[i], "--policy", pol, "--workspace", ws,
			      "--audit", audit, "--timeout", "10m", "--", gen, "sleep", fifo, (char *)NULL);
			_exit(127);
		}
	}
	printf("spawned_s %.3f\n", (double)(now_ns() - t0) / 1e9);
	while (up + failed < n) {
		struct pollfd p = { .fd = readyfd, .events = POLLIN };
		char buf[256];
		int st;
		pid_t k;

		if ((now_ns() - t0) / 1000000000ull > START_TIMEOUT_S)
			break;
		if (poll(&p, 1, 100) > 0) {
			ssize_t r = read(readyfd, buf, sizeof(buf));

			if (r > 0) {
				if (!up)
					t_first = now_ns() - t0;
				up += (int)r;
				if (up + failed >= n)
					t_all = now_ns() - t0;
			}
		}
		while ((k = waitpid(-1, &st, WNOHANG)) > 0) {
			for (int i = 0; i < n; i++)
				if (kids[i] == k) {
					kids[i] = 0;
					failed++;
					fprintf(stderr, "scale: sandbox %d exited early (status %#x); see %s/scale-%d.jsonl\n",
						i, st, tmp, i);
				}
		}
	}
	if (!t_all)
		t_all = now_ns() - t0;
	printf("requested %d\nup %d\nfailed %d\n", n, up, failed);
	printf("first_up_s %.3f\nall_up_s %.3f\nlaunch_rate %.1f\n", (double)t_first / 1e9,
	       (double)t_all / 1e9, (double)up * 1e9 / (double)t_all);
	fflush(stdout);

	/* Let the last ones finish their start-up before measuring memory. */
	sleep(2);
	m1 = meminfo();
	bpf_map_mem(&kb1, &rings1, &rkb1);
	for (int i = 0; i < n; i++) {
		long long r, p;

		if (!kids[i])
			continue;
		rss_pss(kids[i], &r, &p);
		rss += r;
		pss += p;
		snprintf(path, sizeof(path), "%s/glovebox/%s", cg2, names[i]);
		ids[i] = cgroup_id_of(path);
	}
	printf("mem_avail_delta_kb %lld\nslab_delta_kb %lld\nsunreclaim_delta_kb %lld\n"
	       "vmalloc_delta_kb %lld\npercpu_delta_kb %lld\nkstack_delta_kb %lld\npagetables_delta_kb %lld\n",
	       m0.avail - m1.avail, m1.slab - m0.slab, m1.sunreclaim - m0.sunreclaim,
	       m1.vmalloc - m0.vmalloc, m1.percpu - m0.percpu, m1.kstack - m0.kstack,
	       m1.pagetables - m0.pagetables);
	printf("bpf_memlock_delta_kb %lld\nring_maps_delta %d\n", kb1 - kb0, rings1 - rings0);
	printf("ring_maps %d\nring_kb_each %lld\nbpf_other_delta_kb %lld\n", rings1,
	       rings1 ? rkb1 / rings1 : 0, (kb1 - rkb1) - (kb0 - rkb0));
	printf("agent_helpers %d\n", helpers_rss_pss(kids, n, &rss, &pss));
	printf("agent_rss_kb_total %lld\nagent_pss_kb_total %lld\n", rss, pss);
	printf("ready\n");
	fflush(stdout);

	/* The harness measures while the sandboxes exist, then sends a line. */
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;

	t_stop0 = now_ns();
	for (int i = 0; i < n; i++)
		if (kids[i])
			kill(kids[i], SIGTERM);
	for (;;) {
		int st;
		pid_t k = waitpid(-1, &st, WNOHANG);

		if (k > 0) {
			exited++;
			continue;
		}
		if (k < 0 || (now_ns() - t_stop0) / 1000000000ull > STOP_TIMEOUT_S)
			break;
		usleep(2000);
	}
	printf("stop_s %.3f\nexited %d\n", (double)(now_ns() - t_stop0) / 1e9, exited);

	/* Cleanup check: cgroup dirs, pids v1 dirs, map entries. */
	{
		int left_cg = 0, left_pids = 0, left_sb = 0, left_ring = 0, left_rules = 0;
		int sb_fd = pinned(pindir, "gb_sandboxes"), ring_fd = pinned(pindir, "gb_rings");
		int rules_fd = pinned(pindir, "gb_net_rules");
		struct bpf_map_info rinfo = { 0 };
		__u32 rlen = sizeof(rinfo);
		struct gb_sandbox sb;
		struct gb_net_key k, next;
		bool first = true, by_id;
		__u32 inner;

		/* gb_rings keyed by sandbox id (one ring per sandbox), or by
		 * slot (a pool: rings stay, the slot's lock is released). */
		by_id = ring_fd >= 0 && !bpf_obj_get_info_by_fd(ring_fd, &rinfo, &rlen) && rinfo.key_size == 8;
		slots1 = slots_held();

		qsort(ids, (size_t)n, sizeof(*ids), cmp_u64p);
		for (int i = 0; i < n; i++) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/glovebox/%s", cg2, names[i]);
			left_cg += stat(path, &st) == 0;
			if (pids[0]) {
				snprintf(path, sizeof(path), "%s/glovebox/%s", pids, names[i]);
				left_pids += stat(path, &st) == 0;
			}
			if (ids[i] && sb_fd >= 0 && bpf_map_lookup_elem(sb_fd, &ids[i], &sb) == 0)
				left_sb++;
			if (by_id && ids[i] && bpf_map_lookup_elem(ring_fd, &ids[i], &inner) == 0)
				left_ring++;
		}
		while (rules_fd >= 0 && bpf_map_get_next_key(rules_fd, first ? NULL : &k, &next) == 0) {
			uint64_t s = next.sandbox;

			if (bsearch(&s, ids, (size_t)n, sizeof(*ids), cmp_u64p))
				left_rules++;
			k = next;
			first = false;
		}
		{
			int known = 0;

			for (int i = 0; i < n; i++)
				known += ids[i] != 0;
			printf("ids_known %d\n", known);
		}
		if (!by_id)
			left_ring = slots1 > slots0 ? slots1 - slots0 : 0;
		printf("rings_by %s\n", by_id ? "id" : "slot");
		printf("left_cgroups %d\nleft_pids_cgroups %d\nleft_sandbox_entries %d\n"
		       "left_ring_entries %d\nleft_rule_entries %d\nmaps_checked %d\n",
		       left_cg, left_pids, left_sb, left_ring, left_rules,
		       sb_fd >= 0 && ring_fd >= 0 && rules_fd >= 0);
	}
	close(readyfd);
	unlink(fifo);
	sleep(5); /* maps and their pages are freed asynchronously */
	m2 = meminfo();
	bpf_map_mem(&kb2, &rings2, &rkb2);
	printf("mem_avail_after_kb %lld\nbpf_memlock_after_delta_kb %lld\nring_maps_after_delta %d\n",
	       m0.avail - m2.avail, kb2 - kb0, rings2 - rings0);
	return 0;
}
