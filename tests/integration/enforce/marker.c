// SPDX-License-Identifier: MIT
/* marker FILE: create FILE and exit 0. The enforcement suite runs copies of
 * it from places the policy does not allow to run: if FILE exists
 * afterwards, the program ran. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: marker FILE\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	return 0;
}
