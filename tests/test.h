/* SPDX-License-Identifier: MIT */
/* A small test harness: named test functions registered in one table,
 * assertion macros that print file:line and what failed, SKIP with a reason.
 *
 *   static void test_foo(void) { ASSERT_EQ(1 + 1, 2); }
 *   static const struct gb_test tests[] = { TEST(test_foo), { 0 } };
 *   int main(int argc, char **argv) { return gb_test_main(tests, argc, argv); }
 *
 * A test fails if any assertion fails; an assertion failure returns from the
 * test function at once. TEST_SKIP("reason") marks it skipped and returns.
 * Run one test: ./test_x NAME (substring match).
 */
#ifndef GLOVEBOX_TEST_H
#define GLOVEBOX_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gb_test {
	const char *name;
	void (*fn)(void);
};

#define TEST(f) { #f, f }

extern int gb_test_failed_flag;
extern int gb_test_skipped_flag;

#define GB_FAIL_(...)                                                        \
	do {                                                                 \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);              \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
		gb_test_failed_flag = 1;                                     \
	} while (0)

#define ASSERT_TRUE(c)                                                       \
	do {                                                                 \
		if (!(c)) {                                                  \
			GB_FAIL_("expected true: %s", #c);                   \
			return;                                              \
		}                                                            \
	} while (0)

#define ASSERT_FALSE(c) ASSERT_TRUE(!(c))

#define ASSERT_EQ(a, b)                                                      \
	do {                                                                 \
		long long a_ = (long long)(a), b_ = (long long)(b);          \
		if (a_ != b_) {                                              \
			GB_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);  \
			return;                                              \
		}                                                            \
	} while (0)

#define ASSERT_NE(a, b)                                                      \
	do {                                                                 \
		long long a_ = (long long)(a), b_ = (long long)(b);          \
		if (a_ == b_) {                                              \
			GB_FAIL_("%s != %s: both %lld", #a, #b, a_);         \
			return;                                              \
		}                                                            \
	} while (0)

#define ASSERT_STREQ(a, b)                                                   \
	do {                                                                 \
		const char *a_ = (a), *b_ = (b);                             \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                     \
			GB_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b,        \
				 a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
			return;                                              \
		}                                                            \
	} while (0)

#define ASSERT_CONTAINS(hay, needle)                                         \
	do {                                                                 \
		const char *h_ = (hay), *n_ = (needle);                      \
		if (!h_ || !strstr(h_, n_)) {                                \
			GB_FAIL_("%s contains \"%s\": got \"%s\"", #hay, n_,  \
				 h_ ? h_ : "(null)");                         \
			return;                                              \
		}                                                            \
	} while (0)

#define TEST_SKIP(...)                                                       \
	do {                                                                 \
		fprintf(stderr, "SKIP: ");                                   \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
		gb_test_skipped_flag = 1;                                    \
		return;                                                      \
	} while (0)

int gb_test_main(const struct gb_test *tests, int argc, char **argv);

#endif
