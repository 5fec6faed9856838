/* spark.c: sparklines with ▁▂▃▄▅▆▇█, or an ASCII ramp. */
#include <math.h>
#include <string.h>

#include "ui-int.h"

static const char *const ui_spark_utf8[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
};
static const char ui_spark_ascii[8] = { '_', '.', '-', '-', '=', '=', '#',
	'#' };

int
ui_spark_level(double v, double lo, double hi)
{
	double	 f;
	int	 l;

	if (isnan(v))
		return (-1);
	if (hi <= lo)
		return (0);
	f = (v - lo) / (hi - lo);
	if (f <= 0)
		return (0);
	if (f >= 1)
		return (7);
	l = (int)(f * 8);
	return (l > 7 ? 7 : l);
}

size_t
ui_ring_tail(const struct fleet_ring *r, float *out, size_t n)
{
	size_t	 count = r->count, i, first, idx;

	if (count > FLEET_HIST_LEN)
		count = FLEET_HIST_LEN;
	if (n > count)
		n = count;
	first = count - n;
	/* The ring's oldest sample sits at head - count. */
	for (i = 0; i < n; i++) {
		idx = (r->head + FLEET_HIST_LEN - count + first + i) %
		    FLEET_HIST_LEN;
		out[i] = r->v[idx];
	}
	return (n);
}

char *
ui_spark(char *out, size_t outlen, const float *v, size_t n, int width,
    double lo, double hi, bool ascii)
{
	size_t	 o = 0, i, start;
	int	 col, l;

	if (outlen == 0)
		return (out);
	if (hi <= lo) {
		hi = lo;
		for (i = 0; i < n; i++)
			if (!isnan(v[i]) && v[i] > hi)
				hi = v[i];
		if (hi <= lo)
			hi = lo + 1;
	}
	/* Right-aligned: the newest value in the last column. */
	start = n > (size_t)width ? n - (size_t)width : 0;
	for (col = 0; col < width - (int)(n - start); col++) {
		if (o + 2 > outlen)
			break;
		out[o++] = ' ';
	}
	for (i = start; i < n; i++) {
		l = ui_spark_level(v[i], lo, hi);
		if (l < 0 || ascii) {
			if (o + 2 > outlen)
				break;
			out[o++] = l < 0 ? ' ' : ui_spark_ascii[l];
			continue;
		}
		if (o + 4 > outlen)
			break;
		memcpy(out + o, ui_spark_utf8[l], 3);
		o += 3;
	}
	out[o] = '\0';
	return (out);
}

char *
ui_graph_row(char *out, size_t outlen, const float *v, size_t n, int width,
    double lo, double hi, int row, int height, bool ascii)
{
	size_t	 o = 0, i, start;
	int	 col, level;
	double	 f;

	if (outlen == 0)
		return (out);
	if (hi <= lo) {
		hi = lo;
		for (i = 0; i < n; i++)
			if (!isnan(v[i]) && v[i] > hi)
				hi = v[i];
		if (hi <= lo)
			hi = lo + 1;
	}
	start = n > (size_t)width ? n - (size_t)width : 0;
	for (col = 0; col < width - (int)(n - start) && o + 2 <= outlen;
	    col++)
		out[o++] = ' ';
	for (i = start; i < n; i++) {
		if (isnan(v[i]))
			level = 0;
		else {
			f = (v[i] - lo) / (hi - lo);
			f = f < 0 ? 0 : (f > 1 ? 1 : f);
			level = (int)(f * 8 * height + 0.5) - 8 * row;
		}
		if (level > 8)
			level = 8;
		if (level <= 0 || ascii) {
			if (o + 2 > outlen)
				break;
			out[o++] = level <= 0 ? ' ' : (level >= 8 ? '#' :
			    (level >= 4 ? '+' : '.'));
			continue;
		}
		if (o + 4 > outlen)
			break;
		memcpy(out + o, ui_spark_utf8[level - 1], 3);
		o += 3;
	}
	out[o] = '\0';
	return (out);
}
