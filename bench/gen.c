// SPDX-License-Identifier: MIT
/* Audit event generators, run inside a sandbox, and a sleeper for the scale
 * benchmark.
 *
 *   gen net RATE SECS PORT [PROCS]
 *                            connect() to 127.0.0.1:PORT, which the policy
 *                            denies: each attempt fails with EPERM at once
 *                            and makes exactly one "network" audit event;
 *                            PROCS processes share RATE (default 1)
 *   gen exec RATE SECS       fork + execve("/bin/true"): a fork, an exec and
 *                            an exit event per iteration
 *   gen sleep FIFO           write one byte to FIFO (the harness's "ready"
 *                            pipe), close it, and sleep until killed
 *
 * RATE is attempts per second, spread evenly; 0 means as fast as possible.
 * Output: "attempts N", "denied N" (net), "secs S", "rate R" (attempts per
 * second achieved), "cpu_ns N" (the generators' CPU time per attempt). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

/* Sleep while more than 1 ms ahead of the schedule; otherwise go on. */
static void pace(uint64_t t0, long long rate, long long done)
{
	uint64_t due, now;

	if (!rate)
		return;
	due = t0 + (uint64_t)((double)done * 1e9 / (double)rate);
	now = now_ns();
	if (due > now + 1000000) {
		struct timespec ts = { .tv_sec = (due - now) / 1000000000ull,
				       .tv_nsec = (long)((due - now) % 1000000000ull) };

		nanosleep(&ts, NULL);
	}
}

struct tally {
	long long attempts, denied;
};

static struct tally net_worker(long long rate, double secs, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct tally n = { 0 };
	uint64_t t0, end;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	do {
		/* A denied connect leaves the socket unconnected: reuse it. */
		for (int i = 0; i < 16; i++) {
			if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
				die("connect to 127.0.0.1:%d was allowed: the policy must deny it", port);
			if (errno == EPERM)
				n.denied++;
			else if (errno != EINTR)
				die("connect to 127.0.0.1:%d: expected EPERM, got %s", port, strerror(errno));
			n.attempts++;
		}
		pace(t0, rate, n.attempts);
	} while (now_ns() < end);
	close(fd);
	return n;
}

static double cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}

static int gen_net(long long rate, double secs, int port, int procs)
{
	struct tally total = { 0 };
	int pipefd[2];
	uint64_t t0 = now_ns(), t;

	if (pipe(pipefd) < 0)
		die("pipe: %s", strerror(errno));
	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			struct tally n = net_worker(rate / procs, secs, port);

			if (write(pipefd[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			_exit(0);
		}
	}
	close(pipefd[1]);
	for (int i = 0; i < procs; i++) {
		struct tally n;

		if (read(pipefd[0], &n, sizeof(n)) != sizeof(n))
			die("a generator process failed");
		total.attempts += n.attempts;
		total.denied += n.denied;
	}
	while (wait(NULL) > 0)
		;
	t = now_ns();
	printf("attempts %lld\ndenied %lld\nsecs %.6f\nrate %.0f\ncpu_ns %.0f\n", total.attempts,
	       total.denied, (double)(t - t0) / 1e9, (double)total.attempts * 1e9 / (double)(t - t0),
	       cpu_ns(RUSAGE_CHILDREN) / (double)(total.attempts ? total.attempts : 1));
	return 0;
}

static int gen_exec(long long rate, double secs)
{
	static char *const argv[] = { "/bin/true", NULL };
	long long n = 0;
	uint64_t t0, end, t;

	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	do {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			die("/bin/true failed (status %#x)", st);
		n++;
		pace(t0, rate, n);
		t = now_ns();
	} while (t < end);
	printf("attempts %lld\nsecs %.6f\nrate %.0f\ncpu_ns %.0f\n", n, (double)(t - t0) / 1e9,
	       (double)n * 1e9 / (double)(t - t0),
	       (cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN)) / (double)(n ? n : 1));
	return 0;
}

static int gen_sleep(const char *fifo)
{
	int fd = open(fifo, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, "r", 1) != 1)
		die("cannot write to '%s': %s", fifo, strerror(errno));
	close(fd);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "net"))
		return gen_net(parse_num(argv[2], 0, 100000000, "rate"),
			       (double)parse_num(argv[3], 1, 3600, "seconds"),
			       (int)parse_num(argv[4], 1, 65535, "port"),
			       argc == 6 ? (int)parse_num(argv[5], 1, 64, "processes") : 1);
	if (argc == 4 && !strcmp(argv[1], "exec"))
		return gen_exec(parse_num(argv[2], 0, 100000000, "rate"),
				(double)parse_num(argv[3], 1, 3600, "seconds"));
	if (argc == 3 && !strcmp(argv[1], "sleep"))
		return gen_sleep(argv[2]);
	fprintf(stderr, "usage: gen net RATE SECS PORT [PROCS] | gen exec RATE SECS | gen sleep FIFO\n");
	return 2;
}
