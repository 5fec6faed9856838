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

/*
 * Decode one character at s: its width in *w, what to draw for it in
 * *draw (*drawn bytes); returns the bytes of s used.  Text comes from
 * outside (meeting names, check output, stack names, records of a
 * shared table): a control character, a byte that is not a character
 * of the locale or a character the terminal cannot print is drawn as
 * one '?', so that no text moves the cursor off its cell (a \r went
 * back to the start of the row, a \n cut it and overwrote the next).
 */
static size_t
ui_text_next(const char *s, int *w, const char **draw, size_t *drawn)
{
	unsigned char	 c = (unsigned char)*s;
	mbstate_t	 st;
	wchar_t		 wc;
	size_t		 n;
	int		 cw;

	*w = 1;
	*draw = s;
	*drawn = 1;
	if (c < 0x80) {
		if (c < 0x20 || c == 0x7f)
			*draw = "?";
		return (1);
	}
	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*draw = "?";
		return (1);
	}
	if ((cw = wcwidth(wc)) < 0) {
		*draw = "?";
		return (n);
	}
	*w = cw;
	*drawn = n;
	return (n);
}

int
ui_text_width(const char *s)
{
	const char	*d;
	size_t		 dn;
	int		 total = 0, w;

	while (*s != '\0') {
		if ((unsigned char)*s < 0x80) {
			total++;
			s++;
			continue;
		}
		s += ui_text_next(s, &w, &d, &dn);
		total += w;
	}
	return (total);
}

/*
 * Copy from *sp to out + o what ui_text_next() says to draw, within
 * width columns (*used counts them) and outlen bytes with the NUL;
 * returns the new o and moves *sp past what was copied.
 */
static size_t
ui_text_copy(char *out, size_t outlen, size_t o, const char **sp,
    int width, int *used)
{
	const char	*s = *sp, *d;
	size_t		 n, dn;
	int		 w;

	while (*s != '\0') {
		n = ui_text_next(s, &w, &d, &dn);
		if (*used + w > width || o + dn + 1 > outlen)
			break;
		memcpy(out + o, d, dn);
		o += dn;
		s += n;
		*used += w;
	}
	*sp = s;
	return (o);
}

char *
ui_text_fit(char *out, size_t outlen, const char *s, int width, int align,
    bool pad, bool ascii)
{
	const char	*ell = ascii ? "~" : "\xe2\x80\xa6";	/* … */
	size_t		 o = 0, elen = strlen(ell);
	int		 used = 0, total, fill;

	if (outlen == 0)
		return (out);
	if (width <= 0) {
		out[0] = '\0';
		return (out);
	}
	total = ui_text_width(s);
	if (total > width) {
		/* Cut, keeping a column (and the bytes) for the ellipsis. */
		if (outlen > elen)
			o = ui_text_copy(out, outlen - elen, o, &s, width - 1,
			    &used);
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
	o = ui_text_copy(out, outlen, o, &s, width, &used);
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
