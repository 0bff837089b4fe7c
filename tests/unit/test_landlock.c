// SPDX-License-Identifier: MIT
/* Unit tests for userspace/landlock.c: each test builds a small tree under
 * /tmp, compiles a policy for it, enforces it in a forked child and checks
 * from the child what is allowed and denied, then from the parent that a
 * denied action left nothing behind. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "landlock.h"
#include "policy.h"
#include "test.h"

/* Read-only system trees every policy needs to run /usr/bin/true. */
#define SYS_READ "\"/usr\", \"/lib\", \"/lib64\", \"/etc\""

struct fx {
	char root[64];        /* /tmp/gb-landlock-XXXXXX */
	char ws[PATH_MAX];    /* root/ws, the workspace (write) */
	struct gb_policy *p;
	struct gb_landlock *ll;
	char err[GB_ERR_LEN];
};

/* ---- helpers for the parent ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void fpath(const struct fx *f, char *buf, const char *rel)
{
	snprintf(buf, PATH_MAX, "%s/%s", f->root, rel);
}

static int mkfile(const struct fx *f, const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	int fd, ok;

	fpath(f, path, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int mkdir_rel(const struct fx *f, const char *rel)
{
	char path[PATH_MAX];

	fpath(f, path, rel);
	return mkdir(path, 0755);
}

static bool exists(const struct fx *f, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	fpath(f, path, rel);
	return lstat(path, &st) == 0;
}

/* The tree every test starts from:
 *   ws/file.txt  ws/secret  ws/sub/a.txt  ws/sub/link -> ../secret
 *   ro/ro.txt    other/other.txt */
static int fx_setup(struct fx *f)
{
	char path[PATH_MAX];

	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/gb-landlock-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->ws, sizeof(f->ws), "%s/ws", f->root);
	fpath(f, path, "ws/sub/link");
	if (mkdir_rel(f, "ws") || mkdir_rel(f, "ws/sub") || mkdir_rel(f, "ro") ||
	    mkdir_rel(f, "other") || mkfile(f, "ws/file.txt", "hello\n", 0644) ||
	    mkfile(f, "ws/secret", "s3cret\n", 0600) || mkfile(f, "ws/sub/a.txt", "a\n", 0644) ||
	    mkfile(f, "ro/ro.txt", "ro\n", 0644) || mkfile(f, "other/other.txt", "o\n", 0644) ||
	    symlink("../secret", path))
		return -1;
	return 0;
}

static void fx_teardown(struct fx *f)
{
	gb_landlock_free(f->ll);
	gb_policy_free(f->p);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Load a policy; "@T" in text stands for the fixture's root directory. */
static int load(struct fx *f, const char *text)
{
	char buf[8192], *o = buf, *end = buf + sizeof(buf) - 1;

	for (const char *s = text; *s && o < end; s++) {
		if (s[0] == '@' && s[1] == 'T') {
			int n = snprintf(o, (size_t)(end - o), "%s", f->root);

			o = n < end - o ? o + n : end;
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	gb_policy_free(f->p);
	f->p = NULL;
	if (gb_policy_load_string(buf, "t.json", f->ws, &f->p, f->err, sizeof(f->err))) {
		fprintf(stderr, "policy: %s\n", f->err);
		return -1;
	}
	return 0;
}

/* Load and prepare; returns prepare's result. */
static int prepare(struct fx *f, const char *text, bool allow_degraded)
{
	if (load(f, text))
		return -EINVAL;
	gb_landlock_free(f->ll);
	f->ll = NULL;
	return gb_landlock_prepare(f->p, allow_degraded, &f->ll, f->err, sizeof(f->err));
}

/* Fork, enforce f->ll in the child, run fn there; 0 if the child passed. */
static int run_sandboxed(const struct fx *f, void (*fn)(const struct fx *))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int r = gb_landlock_enforce(f->ll);

		if (r < 0) {
			fprintf(stderr, "gb_landlock_enforce: %s\n", strerror(-r));
			_exit(2);
		}
		fn(f);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- checks inside the sandboxed child: print and _exit(1) ---- */

#define CHILD_FAIL(...)                                                      \
	do {                                                                 \
		fprintf(stderr, "%s:%d: in the sandbox: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
		_exit(1);                                                    \
	} while (0)

/* expr (a syscall wrapper) must succeed. */
#define C_OK(expr)                                                           \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		if (r_ < 0)                                                  \
			CHILD_FAIL("%s: expected success, got %s", #expr,     \
				   strerrorname_np(errno));                  \
	} while (0)

/* expr must fail with errno e. */
#define C_ERR(expr, e)                                                       \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		int e_ = errno;                                              \
		if (r_ >= 0 || e_ != (e))                                    \
			CHILD_FAIL("%s: expected %s, got %ld (%s)", #expr,    \
				   strerrorname_np(e), r_,                   \
				   e_ ? strerrorname_np(e_) : "no error");   \
	} while (0)

static char *cp(const struct fx *f, const char *rel)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	fpath(f, b, rel);
	return b;
}

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static int list_dir(const char *path)
{
	DIR *d = opendir(path);

	if (!d)
		return -1;
	closedir(d);
	return 0;
}

/* Run path with no arguments in a grandchild; its exit status, or -1 with
 * errno if execve failed. */
static int run_prog(const char *path)
{
	int pfd[2], status, e = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		char *envp[] = { NULL };

		execve(path, argv, envp);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &e, sizeof(e)) != sizeof(e))
		e = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (e) {
		errno = e;
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- tests ---- */

#define FX_TEST(name)                                                        \
	static void name##_body(struct fx *f);                               \
	static void name(void)                                               \
	{                                                                    \
		struct fx f;                                                 \
		if (gb_landlock_abi() == 0)                                  \
			TEST_SKIP("Landlock is not available on this kernel"); \
		if (fx_setup(&f)) {                                          \
			GB_FAIL_("cannot build the test tree in /tmp: %s",   \
				 strerror(errno));                           \
			return;                                              \
		}                                                            \
		name##_body(&f);                                             \
		fx_teardown(&f);                                             \
	}                                                                    \
	static void name##_body(struct fx *f)

static const char *workspace_policy =
	"{\"version\": 1, \"filesystem\": {"
	"\"read\": [" SYS_READ ", \"@T/ro\"],"
	"\"write\": [\"${WORKSPACE}\"],"
	"\"deny\": [\"${WORKSPACE}/secret\"]}}";

static void child_read_write_deny(const struct fx *f)
{
	char proc_path[PATH_MAX + 32];

	/* allowed */
	C_OK(open_close(cp(f, "ws/file.txt"), O_RDONLY));
	C_OK(open_close(cp(f, "ws/sub/a.txt"), O_RDWR));
	C_OK(open_close(cp(f, "ws/sub/new.txt"), O_WRONLY | O_CREAT | O_EXCL));
	C_OK(mkdir(cp(f, "ws/sub/newdir"), 0755));
	C_OK(open_close(cp(f, "ro/ro.txt"), O_RDONLY));
	C_OK(list_dir(f->ws)); /* the split directory keeps READ_DIR */
	C_OK(list_dir(cp(f, "ws/sub")));
	C_OK(rename(cp(f, "ws/sub/new.txt"), cp(f, "ws/sub/newdir/moved.txt")));

	/* denied: the deny entry, whichever way it is reached */
	C_ERR(open_close(cp(f, "ws/secret"), O_RDONLY), EACCES);
	C_ERR(open_close(cp(f, "ws/secret"), O_WRONLY), EACCES);
	C_ERR(open_close(cp(f, "ws/sub/link"), O_RDONLY), EACCES);
	snprintf(proc_path, sizeof(proc_path), "/proc/self/root%s", cp(f, "ws/secret"));
	C_ERR(open_close(proc_path, O_RDONLY), EACCES);
	C_ERR(unlink(cp(f, "ws/secret")), EACCES);
	C_ERR(rename(cp(f, "ws/secret"), cp(f, "ws/sub/stolen")), EACCES);
	/* link: the destination would have more rights than the source */
	C_ERR(link(cp(f, "ws/secret"), cp(f, "ws/sub/hard")), EXDEV);
	if (gb_landlock_abi() >= 3)
		C_ERR(truncate(cp(f, "ws/secret"), 0), EACCES);

	/* denied: outside the policy, and writes to read-only trees */
	C_ERR(open_close(cp(f, "other/other.txt"), O_RDONLY), EACCES);
	C_ERR(open_close(cp(f, "ro/new.txt"), O_WRONLY | O_CREAT), EACCES);
	C_ERR(open_close(cp(f, "ro/ro.txt"), O_WRONLY), EACCES);
	C_ERR(unlink(cp(f, "ro/ro.txt")), EACCES);
	if (gb_landlock_abi() >= 3)
		C_ERR(truncate(cp(f, "ro/ro.txt"), 0), EACCES);

	/* the documented cost of the split: nothing new directly in ws */
	C_ERR(open_close(cp(f, "ws/new.txt"), O_WRONLY | O_CREAT), EACCES);
	C_ERR(unlink(cp(f, "ws/file.txt")), EACCES);
}

FX_TEST(test_read_write_deny)
{
	char secret[16] = "";
	int fd;

	ASSERT_EQ(prepare(f, workspace_policy, false), 0);
	ASSERT_TRUE(f->ll != NULL);
	ASSERT_CONTAINS(f->err, "filesystem.deny[0] '${WORKSPACE}/secret': entries directly in '");
	ASSERT_CONTAINS(f->err, "/ws' cannot be created, renamed or removed");
	ASSERT_EQ(run_sandboxed(f, child_read_write_deny), 0);

	/* nothing the child was refused happened */
	ASSERT_FALSE(exists(f, "ro/new.txt"));
	ASSERT_FALSE(exists(f, "ws/sub/stolen"));
	ASSERT_FALSE(exists(f, "ws/sub/hard"));
	ASSERT_FALSE(exists(f, "ws/new.txt"));
	ASSERT_TRUE(exists(f, "ws/file.txt"));
	ASSERT_TRUE(exists(f, "ro/ro.txt"));
	fd = open(cp(f, "ws/secret"), O_RDONLY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(read(fd, secret, sizeof(secret) - 1), 7);
	close(fd);
	ASSERT_STREQ(secret, "s3cret\n");
	/* and what it was allowed did */
	ASSERT_TRUE(exists(f, "ws/sub/newdir/moved.txt"));
}

static void child_deny_missing(const struct fx *f)
{
	C_ERR(open_close(cp(f, "ws/.env"), O_WRONLY | O_CREAT), EACCES);
	C_ERR(mkdir(cp(f, "ws/.env"), 0755), EACCES);
	C_ERR(symlink("file.txt", cp(f, "ws/.env")), EACCES);
	C_ERR(rename(cp(f, "ws/sub/a.txt"), cp(f, "ws/.env")), EACCES);
	C_OK(open_close(cp(f, "ws/sub/x"), O_WRONLY | O_CREAT));
	C_OK(open_close(cp(f, "ws/file.txt"), O_RDWR));
	C_OK(list_dir(f->ws));
}

/* A deny entry that does not exist yet: prepare succeeds, creating it fails. */
FX_TEST(test_deny_missing)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [" SYS_READ "], \"write\": [\"${WORKSPACE}\"],"
			  "\"deny\": [\"${WORKSPACE}/.env\"]}}", false), 0);
	ASSERT_CONTAINS(f->err, "filesystem.deny[0] '${WORKSPACE}/.env': entries directly in '");
	ASSERT_CONTAINS(f->err, "(Landlock cannot allow a directory minus one name)");
	ASSERT_EQ(run_sandboxed(f, child_deny_missing), 0);
	ASSERT_FALSE(exists(f, "ws/.env"));
	ASSERT_TRUE(exists(f, "ws/sub/x"));
	ASSERT_TRUE(exists(f, "ws/sub/a.txt"));
}

/* Deny whose parent does not exist either: the nearest existing ancestor
 * is split. */
static void child_deny_missing_deep(const struct fx *f)
{
	C_ERR(mkdir(cp(f, "ws/cfg"), 0755), EACCES);
	C_OK(open_close(cp(f, "ws/file.txt"), O_RDONLY));
}

FX_TEST(test_deny_missing_deep)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"write\": [\"${WORKSPACE}\"],"
			  "\"deny\": [\"${WORKSPACE}/cfg/token\"]}}", false), 0);
	ASSERT_EQ(run_sandboxed(f, child_deny_missing_deep), 0);
	ASSERT_FALSE(exists(f, "ws/cfg"));
}

static void child_deny_dir(const struct fx *f)
{
	C_ERR(open_close(cp(f, "ws/sub/a.txt"), O_RDONLY), EACCES);
	C_ERR(list_dir(cp(f, "ws/sub")), EACCES);
	C_ERR(list_dir(f->ws), EACCES); /* READ_DIR would reach ws/sub */
	C_OK(open_close(cp(f, "ws/file.txt"), O_RDONLY));
	C_ERR(open_close(cp(f, "ws/sub/b.txt"), O_WRONLY | O_CREAT), EACCES);
}

FX_TEST(test_deny_dir)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [" SYS_READ "], \"write\": [\"${WORKSPACE}\"],"
			  "\"deny\": [\"${WORKSPACE}/sub\"]}}", false), 0);
	ASSERT_CONTAINS(f->err, "cannot be listed");
	ASSERT_EQ(run_sandboxed(f, child_deny_dir), 0);
	ASSERT_FALSE(exists(f, "ws/sub/b.txt"));
}

static void child_deny_wins(const struct fx *f)
{
	C_ERR(open_close(cp(f, "ws/sub/a.txt"), O_RDONLY), EACCES);
	C_OK(open_close(cp(f, "ws/file.txt"), O_RDONLY));
}

/* An allow entry inside a denied tree does not bring it back. */
FX_TEST(test_deny_wins_over_deeper_allow)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [\"${WORKSPACE}\"], \"write\": [\"${WORKSPACE}/sub/a.txt\"],"
			  "\"deny\": [\"${WORKSPACE}/sub\"]}}", false), 0);
	ASSERT_EQ(run_sandboxed(f, child_deny_wins), 0);
}

static void child_deny_symlink(const struct fx *f)
{
	/* ws/sub/link -> ../secret: denying the link denies its target too */
	C_ERR(open_close(cp(f, "ws/secret"), O_RDONLY), EACCES);
	C_ERR(open_close(cp(f, "ws/sub/link"), O_RDONLY), EACCES);
	C_OK(open_close(cp(f, "ws/sub/a.txt"), O_RDONLY));
}

FX_TEST(test_deny_symlink_denies_target)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [\"${WORKSPACE}\"],"
			  "\"deny\": [\"${WORKSPACE}/sub/link\"]}}", false), 0);
	ASSERT_EQ(run_sandboxed(f, child_deny_symlink), 0);
}

/* An allow entry reached through a symlink (/lib -> usr/lib on merged-/usr
 * systems) is the same tree as its target for the deny logic. */
static void child_allow_via_symlink(const struct fx *f)
{
	C_ERR(open_close(cp(f, "ws/secret"), O_RDONLY), EACCES);
	C_OK(open_close(cp(f, "ws/file.txt"), O_RDONLY));
}

FX_TEST(test_allow_via_symlink)
{
	char link[PATH_MAX];

	fpath(f, link, "wslink");
	ASSERT_EQ(symlink("ws", link), 0);
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [\"@T/wslink\"],"
			  "\"deny\": [\"${WORKSPACE}/secret\"]}}", false), 0);
	ASSERT_EQ(run_sandboxed(f, child_allow_via_symlink), 0);
}

static void child_exec(const struct fx *f)
{
	C_ERR(run_prog(cp(f, "ws/mytrue")), EACCES);
	if (run_prog("/usr/bin/true") != 0)
		CHILD_FAIL("/usr/bin/true under exec: expected exit 0, got %d (%s)",
			   run_prog("/usr/bin/true"), strerrorname_np(errno));
	C_OK(open_close(cp(f, "ws/mytrue"), O_RDONLY)); /* write implies read */
}

static int copy_true(struct fx *f)
{
	char dst[PATH_MAX], buf[65536];
	int in, out, ok = 0;
	ssize_t n;

	fpath(f, dst, "ws/mytrue");
	in = open("/usr/bin/true", O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (in >= 0 && out >= 0) {
		ok = 1;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			ok &= write(out, buf, n) == n;
		ok &= n == 0;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ok ? 0 : -1;
}

FX_TEST(test_exec)
{
	ASSERT_EQ(copy_true(f), 0);
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [" SYS_READ "], \"write\": [\"${WORKSPACE}\"],"
			  "\"exec\": [\"/usr/bin\", \"/usr/lib\", \"/lib\", \"/lib64\"]}}", false), 0);
	ASSERT_STREQ(f->err, "");
	ASSERT_EQ(run_sandboxed(f, child_exec), 0);
}

static void child_exec_only(const struct fx *f)
{
	C_ERR(run_prog(cp(f, "ws/mytrue")), EACCES);
	if (run_prog("/usr/bin/true") != 0)
		CHILD_FAIL("/usr/bin/true: expected exit 0");
	/* reads and writes are not limited */
	C_OK(open_close(cp(f, "other/other.txt"), O_RDWR));
	C_OK(open_close(cp(f, "other/new.txt"), O_WRONLY | O_CREAT));
}

/* Only exec declared: only EXECUTE is handled. */
FX_TEST(test_exec_only)
{
	ASSERT_EQ(copy_true(f), 0);
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"exec\": [\"/usr/bin\", \"/usr/lib\", \"/usr/lib64\"]}}", false), 0);
	ASSERT_EQ(run_sandboxed(f, child_exec_only), 0);
	ASSERT_TRUE(exists(f, "other/new.txt"));
}

static void child_no_exec_limit(const struct fx *f)
{
	if (run_prog(cp(f, "ws/mytrue")) != 0)
		CHILD_FAIL("ws/mytrue without an exec limit: expected exit 0, got errno %s",
			   strerrorname_np(errno));
}

/* filesystem declared, exec not: any readable program may run. */
FX_TEST(test_no_exec_limit)
{
	ASSERT_EQ(copy_true(f), 0);
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [" SYS_READ "], \"write\": [\"${WORKSPACE}\"]}}", false), 0);
	ASSERT_STREQ(f->err, "");
	ASSERT_EQ(run_sandboxed(f, child_no_exec_limit), 0);
}

static void child_deny_only(const struct fx *f)
{
	C_ERR(open_close(cp(f, "ws/secret"), O_RDONLY), EACCES);
	C_OK(open_close(cp(f, "other/other.txt"), O_RDWR));
	C_OK(open_close(cp(f, "other/new.txt"), O_WRONLY | O_CREAT));
	C_OK(open_close("/etc/hostname", O_RDONLY));
}

/* deny without read/write: everything else stays open. */
FX_TEST(test_deny_only)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"deny\": [\"${WORKSPACE}/secret\"]}}", false), 0);
	ASSERT_EQ(run_sandboxed(f, child_deny_only), 0);
	ASSERT_TRUE(exists(f, "other/new.txt"));
}

FX_TEST(test_hardlinked_deny_is_degraded)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *text = "{\"version\": 1, \"filesystem\": {"
			   "\"read\": [\"${WORKSPACE}\"], \"deny\": [\"${WORKSPACE}/secret\"]}}";

	fpath(f, a, "ws/secret");
	fpath(f, b, "ws/sub/alias");
	ASSERT_EQ(link(a, b), 0);
	ASSERT_EQ(prepare(f, text, false), -EOPNOTSUPP);
	ASSERT_TRUE(f->ll == NULL);
	ASSERT_CONTAINS(f->err, "filesystem.deny[0] '${WORKSPACE}/secret': the file has 2 hard links");
	ASSERT_EQ(prepare(f, text, true), 0);
	ASSERT_TRUE(f->ll != NULL);
	ASSERT_CONTAINS(f->err, "hard links");
}

static void child_ioctl(const struct fx *f)
{
	struct termios t;
	int rw, ro;

	(void)f;
	rw = open("/dev/null", O_RDWR | O_CLOEXEC);
	ro = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (rw < 0 || ro < 0)
		CHILD_FAIL("cannot open /dev/null or /dev/zero: %s", strerrorname_np(errno));
	/* ENOTTY: the ioctl reached the driver; EACCES: Landlock stopped it */
	C_ERR(ioctl(rw, TCGETS, &t), ENOTTY);
	C_ERR(ioctl(ro, TCGETS, &t), EACCES);
}

/* Device ioctls go with write: allowed on /dev/null (write), not on
 * /dev/zero (read only). */
FX_TEST(test_ioctl_dev_follows_write)
{
	if (gb_landlock_abi() < 5)
		TEST_SKIP("Landlock ABI %d has no IOCTL_DEV (needs 5)", gb_landlock_abi());
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [" SYS_READ ", \"/dev/zero\"], \"write\": [\"/dev/null\"]}}",
			  false), 0);
	ASSERT_EQ(run_sandboxed(f, child_ioctl), 0);
}

static pid_t outsider;

static void child_signals(const struct fx *f)
{
	pid_t inner;
	int status;

	(void)f;
	C_ERR(kill(outsider, SIGTERM), EPERM);
	inner = fork();
	if (inner == 0) {
		pause();
		_exit(0);
	}
	C_OK(kill(inner, SIGKILL)); /* same domain */
	waitpid(inner, &status, 0);
	if (!WIFSIGNALED(status))
		CHILD_FAIL("the sandbox's own child was not killed");
}

/* Even a policy that declares nothing scopes signals (ABI >= 6). */
FX_TEST(test_signal_scope)
{
	int status;

	ASSERT_EQ(prepare(f, "{\"version\": 1}", false), 0);
	if (gb_landlock_abi() < 6) {
		ASSERT_TRUE(f->ll == NULL);
		ASSERT_FALSE(gb_landlock_scopes_signals());
		TEST_SKIP("Landlock ABI %d cannot scope signals (needs 6)", gb_landlock_abi());
	}
	ASSERT_TRUE(gb_landlock_scopes_signals());
	ASSERT_TRUE(f->ll != NULL);
	ASSERT_STREQ(f->err, "");
	outsider = fork();
	ASSERT_TRUE(outsider >= 0);
	if (outsider == 0) {
		pause();
		_exit(0);
	}
	status = run_sandboxed(f, child_signals);
	kill(outsider, SIGKILL);
	waitpid(outsider, NULL, 0);
	ASSERT_EQ(status, 0);
}

static void child_audit(const struct fx *f)
{
	C_OK(open_close(cp(f, "ws/secret"), O_RDWR));
	C_OK(open_close(cp(f, "other/new.txt"), O_WRONLY | O_CREAT));
	if (gb_landlock_abi() >= 6)
		C_ERR(kill(getppid(), 0), EPERM);
}

/* Audit mode: no filesystem limit, but signals stay scoped (ABI >= 6). */
FX_TEST(test_audit_mode_scopes_signals_only)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"mode\": \"audit\", \"filesystem\": {"
			  "\"read\": [\"/usr\"], \"deny\": [\"${WORKSPACE}/secret\"]}}", false), 0);
	ASSERT_STREQ(f->err, "");
	ASSERT_EQ(f->ll != NULL, gb_landlock_abi() >= 6);
	ASSERT_EQ(run_sandboxed(f, child_audit), 0);
	ASSERT_TRUE(exists(f, "other/new.txt"));
	ASSERT_EQ(gb_landlock_enforce(NULL), 0);
}

FX_TEST(test_missing_allow_paths_are_skipped)
{
	ASSERT_EQ(prepare(f, "{\"version\": 1, \"filesystem\": {"
			  "\"read\": [\"/nonexistent/glovebox\", \"${WORKSPACE}/nope\"],"
			  "\"exec\": [\"/nonexistent/bin\"]}}", false), 0);
	ASSERT_TRUE(f->ll != NULL);
}

/* The shipped default policy prepares without errors or split warnings. */
FX_TEST(test_default_policy)
{
	gb_policy_free(f->p);
	f->p = NULL;
	ASSERT_EQ(gb_policy_load_string(gb_policy_default_text(), "<default>", f->ws, &f->p,
					f->err, sizeof(f->err)), 0);
	ASSERT_EQ(gb_landlock_prepare(f->p, false, &f->ll, f->err, sizeof(f->err)), 0);
	ASSERT_TRUE(f->ll != NULL);
	ASSERT_FALSE(strstr(f->err, "filesystem.deny"));
}

static const struct gb_test tests[] = {
	TEST(test_read_write_deny),
	TEST(test_deny_missing),
	TEST(test_deny_missing_deep),
	TEST(test_deny_dir),
	TEST(test_deny_wins_over_deeper_allow),
	TEST(test_deny_symlink_denies_target),
	TEST(test_allow_via_symlink),
	TEST(test_exec),
	TEST(test_exec_only),
	TEST(test_no_exec_limit),
	TEST(test_deny_only),
	TEST(test_hardlinked_deny_is_degraded),
	TEST(test_ioctl_dev_follows_write),
	TEST(test_signal_scope),
	TEST(test_audit_mode_scopes_signals_only),
	TEST(test_missing_allow_paths_are_skipped),
	TEST(test_default_policy),
	{ 0 },
};

int main(int argc, char **argv)
{
	return gb_test_main(tests, argc, argv);
}
