// SPDX-License-Identifier: MIT
/* Unit tests for userspace/seccomp.c: install the filter in a forked child
 * and check there that the escape hatches fail and ordinary work does not.
 * The child reports a failed check on stderr and exits 1. */
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy.h"
#include "seccomp.h"
#include "test.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

#define CHILD_FAIL(...)                                                      \
	do {                                                                 \
		fprintf(stderr, "%s:%d: in the child: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
		_exit(1);                                                    \
	} while (0)

/* expr must fail with errno e. If it created a process, that one leaves. */
#define C_ERR(expr, e)                                                       \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		int e_ = errno;                                              \
		if (r_ == 0 && getpid() != self)                             \
			_exit(0);                                            \
		if (r_ >= 0 || e_ != (e))                                    \
			CHILD_FAIL("%s: expected %s, got %ld (%s)", #expr,    \
				   strerrorname_np(e), r_,                   \
				   e_ ? strerrorname_np(e_) : "no error");   \
	} while (0)

/* expr must succeed (>= 0); a returned fd is closed. */
#define C_FD(expr)                                                           \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		if (r_ < 0)                                                  \
			CHILD_FAIL("%s: expected success, got %s", #expr,     \
				   strerrorname_np(errno));                  \
		close((int)r_);                                              \
	} while (0)

static pid_t self;

static struct gb_seccomp *load_filter(const char *text)
{
	struct gb_policy *p = NULL;
	struct gb_seccomp *s = NULL;
	char err[GB_ERR_LEN];

	if (gb_policy_load_string(text, "t.json", "/tmp", &p, err, sizeof(err))) {
		fprintf(stderr, "policy: %s\n", err);
		return NULL;
	}
	if (gb_seccomp_prepare(p, &s, err, sizeof(err)))
		fprintf(stderr, "gb_seccomp_prepare: %s\n", err);
	gb_policy_free(p);
	return s;
}

/* Fork; the child installs s (unless NULL) and runs fn. Returns the wait
 * status. */
static int run_child(const struct gb_seccomp *s, void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int r = gb_seccomp_enforce(s);

		if (r < 0) {
			fprintf(stderr, "gb_seccomp_enforce: %s\n", strerror(-r));
			_exit(2);
		}
		self = getpid();
		fn();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static long raw_clone(unsigned long flags)
{
	return syscall(SYS_clone, flags, 0, NULL, NULL, 0);
}

static long raw_clone3(void)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };

	return syscall(SYS_clone3, &ca, sizeof(ca));
}

static void child_denied(void)
{
	union bpf_attr attr;
	struct io_uring_params up;
	char dir[] = "/tmp/gb-seccomp-XXXXXX";

	memset(&attr, 0, sizeof(attr));
	memset(&up, 0, sizeof(up));
	C_ERR(ptrace(PTRACE_TRACEME, 0, NULL, NULL), EPERM);
	C_ERR(syscall(SYS_process_vm_readv, getppid(), NULL, 0, NULL, 0, 0), EPERM);
	C_ERR(unshare(CLONE_NEWUSER), EPERM);
	C_ERR(unshare(CLONE_NEWNS), EPERM);
	C_ERR(unshare(0), EPERM);
	C_ERR(setns(0, CLONE_NEWNET), EPERM);
	C_ERR(raw_clone(CLONE_NEWNS | SIGCHLD), EPERM);
	C_ERR(raw_clone(CLONE_NEWUSER | SIGCHLD), EPERM);
	C_ERR(raw_clone(CLONE_NEWPID | CLONE_NEWNET | SIGCHLD), EPERM);
	C_ERR(raw_clone3(), ENOSYS);
	C_ERR(syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)), EPERM);
	C_ERR(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)), EPERM);
	C_ERR(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM);
	C_ERR(socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), EPERM);
	C_ERR(socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL)), EPERM);
	C_ERR(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
	C_ERR(socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW), EPERM);
	C_ERR(socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), EPERM);
	C_ERR(socket(AF_INET, SOCK_PACKET, htons(ETH_P_ALL)), EPERM);
	if (!mkdtemp(dir))
		CHILD_FAIL("mkdtemp: %s", strerror(errno));
	C_ERR(mount("none", dir, "tmpfs", 0, NULL), EPERM);
	C_ERR(umount2(dir, 0), EPERM);
	C_ERR(syscall(SYS_fsopen, "tmpfs", 0), EPERM);
	C_ERR(syscall(SYS_open_tree, AT_FDCWD, dir, 0), EPERM);
	rmdir(dir);
	C_ERR(chroot("/"), EPERM);
	C_ERR(syscall(SYS_pivot_root, "/", "/"), EPERM);
	C_ERR(syscall(SYS_init_module, NULL, 0, ""), EPERM);
	C_ERR(syscall(SYS_finit_module, -1, "", 0), EPERM);
	C_ERR(syscall(SYS_delete_module, "glovebox_none", 0), EPERM);
	C_ERR(syscall(SYS_kexec_load, 0, 0, NULL, 0), EPERM);
	C_ERR(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM);
	C_ERR(syscall(SYS_add_key, "user", "x", "y", 1, KEY_SPEC_SESSION_KEYRING), EPERM);
	C_ERR(syscall(SYS_io_uring_setup, 4, &up), EPERM);
	C_ERR(syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0), EPERM);
	C_ERR(syscall(SYS_iopl, 3), EPERM);
	C_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL), EPERM);
	C_ERR(syscall(SYS_reboot, 0, 0, 0, NULL), EPERM);
	C_ERR(syscall(__X32_SYSCALL_BIT | SYS_getpid), EPERM);
}

static void child_allowed(void)
{
	pthread_t t;
	void *ret = NULL;
	int status = 0, fds[2];
	pid_t pid;

	pid = fork();
	if (pid < 0)
		CHILD_FAIL("fork: %s", strerrorname_np(errno));
	if (pid == 0)
		_exit(7);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		CHILD_FAIL("fork: the child did not exit with 7");
	/* glibc tries clone3 first, then clone */
	if (pthread_create(&t, NULL, thread_fn, &status) != 0 || pthread_join(t, &ret) != 0 ||
	    ret != &status)
		CHILD_FAIL("pthread_create/join failed");
	C_FD(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	C_FD(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	C_FD(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	C_FD(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0)); /* NETLINK_ROUTE: ip, getaddrinfo */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		CHILD_FAIL("socketpair: %s", strerrorname_np(errno));
	close(fds[0]);
	close(fds[1]);
	C_FD(open("/dev/null", O_RDWR | O_CLOEXEC));
	C_FD(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
	if (getpid() != self || syscall(SYS_getpid) != self)
		CHILD_FAIL("getpid");
}

static void test_denied(void)
{
	struct gb_seccomp *s = load_filter("{\"version\": 1}");
	int status;

	ASSERT_TRUE(s != NULL);
	status = run_child(s, child_denied);
	gb_seccomp_free(s);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

static void test_allowed(void)
{
	struct gb_seccomp *s = load_filter("{\"version\": 1}");
	int status;

	ASSERT_TRUE(s != NULL);
	status = run_child(s, child_allowed);
	gb_seccomp_free(s);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

/* Without the filter, as root, the same calls do not fail with EPERM: the
 * EPERMs above come from the filter. */
static void child_control(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	C_FD(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
	C_FD(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
	errno = 0;
	if (syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)) >= 0 || errno == EPERM)
		CHILD_FAIL("bpf(BPF_PROG_LOAD, {0}): expected an error other than EPERM, got %s",
			   errno ? strerrorname_np(errno) : "success");
	C_ERR(setns(-1, CLONE_NEWNET), EBADF);
}

static void test_control_without_filter(void)
{
	int status;

	if (geteuid() != 0)
		TEST_SKIP("needs root: without CAP_NET_RAW and CAP_SYS_ADMIN the kernel "
			  "itself answers EPERM");
	status = run_child(NULL, child_control);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

/* getpid through the i386 entry point (int 0x80, eax = 20). */
static void child_int80(void)
{
	long ret = 20;

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	_exit(ret == getpid() ? 0 : 3);
}

static void test_other_arch_is_killed(void)
{
	struct gb_seccomp *s;
	int status;

	status = run_child(NULL, child_int80);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		TEST_SKIP("this kernel does not run i386 syscalls (no IA32 emulation)");
	s = load_filter("{\"version\": 1}");
	ASSERT_TRUE(s != NULL);
	status = run_child(s, child_int80);
	gb_seccomp_free(s);
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGSYS);
}

/* Audit mode relaxes the policy's limits, not the sandbox boundary. */
static void test_audit_mode_same_filter(void)
{
	struct gb_seccomp *s = load_filter("{\"version\": 1, \"mode\": \"audit\"}");
	int status;

	ASSERT_TRUE(s != NULL);
	status = run_child(s, child_denied);
	gb_seccomp_free(s);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(gb_seccomp_enforce(NULL), 0);
	gb_seccomp_free(NULL);
}

static const struct gb_test tests[] = {
	TEST(test_denied),
	TEST(test_allowed),
	TEST(test_control_without_filter),
	TEST(test_other_arch_is_killed),
	TEST(test_audit_mode_same_filter),
	{ 0 },
};

int main(int argc, char **argv)
{
	return gb_test_main(tests, argc, argv);
}
