// SPDX-License-Identifier: MIT
/* Launch latency: time fork + exec + wait of several commands, interleaved.
 *
 *   launch ROUNDS NAME CMD [ARGS...] [:: NAME CMD [ARGS...]]...
 *
 * Each round runs every command once, starting from a different one each
 * round so that no command always follows the same neighbour (unless
 * LAUNCH_IN_ORDER=1: then always in the order given). stdin is
 * /dev/null, stdout and stderr go to /dev/null (set LAUNCH_KEEP_STDERR=1 to
 * keep stderr for debugging). One line per run on stdout:
 *   "<name> <round> <ns> <exit status>"
 * A run that exits non-zero is reported with its status; the harness treats
 * the command as unavailable. */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

struct subject {
	const char *name;
	char **argv;
};

static uint64_t run_once(char **argv, int *status)
{
	uint64_t t0;
	pid_t pid;
	int st;

	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		if (!getenv("LAUNCH_KEEP_STDERR"))
			dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid: %s", strerror(errno));
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	struct subject s[64];
	int n = 0, rounds;

	if (argc < 4) {
		fprintf(stderr, "usage: launch ROUNDS NAME CMD [ARGS...] [:: NAME CMD [ARGS...]]...\n");
		return 2;
	}
	rounds = (int)parse_num(argv[1], 1, 100000, "rounds");
	for (int i = 2; i < argc;) {
		if (n == 64)
			die("too many commands (at most 64)");
		if (i + 1 >= argc || !strcmp(argv[i], "::") || !strcmp(argv[i + 1], "::"))
			die("each command needs a name and a program");
		s[n].name = argv[i];
		s[n].argv = &argv[i + 1];
		for (i += 2; i < argc && strcmp(argv[i], "::"); i++)
			;
		if (i < argc)
			argv[i++] = NULL; /* ends this command's argv */
		n++;
	}
	for (int r = 0; r < rounds; r++) {
		int first = getenv("LAUNCH_IN_ORDER") ? 0 : r;

		for (int k = 0; k < n; k++) {
			struct subject *x = &s[(first + k) % n];
			int status;
			uint64_t ns = run_once(x->argv, &status);

			printf("%s %d %llu %d\n", x->name, r, (unsigned long long)ns, status);
		}
		fflush(stdout);
	}
	return 0;
}
