/* SPDX-License-Identifier: MIT */
/* `glovebox run`: launch one command in a new sandbox and stream its audit. */
#ifndef GLOVEBOX_RUN_H
#define GLOVEBOX_RUN_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses of glovebox run besides the command's own (as timeout(1)). */
#define GB_EXIT_TIMEBOX 124  /* the timebox killed the sandbox */
#define GB_EXIT_FAILURE 125  /* glovebox failed before the command started */
#define GB_EXIT_NOEXEC 126   /* the command could not be executed */
#define GB_EXIT_NOTFOUND 127 /* the command was not found */

struct gb_run_opts {
	const char *policy;    /* NULL = the embedded default */
	const char *workspace; /* NULL = the current directory */
	const char *name;      /* NULL = <policy name>-<pid> */
	const char *audit;     /* "-" = stderr */
	int mode;              /* -1 = the policy's, else GB_MODE_* */
	uint64_t timeout_ns;   /* 0 = the policy's time.wall */
	bool allow_degraded;
	int backend;           /* enum gb_backend; GB_BACKEND_AUTO = 0 */
	char **argv;           /* the command */
};

int gb_run(const struct gb_run_opts *o);

#endif
