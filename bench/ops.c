// SPDX-License-Identifier: MIT
/* Per-action cost: run one action N times in a tight loop and print the
 * mean cost per action. The harness runs the same binary inside and outside
 * a sandbox, interleaved, and compares.
 *
 *   ops open N FILE        open(FILE, O_RDONLY) + close
 *   ops stat N FILE        stat(FILE)
 *   ops connect N          TCP connect() to a loopback listener this process
 *                          holds, accept, close both (RST: no TIME_WAIT)
 *   ops forkexec N         fork + execve("/bin/true") + waitpid
 *   ops all FILE N_OPEN N_STAT N_CONNECT N_FORKEXEC
 *
 * With OPS_LANDLOCK=RULES set, ops first puts itself in a Landlock domain
 * made of the rules in the file RULES, one per line: "r PATH" (read),
 * "x PATH" (execute and read) or "w PATH" (every right); paths that do not
 * exist are skipped. That measures Landlock alone, without glovebox.
 *
 * Output: one line per action, "<action>_ns <ns per action>": the loop of N
 * is timed in CHUNKS chunks and the median chunk's mean is printed, so a
 * burst of other work on the host during one chunk does not move the
 * figure. Every loop starts with a warm-up of N/10 actions, not timed. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/types.h>
#include "common.h"

static const char *file;
static int listen_fd = -1;
static struct sockaddr_in listen_addr;

static void act_open(void)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("cannot open '%s': %s", file, strerror(errno));
	close(fd);
}

static void act_stat(void)
{
	struct stat st;

	if (stat(file, &st) < 0)
		die("cannot stat '%s': %s", file, strerror(errno));
}

static void listener_setup(void)
{
	socklen_t len = sizeof(listen_addr);

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		die("socket: %s", strerror(errno));
	listen_addr.sin_family = AF_INET;
	listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_addr.sin_port = 0;
	if (bind(listen_fd, (struct sockaddr *)&listen_addr, sizeof(listen_addr)) < 0 ||
	    listen(listen_fd, 64) < 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&listen_addr, &len) < 0)
		die("cannot listen on 127.0.0.1: %s", strerror(errno));
}

static void act_connect(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int c, a;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		die("socket: %s", strerror(errno));
	if (connect(c, (struct sockaddr *)&listen_addr, sizeof(listen_addr)) < 0)
		die("cannot connect to 127.0.0.1:%d: %s", ntohs(listen_addr.sin_port), strerror(errno));
	a = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		die("accept: %s", strerror(errno));
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	close(a);
}

static void act_forkexec(void)
{
	static char *const argv[] = { "/bin/true", NULL };
	int st;
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("/bin/true failed (status %#x)", st);
}

#define CHUNKS 20

static void run(const char *name, void (*act)(void), long n)
{
	uint64_t chunk[CHUNKS];
	long per = n / CHUNKS > 0 ? n / CHUNKS : 1;

	if (n <= 0)
		return;
	for (long i = 0; i < n / 10; i++)
		act();
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t0 = now_ns();

		for (long i = 0; i < per; i++)
			act();
		chunk[c] = now_ns() - t0;
	}
	printf("%s_ns %.1f\n", name, (double)median_u64(chunk, CHUNKS) / (double)per);
	fflush(stdout);
}

/* Landlock ABI 1 rights are enough to put a realistic domain in place. */
#define LL_EXECUTE (1ULL << 0)
#define LL_WRITE_FILE (1ULL << 1)
#define LL_READ_FILE (1ULL << 2)
#define LL_READ_DIR (1ULL << 3)
#define LL_ALL ((1ULL << 13) - 1)

static void landlock_from(const char *rules)
{
	struct { __u64 handled; } attr = { LL_ALL };
	struct {
		__u64 allowed;
		__s32 fd;
	} __attribute__((packed)) pb;
	char line[4200];
	FILE *f = fopen(rules, "re");
	int rs;

	if (!f)
		die("cannot open '%s': %s", rules, strerror(errno));
	rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rs < 0)
		die("landlock_create_ruleset: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct stat st;
		char *path = line + 2;

		line[strcspn(line, "\n")] = 0;
		if (strlen(line) < 3 || line[1] != ' ')
			continue;
		pb.allowed = line[0] == 'w' ? LL_ALL : line[0] == 'x' ? LL_EXECUTE | LL_READ_FILE | LL_READ_DIR :
			     LL_READ_FILE | LL_READ_DIR;
		pb.fd = open(path, O_PATH | O_CLOEXEC);
		if (pb.fd < 0)
			continue;
		if (fstat(pb.fd, &st) == 0 && !S_ISDIR(st.st_mode))
			pb.allowed &= LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE;
		if (syscall(SYS_landlock_add_rule, rs, 1 /* PATH_BENEATH */, &pb, 0) < 0)
			die("landlock_add_rule '%s': %s", path, strerror(errno));
		close(pb.fd);
	}
	fclose(f);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		die("landlock_restrict_self: %s", strerror(errno));
	close(rs);
}

static long count(const char *s)
{
	return (long)parse_num(s, 0, 100000000, "count");
}

int main(int argc, char **argv)
{
	if (getenv("OPS_LANDLOCK"))
		landlock_from(getenv("OPS_LANDLOCK"));
	if (argc == 4 && !strcmp(argv[1], "open")) {
		file = argv[3];
		run("open", act_open, count(argv[2]));
	} else if (argc == 4 && !strcmp(argv[1], "stat")) {
		file = argv[3];
		run("stat", act_stat, count(argv[2]));
	} else if (argc == 3 && !strcmp(argv[1], "connect")) {
		listener_setup();
		run("connect", act_connect, count(argv[2]));
	} else if (argc == 3 && !strcmp(argv[1], "forkexec")) {
		run("forkexec", act_forkexec, count(argv[2]));
	} else if (argc == 7 && !strcmp(argv[1], "all")) {
		file = argv[2];
		run("open", act_open, count(argv[3]));
		run("stat", act_stat, count(argv[4]));
		listener_setup();
		run("connect", act_connect, count(argv[5]));
		run("forkexec", act_forkexec, count(argv[6]));
	} else {
		fprintf(stderr, "usage: ops open|stat N FILE | connect|forkexec N |"
				" all FILE N_OPEN N_STAT N_CONNECT N_FORKEXEC\n");
		return 2;
	}
	return 0;
}
