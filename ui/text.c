/* text.c: UTF-8 display width, fitting into columns, putting text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui-int.h"

/* ui_put()'s ellipsis: "~" when the terminal is not UTF-8. */
static bool	 ui_text_ascii;

void
ui_text_set_ascii(bool ascii)
{
	ui_text_ascii = ascii;
}

/* Decode one character at s; its width in *w; returns bytes used. */
static size_t
ui_text_next(const char *s, int *w)
{
	mbstate_t	 st;
	wchar_t		 wc;
	size_t		 n;
	int		 cw;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*w = 1;
		return (1);
	}
	cw = wcwidth(wc);
	*w = cw < 0 ? 1 : cw;
	return (n);
}

int
ui_text_width(const char *s)
{
	int	 total = 0, w;

	while (*s != '\0') {
		if ((unsigned char)*s < 0x80) {
			total++;
			s++;
			continue;
		}
		s += ui_text_next(s, &w);
		total += w;
	}
	return (total);
}

char *
ui_text_fit(char *out, size_t outlen, const char *s, int width, int align,
    bool pad, bool ascii)
{
	const char	*ell = ascii ? "~" : "\xe2\x80\xa6";	/* … */
	size_t		 o = 0, n, elen = strlen(ell);
	int		 used = 0, w, total, fill;

	if (outlen == 0)
		return (out);
	if (width <= 0) {
		out[0] = '\0';
		return (out);
	}
	total = ui_text_width(s);
	if (total > width) {
		/* Cut, keeping a column for the ellipsis. */
		while (*s != '\0') {
			n = (unsigned char)*s < 0x80 ? 1 : ui_text_next(s, &w);
			if ((unsigned char)*s < 0x80)
				w = 1;
			if (used + w > width - 1 || o + n + elen + 1 > outlen)
				break;
			memcpy(out + o, s, n);
			o += n;
			s += n;
			used += w;
		}
		if (o + elen + 1 <= outlen) {
			memcpy(out + o, ell, elen);
			o += elen;
			used++;
		}
		total = used;
		fill = pad ? width - used : 0;
		while (fill-- > 0 && o + 1 < outlen)
			out[o++] = ' ';
		out[o] = '\0';
		return (out);
	}
	fill = pad ? width - total : 0;
	if (align == UI_ALIGN_RIGHT) {
		while (fill > 0 && o + 1 < outlen) {
			out[o++] = ' ';
			fill--;
		}
	}
	n = strlen(s);
	if (o + n + 1 > outlen)
		n = outlen - o - 1;
	memcpy(out + o, s, n);
	o += n;
	while (fill-- > 0 && o + 1 < outlen)
		out[o++] = ' ';
	out[o] = '\0';
	return (out);
}

bool
ui_text_contains(const char *hay, const char *needle)
{
	size_t	 i, n = strlen(needle);

	if (n == 0)
		return (true);
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n; i++) {
			if (hay[i] == '\0')
				return (false);
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		}
		if (i == n)
			return (true);
	}
	return (false);
}

void
ui_put(WINDOW *win, int y, int x, int width, attr_t attr, const char *s)
{
	char	 buf[1024];

	if (width <= 0)
		return;
	ui_text_fit(buf, sizeof buf, s, width, UI_ALIGN_LEFT, false,
	    ui_text_ascii);
	wattrset(win, attr);
	mvwaddstr(win, y, x, buf);
	wattrset(win, A_NORMAL);
}
