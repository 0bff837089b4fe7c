/* SPDX-License-Identifier: MIT */
#include "test.h"

int gb_test_failed_flag;
int gb_test_skipped_flag;

int gb_test_main(const struct gb_test *tests, int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct gb_test *t = tests; t->name; t++) {
		if (only && !strstr(t->name, only))
			continue;
		gb_test_failed_flag = 0;
		gb_test_skipped_flag = 0;
		t->fn();
		if (gb_test_failed_flag) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else if (gb_test_skipped_flag) {
			printf("SKIP %s\n", t->name);
			skipped++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	/* The summary line the suite runner adds up: "N passed, N failed". */
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
