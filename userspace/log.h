/* SPDX-License-Identifier: MIT */
/* Diagnostics to stderr: "glovebox: what failed: why". Lowercase, no full
 * stop. Only the outermost caller logs an error; functions return -errno. */
#ifndef GLOVEBOX_LOG_H
#define GLOVEBOX_LOG_H

#include <stdbool.h>

extern bool gb_verbose;

void gb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gb_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route libbpf's messages through gb_debug (shown with -v only). */
void gb_log_setup_libbpf(void);

#endif
