/*
 * bench-draw.c: the time to draw one frame of the nodes view of a
 * generated fleet (curses into memory, output to /dev/null), with and
 * without a fleet change (which rebuilds, filters and sorts the rows),
 * and the peak RSS.  Prints figures; asserts nothing.
 *
 *	bench-draw [-n NODES] [-f FRAMES] [-W COLS] [-H ROWS]
 */
#include <sys/resource.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "util.h"
#include "ui/ui.h"
#include "../unit/ui-gen.h"

static int64_t	 bench_clock_ms;

static int64_t
bench_clock(void)
{
	return (bench_clock_ms);
}

static double
bench_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e6 + ts.tv_nsec / 1e3);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static void
bench_report(const char *what, double *t, int n)
{
	double	 sum = 0;
	int	 i;

	qsort(t, (size_t)n, sizeof *t, bench_cmp);
	for (i = 0; i < n; i++)
		sum += t[i];
	printf("  %-34s median %7.3f ms  p99 %7.3f ms  mean %7.3f ms\n",
	    what, t[n / 2] / 1000, t[(n * 99) / 100] / 1000,
	    sum / n / 1000);
}

int
main(int argc, char **argv)
{
	struct ui_opts	 o;
	struct fleet	*f;
	struct ui	*ui;
	struct rusage	 ru;
	char		*cause = NULL;
	double		*t, t0;
	int		 nodes = 1000, frames = 200, cols = 200, rows = 50;
	int		 c, i;

	while ((c = getopt(argc, argv, "n:f:W:H:")) != -1) {
		switch (c) {
		case 'n':
			nodes = (int)strtol(optarg, NULL, 10);
			break;
		case 'f':
			frames = (int)strtol(optarg, NULL, 10);
			break;
		case 'W':
			cols = (int)strtol(optarg, NULL, 10);
			break;
		case 'H':
			rows = (int)strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench-draw [-n NODES] "
			    "[-f FRAMES] [-W COLS] [-H ROWS]\n");
			return (2);
		}
	}
	if (nodes < 1 || frames < 1)
		return (2);
	setenv("TERM", "xterm-256color", 1);
	bench_clock_ms = util_wall_ms();
	f = ui_gen_fleet((size_t)nodes, 42, bench_clock_ms);
	memset(&o, 0, sizeof o);
	o.color = true;
	o.refresh_ms = 2000;
	o.headless_cols = cols;
	o.headless_rows = rows;
	o.now = bench_clock;
	if ((ui = ui_new(&o, f, &cause)) == NULL) {
		fprintf(stderr, "bench-draw: %s\n", cause);
		return (1);
	}
	t = xcalloc((size_t)frames, sizeof *t);
	printf("ui draw: nodes view, %d nodes, %dx%d, %d frames\n", nodes,
	    cols, rows, frames);

	ui_redraw(ui);		/* warm up: first build */
	for (i = 0; i < frames; i++) {
		t0 = bench_now_us();
		ui_redraw(ui);
		t[i] = bench_now_us() - t0;
	}
	bench_report("frame, fleet unchanged", t, frames);

	for (i = 0; i < frames; i++) {
		bench_clock_ms += 2000;
		ui_gen_prom(f, (size_t)nodes, (uint64_t)i + 7, bench_clock_ms);
		t0 = bench_now_us();
		ui_draw(ui);	/* version changed: rebuild + sort */
		t[i] = bench_now_us() - t0;
	}
	bench_report("frame after a fleet change", t, frames);

	ui_key(ui, '/');
	ui_key(ui, 'c');
	ui_key(ui, 'p');
	ui_key(ui, 'u');
	ui_key(ui, ':');
	ui_key(ui, '>');
	ui_key(ui, '2');
	ui_key(ui, '0');
	ui_key(ui, '\r');
	for (i = 0; i < frames; i++) {
		bench_clock_ms += 2000;
		ui_gen_prom(f, (size_t)nodes, (uint64_t)i + 9, bench_clock_ms);
		t0 = bench_now_us();
		ui_draw(ui);
		t[i] = bench_now_us() - t0;
	}
	bench_report("... with the filter cpu:>20", t, frames);

	ui_free(ui);
	fleet_free(f);
	free(t);
	getrusage(RUSAGE_SELF, &ru);
	printf("  peak RSS (generator, model and UI)  %ld KiB\n", ru.ru_maxrss);
	return (0);
}
