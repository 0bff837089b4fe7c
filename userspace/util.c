// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

int gb_read_file(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (n + 1 < len) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			close(fd);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	return (int)n;
}

int gb_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t r;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write(fd, s, len);
	if (r < 0)
		ret = -errno;
	else if ((size_t)r != len)
		ret = -EIO;
	close(fd);
	return ret;
}

bool gb_list_has(const char *list, char sep, const char *item)
{
	size_t ilen = strlen(item);
	const char *p = list;

	while (*p) {
		const char *end;

		while (*p == sep || *p == ' ' || *p == '\n')
			p++;
		end = p;
		while (*end && *end != sep && *end != '\n' && !(sep != ' ' && *end == ' '))
			end++;
		if ((size_t)(end - p) == ilen && strncmp(p, item, ilen) == 0)
			return true;
		p = end;
	}
	return false;
}

void gb_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t gb_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t gb_realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void gb_format_ts(uint64_t ns, char *buf, size_t len)
{
	/* The date and time to the second change once a second: cached. */
	static __thread time_t last = -1;
	static __thread char date[32];
	time_t secs = (time_t)(ns / 1000000000ull);
	unsigned long frac = (unsigned long)(ns % 1000000000ull);
	char digits[10];

	if (secs != last) {
		struct tm tm;

		gmtime_r(&secs, &tm);
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		last = secs;
	}
	for (int i = 8; i >= 0; i--, frac /= 10)
		digits[i] = (char)('0' + frac % 10);
	digits[9] = '\0';
	snprintf(buf, len, "%s.%sZ", date, digits);
}

int gb_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int linked_walk(char *path, size_t len, size_t cap, dev_t dev,
		       int (*cb)(const char *, const struct stat *, void *), void *ctx, size_t *left)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	d = opendir(path);
	if (!d)
		return errno == ENOENT || errno == EACCES ? 0 : -errno;
	while (!ret && (de = readdir(d))) {
		struct stat st;
		size_t n;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((*left)-- == 0) {
			ret = -E2BIG;
			break;
		}
		n = strlen(de->d_name);
		if (len + 1 + n + 1 > cap)
			continue; /* deeper than PATH_MAX: cannot be opened by name either */
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		if (lstat(path, &st) == 0 && st.st_dev == dev) {
			if (S_ISDIR(st.st_mode))
				ret = linked_walk(path, len + 1 + n, cap, dev, cb, ctx, left);
			else if (st.st_nlink > 1)
				ret = cb(path, &st, ctx);
		}
		path[len] = '\0';
	}
	closedir(d);
	return ret;
}

int gb_each_linked_file(const char *dir, int (*cb)(const char *path, const struct stat *st, void *ctx),
			void *ctx, size_t max)
{
	char path[4096];
	struct stat st;
	size_t len = strlen(dir);

	if (len >= sizeof(path) || lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	memcpy(path, dir, len + 1);
	if (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	return linked_walk(path, len, sizeof(path), st.st_dev, cb, ctx, &max);
}
