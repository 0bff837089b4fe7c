// SPDX-License-Identifier: MIT
/* Time spent in glovebox's BPF programs while a command runs: turns on the
 * kernel's BPF run-time statistics (BPF_ENABLE_STATS, off again when this
 * exits), runs the command, and prints per program how often it ran and for
 * how long.
 *
 *   progstat CMD [ARGS...]
 *
 * Programs are glovebox's by name: tp_*, cg_*, lsm_*. The statistics
 * themselves cost two clock reads per program run, so this is a separate
 * pass, never mixed with the timed ones.
 *
 * Output: "prog <name> <runs> <total ns>" per program that ran, summed over
 * every loaded copy (several builds may be loaded). */
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common.h"

#define MAX_PROGS 1024

struct prog {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	__u64 cnt, ns;
};

static bool ours(const char *name)
{
	return !strncmp(name, "tp_", 3) || !strncmp(name, "cg_", 3) || !strncmp(name, "lsm_", 4);
}

static int snapshot(struct prog *p)
{
	__u32 id = 0;
	int n = 0;

	while (n < MAX_PROGS && bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && ours(info.name)) {
			p[n].id = id;
			memcpy(p[n].name, info.name, sizeof(p[n].name));
			p[n].cnt = info.run_cnt;
			p[n].ns = info.run_time_ns;
			n++;
		}
		close(fd);
	}
	return n;
}

int main(int argc, char **argv)
{
	static struct prog before[MAX_PROGS], after[MAX_PROGS];
	int nb, na, stats, st;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: progstat CMD [ARGS...]\n");
		return 2;
	}
	stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats < 0)
		die("cannot enable BPF run-time statistics: %s", strerror(errno));
	nb = snapshot(before);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("'%s' failed (status %#x)", argv[1], st);
	na = snapshot(after);
	close(stats);
	/* Sum by name over every loaded copy. */
	for (int i = 0; i < na; i++) {
		__u64 cnt = after[i].cnt, ns = after[i].ns;

		if (!after[i].name[0])
			continue;
		for (int j = 0; j < nb; j++)
			if (before[j].id == after[i].id) {
				cnt -= before[j].cnt;
				ns -= before[j].ns;
			}
		for (int k = i + 1; k < na; k++) {
			if (strcmp(after[k].name, after[i].name))
				continue;
			__u64 c = after[k].cnt, t = after[k].ns;

			for (int j = 0; j < nb; j++)
				if (before[j].id == after[k].id) {
					c -= before[j].cnt;
					t -= before[j].ns;
				}
			cnt += c;
			ns += t;
			after[k].name[0] = 0;
		}
		if (cnt)
			printf("prog %s %llu %llu\n", after[i].name, (unsigned long long)cnt,
			       (unsigned long long)ns);
	}
	return 0;
}
