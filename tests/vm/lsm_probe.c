// SPDX-License-Identifier: GPL-2.0
/*
 * lsm_probe - userspace half of lsm_probe.bpf.c.
 *
 * Core check: load + attach lsm/file_open, then
 *   - opening an allowed file succeeds and is counted,
 *   - opening a file whose inode is in deny_inodes fails with EPERM,
 *   - the denial arrives through the ring buffer with the file's d_path,
 *   - after detaching, the same open succeeds again.
 * Prints "LSM-PROBE OK" or "LSM-PROBE FAIL: <reason>" (exit 1).
 *
 * Then, unless --core-only, each other program is loaded and exercised on
 * its own and reported as "FEATURE <name>: OK" or "FEATURE <name>: FAIL: ...".
 * Feature failures only change the exit status with --strict (exit 2).
 *
 * Usage: lsm_probe [--core-only] [--strict] [--verbose] [TMPDIR]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lsm_probe.skel.h"

#define PORT_CGROUP 40001
#define PORT_LSM 40002
#define PORT_ALLOWED 40003

static bool verbose;
static char tmpdir[256] = "/tmp";
static char deny_path[512];
static char allow_path[512];

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Open the skeleton with only the named program set to load. */
static struct lsm_probe_bpf *open_only(const char *prog_name, char *why, size_t whylen)
{
	struct lsm_probe_bpf *skel;
	struct bpf_program *prog;
	bool found = false;
	int err;

	skel = lsm_probe_bpf__open();
	if (!skel) {
		snprintf(why, whylen, "skeleton open failed: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->target_tgid = (__u32)getpid();
	skel->rodata->deny_port_cgroup = htons(PORT_CGROUP);
	skel->rodata->deny_port_lsm = htons(PORT_LSM);

	bpf_object__for_each_program(prog, skel->obj) {
		bool want = strcmp(bpf_program__name(prog), prog_name) == 0;

		bpf_program__set_autoload(prog, want);
		found |= want;
	}
	if (!found) {
		snprintf(why, whylen, "no program named %s", prog_name);
		lsm_probe_bpf__destroy(skel);
		return NULL;
	}
	err = lsm_probe_bpf__load(skel);
	if (err) {
		snprintf(why, whylen, "load failed: %s (run with --verbose for the verifier log)",
			 strerror(-err));
		lsm_probe_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static struct bpf_program *find_prog(struct lsm_probe_bpf *skel, const char *name)
{
	return bpf_object__find_program_by_name(skel->obj, name);
}

static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int write_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	if (write(fd, "x\n", 2) != 2) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

struct rb_ctx {
	int events;
	__u64 ino;
	int path_len;
	char path[256];
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct rb_ctx *c = ctx;
	const struct {
		__u32 tgid;
		__s32 path_len;
		__u64 ino;
		char path[256];
	} *ev = data;

	if (size < sizeof(*ev))
		return 0;
	c->events++;
	c->ino = ev->ino;
	c->path_len = ev->path_len;
	snprintf(c->path, sizeof(c->path), "%s", ev->path);
	return 0;
}

static int core_fail(const char *fmt, ...)
{
	va_list ap;

	printf("LSM-PROBE FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return 1;
}

static int core_check(void)
{
	struct lsm_probe_bpf *skel;
	struct ring_buffer *rb = NULL;
	struct bpf_link *link;
	struct rb_ctx rbc = { 0 };
	struct stat st;
	char why[256];
	__u64 ino;
	__u8 one = 1;
	int err, ret = 1;

	if (write_file(deny_path) || write_file(allow_path))
		return core_fail("cannot create test files in %s: %s", tmpdir, strerror(errno));
	if (stat(deny_path, &st))
		return core_fail("stat %s: %s", deny_path, strerror(errno));
	ino = st.st_ino;

	skel = open_only("probe_file_open", why, sizeof(why));
	if (!skel)
		return core_fail("lsm/file_open %s", why);

	err = bpf_map__update_elem(skel->maps.deny_inodes, &ino, sizeof(ino), &one, sizeof(one), BPF_ANY);
	if (err) {
		core_fail("deny_inodes update: %s", strerror(-err));
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &rbc, NULL);
	if (!rb) {
		core_fail("ring_buffer__new: %s", strerror(errno));
		goto out;
	}
	link = bpf_program__attach(skel->progs.probe_file_open);
	if (!link) {
		core_fail("attach lsm/file_open: %s", strerror(errno));
		goto out;
	}
	skel->links.probe_file_open = link;

	err = try_open(allow_path);
	if (err) {
		core_fail("open(%s) of an allowed file failed: %s", allow_path, strerror(-err));
		goto out;
	}
	if (skel->bss->file_open_calls == 0) {
		core_fail("lsm/file_open attached but was not called");
		goto out;
	}
	err = try_open(deny_path);
	if (err != -EPERM) {
		core_fail("open(%s) of a denied inode returned %s, want EPERM",
			  deny_path, err ? strerror(-err) : "success");
		goto out;
	}
	if (skel->bss->file_open_denied != 1) {
		core_fail("file_open_denied=%llu, want 1", (unsigned long long)skel->bss->file_open_denied);
		goto out;
	}
	ring_buffer__poll(rb, 1000);
	if (rbc.events != 1) {
		core_fail("got %d ring buffer events, want 1", rbc.events);
		goto out;
	}
	if (rbc.ino != ino || rbc.path_len <= 0 || strcmp(rbc.path, deny_path) != 0) {
		core_fail("deny event mismatch: ino=%llu path_len=%d path='%s', want ino=%llu path='%s'",
			  (unsigned long long)rbc.ino, rbc.path_len, rbc.path,
			  (unsigned long long)ino, deny_path);
		goto out;
	}
	printf("lsm/file_open: %llu calls, denied %s (ino %llu) with EPERM, d_path='%s'\n",
	       (unsigned long long)skel->bss->file_open_calls, deny_path,
	       (unsigned long long)ino, rbc.path);

	bpf_link__destroy(skel->links.probe_file_open);
	skel->links.probe_file_open = NULL;
	err = try_open(deny_path);
	if (err) {
		core_fail("open(%s) still fails after detach: %s", deny_path, strerror(-err));
		goto out;
	}
	printf("LSM-PROBE OK\n");
	ret = 0;
out:
	ring_buffer__free(rb);
	lsm_probe_bpf__destroy(skel);
	fflush(stdout);
	return ret;
}

static int run_child_exec(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int udp_connect(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, err = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int feature_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FEATURE %s: FAIL: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return 1;
}

static int feature(const char *name, const char *prog_name)
{
	struct lsm_probe_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link = NULL;
	char why[256];
	int cg = -1, err, ret = 1;

	skel = open_only(prog_name, why, sizeof(why));
	if (!skel)
		return feature_fail(name, "%s", why);
	prog = find_prog(skel, prog_name);

	if (strcmp(prog_name, "probe_connect4") == 0) {
		cg = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY);
		if (cg < 0) {
			feature_fail(name, "open /sys/fs/cgroup: %s", strerror(errno));
			goto out;
		}
		link = bpf_program__attach_cgroup(prog, cg);
	} else {
		link = bpf_program__attach(prog);
	}
	if (!link) {
		feature_fail(name, "attach: %s", strerror(errno));
		goto out;
	}

	if (strcmp(prog_name, "probe_task_storage") == 0) {
		try_open(allow_path);
		try_open(allow_path);
		if (skel->bss->task_storage_max < 2) {
			feature_fail(name, "task storage counter=%llu, want >= 2",
				     (unsigned long long)skel->bss->task_storage_max);
			goto out;
		}
	} else if (strcmp(prog_name, "probe_exec") == 0 ||
		   strcmp(prog_name, "probe_exec_storage") == 0 ||
		   strcmp(prog_name, "probe_bprm") == 0) {
		__u64 got;

		err = run_child_exec();
		if (err) {
			feature_fail(name, "fork/exec /bin/true: %s", strerror(-err));
			goto out;
		}
		if (strcmp(prog_name, "probe_bprm") == 0)
			got = skel->bss->bprm_calls;
		else if (strcmp(prog_name, "probe_exec") == 0)
			got = skel->bss->exec_calls;
		else
			got = skel->bss->exec_storage_max;
		if (got == 0) {
			feature_fail(name, "program did not run on exec");
			goto out;
		}
	} else if (strcmp(prog_name, "probe_connect4") == 0) {
		err = udp_connect(PORT_CGROUP);
		if (err != -EPERM) {
			feature_fail(name, "connect to denied port returned %s, want EPERM",
				     err ? strerror(-err) : "success");
			goto out;
		}
		err = udp_connect(PORT_ALLOWED);
		if (err) {
			feature_fail(name, "connect to allowed port: %s", strerror(-err));
			goto out;
		}
		if (skel->bss->connect4_calls < 2) {
			feature_fail(name, "connect4_calls=%llu, want 2",
				     (unsigned long long)skel->bss->connect4_calls);
			goto out;
		}
	} else if (strcmp(prog_name, "probe_socket_connect") == 0) {
		err = udp_connect(PORT_LSM);
		if (err != -EPERM) {
			feature_fail(name, "connect to denied port returned %s, want EPERM",
				     err ? strerror(-err) : "success");
			goto out;
		}
		err = udp_connect(PORT_ALLOWED);
		if (err) {
			feature_fail(name, "connect to allowed port: %s", strerror(-err));
			goto out;
		}
	} else if (strcmp(prog_name, "probe_sleepable") == 0) {
		try_open(allow_path);
		if (!skel->bss->sleepable_calls || !skel->bss->sleepable_path_ok) {
			feature_fail(name, "calls=%llu path_ok=%llu",
				     (unsigned long long)skel->bss->sleepable_calls,
				     (unsigned long long)skel->bss->sleepable_path_ok);
			goto out;
		}
	}
	printf("FEATURE %s: OK\n", name);
	ret = 0;
out:
	fflush(stdout);
	bpf_link__destroy(link);
	if (cg >= 0)
		close(cg);
	lsm_probe_bpf__destroy(skel);
	return ret;
}

int main(int argc, char **argv)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	bool core_only = false, strict = false;
	int i, core, failed = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--core-only"))
			core_only = true;
		else if (!strcmp(argv[i], "--strict"))
			strict = true;
		else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
			verbose = true;
		else if (argv[i][0] != '-')
			snprintf(tmpdir, sizeof(tmpdir), "%s", argv[i]);
		else {
			fprintf(stderr, "usage: %s [--core-only] [--strict] [--verbose] [TMPDIR]\n", argv[0]);
			return 64;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_log);
	setrlimit(RLIMIT_MEMLOCK, &rl);	/* pre-5.11 kernels charge memlock */

	snprintf(deny_path, sizeof(deny_path), "%s/lsm-probe-deny.%d", tmpdir, (int)getpid());
	snprintf(allow_path, sizeof(allow_path), "%s/lsm-probe-allow.%d", tmpdir, (int)getpid());

	core = core_check();
	if (!core_only) {
		failed += feature("lsm_task_storage", "probe_task_storage");
		failed += feature("tp_btf", "probe_exec");
		failed += feature("tp_btf_task_storage", "probe_exec_storage");
		failed += feature("cgroup_connect4", "probe_connect4");
		failed += feature("lsm_socket_connect", "probe_socket_connect");
		failed += feature("lsm_sleepable_d_path", "probe_sleepable");
		failed += feature("lsm_bprm_check_security", "probe_bprm");
		printf("FEATURES: %d failed\n", failed);
	}
	unlink(deny_path);
	unlink(allow_path);
	if (core)
		return 1;
	return strict && failed ? 2 : 0;
}
