/* SPDX-License-Identifier: MIT */
#ifndef GLOVEBOX_UTIL_H
#define GLOVEBOX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read a small file into buf (NUL-terminated). Returns bytes read or -errno. */
int gb_read_file(const char *path, char *buf, size_t len);
/* Write s to an existing file (no O_CREAT). Returns 0 or -errno. */
int gb_write_file(const char *path, const char *s);
/* Whether the sep-separated list contains item (whitespace-trimmed). */
bool gb_list_has(const char *list, char sep, const char *item);
void gb_sleep_ms(int ms);
/* snprintf for paths: returns 0, or -ENAMETOOLONG if it did not fit. */
int gb_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
uint64_t gb_monotonic_ns(void);
uint64_t gb_realtime_ns(void);
/* RFC 3339 UTC with nanoseconds: 2026-11-22T00:05:27.123456789Z */
void gb_format_ts(uint64_t realtime_ns, char *buf, size_t len);

struct stat;
/* Call cb for every file under dir (not a directory) that has more than one
 * hard link: not following symbolic links, not crossing mount points. Stops
 * with -E2BIG after visiting max entries; returns cb's first nonzero result,
 * or 0. */
int gb_each_linked_file(const char *dir, int (*cb)(const char *path, const struct stat *st, void *ctx),
			void *ctx, size_t max);

#endif
