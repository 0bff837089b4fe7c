// SPDX-License-Identifier: MIT
/* gbtry: the enforcement suite's probe. Runs inside a sandbox, performs one
 * action per OP (with its arguments) and prints one line per action:
 * "OP ok" or "OP ERRNO" (EACCES, EPERM, ...), so a test can tell how an
 * action failed without parsing another tool's messages.
 *
 *   read PATH          open(O_RDONLY) + read
 *   write PATH         open(O_WRONLY|O_APPEND) + write (existing file)
 *   create PATH        open(O_WRONLY|O_CREAT|O_EXCL)
 *   mkdir PATH         mkdir
 *   delete PATH        unlink (rmdir for a directory)
 *   rename OLD NEW     rename
 *   link OLD NEW       link (a hard link)
 *   symlink TARGET LINK
 *   exec PATH ARG      fork + execve(PATH, [PATH, ARG]); "exec ok" when it ran
 *                      and exited 0, "exec exit N" when it ran and failed
 *   ldso PATH ARG      the same through the dynamic loader: ld.so PATH ARG
 *   memfd PATH ARG     copy PATH into a memfd and execveat() it (fexecve)
 *   iouring PATH       openat(PATH, O_RDONLY) submitted through io_uring (raw
 *                      syscalls); "iouring_setup ERRNO" if no ring
 *   ptrace PID         PTRACE_ATTACH (detaches again if it worked)
 *   kill PID           kill(PID, SIGTERM)
 *   bpf                bpf(BPF_MAP_CREATE) of a one-entry array
 *   packet             socket(AF_PACKET, SOCK_RAW, 0)
 *   cgmove FILE        write our own pid into FILE (a cgroup.procs)
 *   unshare            unshare(CLONE_NEWUSER)
 *   forks N            fork N children that wait; prints "forks K ok" when all
 *                      K=N started, else "forks K ERRNO" (K started first)
 *   cgself             print "cgself " and our cgroup v2 path (/proc/self/cgroup)
 *
 * Exit status 0 whatever the actions did; 2 on a usage error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define LDSO "/lib64/ld-linux-x86-64.so.2"

static const char *ename(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case ESRCH: return "ESRCH";
	case ENOEXEC: return "ENOEXEC";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EBUSY: return "EBUSY";
	case ELOOP: return "ELOOP";
	}
	return "EOTHER";
}

static void report(const char *op, int ret)
{
	if (ret < 0)
		printf("%s %s\n", op, ename(-ret));
	else
		printf("%s ok\n", op);
	fflush(stdout);
}

static int do_read(const char *p)
{
	char buf[64];
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

static int do_write(const char *p, int flags)
{
	int fd = open(p, flags | O_CLOEXEC, 0644);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "gbtry\n", 6) != 6)
		ret = -errno;
	close(fd);
	return ret;
}

static int do_delete(const char *p)
{
	struct stat st;

	if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return rmdir(p) < 0 ? -errno : 0;
	return unlink(p) < 0 ? -errno : 0;
}

/* Run argv in a child. Returns -errno if the exec itself failed, else the
 * child's wait status (>= 0). */
static int spawn(int memfd, char *const argv[])
{
	int pfd[2], err = 0, st;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		extern char **environ;

		close(pfd[0]);
		if (memfd >= 0)
			syscall(SYS_execveat, memfd, "", argv, environ, AT_EMPTY_PATH);
		else
			execve(argv[0], argv, environ);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pfd[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return err ? -err : st;
}

static void report_run(const char *op, int r)
{
	if (r < 0)
		report(op, r);
	else if (WIFEXITED(r) && WEXITSTATUS(r) == 0)
		printf("%s ok\n", op);
	else if (WIFEXITED(r))
		printf("%s exit %d\n", op, WEXITSTATUS(r));
	else
		printf("%s signal %d\n", op, WTERMSIG(r));
	fflush(stdout);
}

static int copy_to_memfd(const char *p)
{
	char buf[65536];
	ssize_t n;
	int in, fd;

	fd = (int)syscall(SYS_memfd_create, "gbtry", 0);
	if (fd < 0)
		return -errno;
	in = open(p, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(in);
	return fd;
}

/* One IORING_OP_OPENAT through a minimal ring: setup, mmap, submit, wait. */
static void do_iouring(const char *p)
{
	struct io_uring_params prm;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned *sq_tail, *sq_array, *cq_head, *cq_tail, *sq_mask, *cq_mask;
	void *sq, *cq;
	int fd, ret;

	memset(&prm, 0, sizeof(prm));
	fd = (int)syscall(__NR_io_uring_setup, 4, &prm);
	if (fd < 0) {
		report("iouring_setup", -errno);
		return;
	}
	sq = mmap(NULL, prm.sq_off.array + prm.sq_entries * sizeof(unsigned),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, prm.cq_off.cqes + prm.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, prm.sq_entries * sizeof(struct io_uring_sqe),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		report("iouring_mmap", -errno);
		close(fd);
		return;
	}
	sq_tail = (unsigned *)((char *)sq + prm.sq_off.tail);
	sq_mask = (unsigned *)((char *)sq + prm.sq_off.ring_mask);
	sq_array = (unsigned *)((char *)sq + prm.sq_off.array);
	cq_head = (unsigned *)((char *)cq + prm.cq_off.head);
	cq_tail = (unsigned *)((char *)cq + prm.cq_off.tail);
	cq_mask = (unsigned *)((char *)cq + prm.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)((char *)cq + prm.cq_off.cqes);

	unsigned idx = *sq_tail & *sq_mask;
	struct io_uring_sqe *sqe = &sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (uint64_t)(uintptr_t)p;
	sqe->open_flags = O_RDONLY | O_CLOEXEC;
	sqe->user_data = 42;
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);

	ret = (int)syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (ret < 0) {
		report("iouring_enter", -errno);
		close(fd);
		return;
	}
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		printf("iouring nocqe\n");
		close(fd);
		return;
	}
	ret = cqes[*cq_head & *cq_mask].res;
	__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	if (ret >= 0)
		close(ret);
	report("iouring", ret < 0 ? ret : 0);
	close(fd);
}

static int do_bpf(void)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int do_cgmove(const char *file)
{
	char buf[32];
	int fd, n, ret = 0;

	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static void do_forks(int n)
{
	int pfd[2], started = 0, err = 0;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		report("forks", -errno);
		return;
	}
	for (; started < n; started++) {
		pid_t pid = fork();

		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			char c;

			close(pfd[1]);
			while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(pfd[1]); /* the children see EOF and exit */
	close(pfd[0]);
	while (wait(NULL) > 0)
		;
	printf("forks %d %s\n", started, err ? ename(err) : "ok");
	fflush(stdout);
}

static void do_cgself(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f) {
		report("cgself", -errno);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3))
			printf("cgself %s", line + 3);
	fclose(f);
	fflush(stdout);
}

static int need(int argc, int i, int n, const char *op)
{
	if (i + n >= argc) {
		fprintf(stderr, "gbtry: %s needs %d argument%s\n", op, n, n == 1 ? "" : "s");
		exit(2);
	}
	return 1;
}

int main(int argc, char **argv)
{
	alarm(20); /* a stuck probe fails the test instead of hanging it */
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		char *a = i + 1 < argc ? argv[i + 1] : NULL;
		char *b = i + 2 < argc ? argv[i + 2] : NULL;

		if (!strcmp(op, "read") && need(argc, i, 1, op)) {
			report(op, do_read(a)), i += 1;
		} else if (!strcmp(op, "write") && need(argc, i, 1, op)) {
			report(op, do_write(a, O_WRONLY | O_APPEND)), i += 1;
		} else if (!strcmp(op, "create") && need(argc, i, 1, op)) {
			report(op, do_write(a, O_WRONLY | O_CREAT | O_EXCL)), i += 1;
		} else if (!strcmp(op, "mkdir") && need(argc, i, 1, op)) {
			report(op, mkdir(a, 0755) < 0 ? -errno : 0), i += 1;
		} else if (!strcmp(op, "delete") && need(argc, i, 1, op)) {
			report(op, do_delete(a)), i += 1;
		} else if (!strcmp(op, "rename") && need(argc, i, 2, op)) {
			report(op, rename(a, b) < 0 ? -errno : 0), i += 2;
		} else if (!strcmp(op, "link") && need(argc, i, 2, op)) {
			report(op, link(a, b) < 0 ? -errno : 0), i += 2;
		} else if (!strcmp(op, "symlink") && need(argc, i, 2, op)) {
			report(op, symlink(a, b) < 0 ? -errno : 0), i += 2;
		} else if (!strcmp(op, "exec") && need(argc, i, 2, op)) {
			char *av[] = { a, b, NULL };

			report_run(op, spawn(-1, av)), i += 2;
		} else if (!strcmp(op, "ldso") && need(argc, i, 2, op)) {
			char *av[] = { (char *)LDSO, a, b, NULL };

			report_run(op, spawn(-1, av)), i += 2;
		} else if (!strcmp(op, "memfd") && need(argc, i, 2, op)) {
			char *av[] = { a, b, NULL };
			int fd = copy_to_memfd(a);

			report_run(op, fd < 0 ? fd : spawn(fd, av)), i += 2;
			if (fd >= 0)
				close(fd);
		} else if (!strcmp(op, "iouring") && need(argc, i, 1, op)) {
			do_iouring(a), i += 1;
		} else if (!strcmp(op, "ptrace") && need(argc, i, 1, op)) {
			pid_t pid = (pid_t)atoi(a);
			long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);

			report(op, r < 0 ? -errno : 0), i += 1;
			if (r == 0) {
				waitpid(pid, NULL, __WALL);
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
			}
		} else if (!strcmp(op, "kill") && need(argc, i, 1, op)) {
			report(op, kill((pid_t)atoi(a), SIGTERM) < 0 ? -errno : 0), i += 1;
		} else if (!strcmp(op, "bpf")) {
			report(op, do_bpf());
		} else if (!strcmp(op, "packet")) {
			int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

			report(op, fd < 0 ? -errno : 0);
			if (fd >= 0)
				close(fd);
		} else if (!strcmp(op, "cgmove") && need(argc, i, 1, op)) {
			report(op, do_cgmove(a)), i += 1;
		} else if (!strcmp(op, "forks") && need(argc, i, 1, op)) {
			do_forks(atoi(a)), i += 1;
		} else if (!strcmp(op, "cgself")) {
			do_cgself();
		} else if (!strcmp(op, "unshare")) {
			report(op, unshare(CLONE_NEWUSER) < 0 ? -errno : 0);
		} else {
			fprintf(stderr, "gbtry: unknown action '%s'\n", op);
			return 2;
		}
	}
	return 0;
}
