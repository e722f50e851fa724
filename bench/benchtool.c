// SPDX-License-Identifier: GPL-2.0
/*
 * benchtool: the guest-side helper of 'make bench' (static, so that it
 * runs in the busybox initramfs as it is).
 *
 *   benchtool threads N [BUSY]
 *       start N threads that sleep in pause() and BUSY threads that spin
 *       in user space with a getppid() syscall now and then; print
 *       "ready N BUSY" once all exist, then wait to be killed.
 *
 *   benchtool time [-t SECONDS] STEP...
 *       run the steps in order and print the nanoseconds they took, in
 *       total and each: "total NS steps NS NS ...". A failed step or a
 *       wait past the timeout (default 300 s) exits 1 naming it. Steps:
 *         -x "CMD ARG..."   run CMD (split on blanks, no shell); it must
 *                           exit 0; its output goes to /tmp/benchtool.out
 *         -e PATH=VALUE     write VALUE to PATH
 *         -w PATH=VALUE     wait until PATH reads VALUE
 *         -g PATH           wait until PATH no longer exists
 *         -z PATH           wait until PATH reads empty
 *       Waits poll every millisecond, the same way for every backend (more
 *       often would take CPU time from the work being waited for).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_NS		1000000L
#define MAX_STEPS	32
#define MAX_ARGS	64
#define THREAD_STACK	(64 * 1024)
#define CHILD_OUT	"/tmp/benchtool.out"

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "benchtool: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- threads ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *spinner(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;) {
		for (int i = 0; i < 100000; i++)
			n++;
		syscall(SYS_getppid);
	}
	return NULL;
}

static int cmd_threads(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t tid;
	long n, busy = 0;

	if (argc < 2)
		die("usage: benchtool threads N [BUSY]");
	n = strtol(argv[1], NULL, 10);
	if (argc > 2)
		busy = strtol(argv[2], NULL, 10);
	if (n < 0 || busy < 0)
		die("bad thread count");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (long i = 0; i < n + busy; i++) {
		int ret = pthread_create(&tid, &attr, i < n ? sleeper : spinner,
					 NULL);

		if (ret)
			die("pthread_create: %s", strerror(ret));
	}
	printf("ready %ld %ld\n", n, busy);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* ---- time ---- */

struct step {
	char kind;
	char *arg;	/* CMD, or PATH */
	char *value;	/* after '=' */
};

/* 1: PATH reads value (trailing newline ignored), 0: not, -1: no PATH */
static int reads(const char *path, const char *value)
{
	char buf[256];
	ssize_t len;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return !strcmp(buf, value);
}

static void poll_sleep(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);
}

static void run_cmd(char *cmd)
{
	char *args[MAX_ARGS], *copy = strdup(cmd), *save = NULL;
	int n = 0, status, fd;
	pid_t pid;

	if (!copy)
		die("out of memory");
	for (char *t = strtok_r(copy, " \t", &save); t && n < MAX_ARGS - 1;
	     t = strtok_r(NULL, " \t", &save))
		args[n++] = t;
	args[n] = NULL;
	if (!n)
		die("empty command");
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		fd = open(CHILD_OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(args[0], args);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char out[2048] = "";
		ssize_t len;

		fd = open(CHILD_OUT, O_RDONLY);
		if (fd >= 0) {
			len = read(fd, out, sizeof(out) - 1);
			out[len > 0 ? len : 0] = '\0';
			close(fd);
		}
		die("'%s' failed: %s", cmd, out);
	}
	free(copy);
}

static void write_value(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	size_t len = strlen(value);

	if (fd < 0 || write(fd, value, len) != (ssize_t)len)
		die("write %s: %s", path, strerror(errno));
	close(fd);
}

static void wait_value(const char *path, const char *value, long long limit)
{
	int r;

	while ((r = reads(path, value)) != 1) {
		if (r < 0)
			die("%s is gone while waiting for '%s'", path, value);
		if (now_ns() > limit)
			die("timed out waiting for %s to read '%s'", path, value);
		poll_sleep();
	}
}

static void wait_empty(const char *path, long long limit)
{
	while (reads(path, "") != 1) {
		if (now_ns() > limit)
			die("timed out waiting for %s to read empty", path);
		poll_sleep();
	}
}

static void wait_gone(const char *path, long long limit)
{
	struct stat st;

	while (!stat(path, &st)) {
		if (now_ns() > limit)
			die("timed out waiting for %s to go", path);
		poll_sleep();
	}
}

static int cmd_time(int argc, char **argv)
{
	struct step steps[MAX_STEPS];
	long long t0, t, limit, took[MAX_STEPS];
	double timeout = 300;
	int n = 0, c;

	optind = 1;
	while ((c = getopt(argc, argv, "t:x:e:w:g:z:")) != -1) {
		if (c == 't') {
			timeout = strtod(optarg, NULL);
			continue;
		}
		if (c == '?' || n == MAX_STEPS)
			die("usage: benchtool time [-t S] {-x CMD|-e P=V|-w P=V|-g P|-z P}...");
		steps[n].kind = (char)c;
		steps[n].arg = optarg;
		steps[n].value = NULL;
		if (c == 'e' || c == 'w') {
			char *eq = strrchr(optarg, '=');

			if (!eq)
				die("-%s %s: PATH=VALUE expected", c == 'e' ? "e" : "w",
				    optarg);
			*eq = '\0';
			steps[n].value = eq + 1;
		}
		n++;
	}
	if (!n || optind != argc)
		die("usage: benchtool time [-t S] {-x CMD|-e P=V|-w P=V|-g P|-z P}...");
	t0 = t = now_ns();
	limit = t0 + (long long)(timeout * 1e9);
	for (int i = 0; i < n; i++) {
		switch (steps[i].kind) {
		case 'x':
			run_cmd(steps[i].arg);
			break;
		case 'e':
			write_value(steps[i].arg, steps[i].value);
			break;
		case 'w':
			wait_value(steps[i].arg, steps[i].value, limit);
			break;
		case 'g':
			wait_gone(steps[i].arg, limit);
			break;
		case 'z':
			wait_empty(steps[i].arg, limit);
			break;
		}
		took[i] = now_ns() - t;
		t += took[i];
	}
	printf("total %lld steps", t - t0);
	for (int i = 0; i < n; i++)
		printf(" %lld", took[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "threads"))
		return cmd_threads(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "time"))
		return cmd_time(argc - 1, argv + 1);
	fprintf(stderr, "usage: benchtool threads N [BUSY] | benchtool time STEP...\n");
	return 2;
}
