/*
 * form-demo.c: a full-screen program on the terminal layer with no
 * fleet, for tests/ui/form.sh: two forms, as a wizard's steps.
 *
 * Step 1 (server): name (text, required, letters, digits and '-'),
 * port (number 1..65535), secret (masked, at least 8 characters), mode
 * (a choice).  Step 2 (notes): note (text), count (number 1..10).
 * Enter on step 1 goes to step 2; Esc on step 2 comes back to step 1
 * with its values as they were; Esc on step 1 quits ("cancelled", exit
 * 1).  Enter on step 2 quits and prints every value, one "name=value"
 * a line (a secret as its length only), exit 0.
 *
 * It runs as the dashboard does: the loop, src/tui.c for the signals,
 * ui/terminal.h for the terminal, ui/form.h for the forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "tui.h"
#include "util.h"
#include "ui/form.h"
#include "ui/terminal.h"

struct demo {
	struct loop	*loop;
	struct ui_term	*term;
	struct ui_form	*step[2];
	size_t		 at;		/* the step shown */
	int		 rc;		/* -1 running, else the exit code */
};

static char *
demo_check_name(const char *v, void *arg)
{
	(void)arg;
	if (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(v))
		return (xstrdup("only a-z, 0-9 and '-' in a host name"));
	return (NULL);
}

static char *
demo_check_secret(const char *v, void *arg)
{
	(void)arg;
	if (strlen(v) < 8)
		return (xstrdup("the secret needs at least 8 characters"));
	return (NULL);
}

static void
demo_forms(struct demo *d)
{
	static const char *const modes[] = { "scalelite", "standalone",
	    "test" };
	struct ui_form	*f;
	size_t		 i;

	f = ui_form_new("Step 1 of 2: the server", "Tab moves, Enter goes "
	    "on, Esc quits");
	i = ui_form_add(f, UI_FORM_TEXT, "name", "Host name",
	    "the node's host name, as consul knows it", NULL);
	ui_form_set_required(f, i, true);
	ui_form_set_check(f, i, demo_check_name, NULL);
	i = ui_form_add(f, UI_FORM_NUMBER, "port", "Port",
	    "the HTTPS port of scalelite", "443");
	ui_form_set_range(f, i, 1, 65535);
	i = ui_form_add(f, UI_FORM_SECRET, "secret", "Shared secret",
	    "scalelite's secret (never shown)", NULL);
	ui_form_set_check(f, i, demo_check_secret, NULL);
	i = ui_form_add(f, UI_FORM_CHOICE, "mode", "Mode",
	    "Left/Right or Space to choose", NULL);
	ui_form_set_choices(f, i, modes, nitems(modes));
	d->step[0] = f;

	f = ui_form_new("Step 2 of 2: notes", "Enter finishes, Esc goes "
	    "back");
	ui_form_add(f, UI_FORM_TEXT, "note", "Note", "anything", NULL);
	i = ui_form_add(f, UI_FORM_NUMBER, "count", "Count",
	    "from 1 to 10", "3");
	ui_form_set_range(f, i, 1, 10);
	d->step[1] = f;
}

static void
demo_print(struct demo *d)
{
	struct ui_form	*f;
	size_t		 s, i;

	for (s = 0; s < nitems(d->step); s++) {
		f = d->step[s];
		for (i = 0; i < ui_form_count(f); i++) {
			if (ui_form_kind(f, i) == UI_FORM_SECRET)
				printf("%s=(%zu characters)\n",
				    ui_form_name(f, i),
				    strlen(ui_form_value(f, i)));
			else
				printf("%s=%s\n", ui_form_name(f, i),
				    ui_form_value(f, i));
		}
	}
}

static void
demo_end(struct demo *d, int rc)
{
	d->rc = rc;
	loop_break(d->loop);
}

static void
demo_input_cb(void *arg)
{
	struct demo	*d = arg;

	switch (ui_form_input(d->step[d->at], d->term)) {
	case UI_FORM_EDITING:
		break;
	case UI_FORM_SUBMIT:
		if (d->at + 1 == nitems(d->step)) {
			demo_end(d, 0);
			return;
		}
		d->at++;
		break;
	case UI_FORM_CANCEL:
		if (d->at == 0) {
			demo_end(d, 1);
			return;
		}
		d->at--;
		break;
	case UI_FORM_HANGUP:
		demo_end(d, 129);
		return;
	}
	ui_form_show(d->step[d->at], d->term);
}

static void
demo_resize_cb(void *arg)
{
	struct demo	*d = arg;

	ui_term_resize(d->term);
	ui_form_show(d->step[d->at], d->term);
}

static void
demo_end_cb(int signo, bool hup, void *arg)
{
	(void)hup;
	demo_end(arg, 128 + signo);
}

static void
demo_crash_cb(void)
{
	ui_restore_terminal();
}

int
main(int argc, char **argv)
{
	static const struct tui_cbs cbs = {
		.input = demo_input_cb,
		.resize = demo_resize_cb,
		.end = demo_end_cb,
		.crash = demo_crash_cb,
	};
	struct demo		 d;
	struct ui_term_opts	 o;
	struct tui		*tui;
	char			*cause = NULL;
	size_t			 i;

	if (argc > 1) {
		fprintf(stderr, "usage: %s\n", argv[0]);
		return (2);
	}
	memset(&d, 0, sizeof d);
	d.rc = -1;
	log_set_fatal_hook(ui_restore_terminal);
	demo_forms(&d);
	d.loop = loop_new();
	tui = tui_new(d.loop, &cbs, &d);
	memset(&o, 0, sizeof o);
	o.color = !ui_env_no_color();
	if ((d.term = ui_term_new(&o, &cause)) == NULL) {
		tui_free(tui);
		fprintf(stderr, "form-demo: %s\n", cause);
		free(cause);
		return (1);
	}
	tui_attach(tui, ui_term_fd(d.term));
	ui_form_show(d.step[0], d.term);
	loop_run(d.loop);
	ui_term_free(d.term);
	tui_free(tui);
	loop_free(d.loop);
	if (d.rc == 0)
		demo_print(&d);
	else if (d.rc == 1)
		printf("cancelled\n");
	for (i = 0; i < nitems(d.step); i++)
		ui_form_free(d.step[i]);
	return (d.rc < 0 ? 1 : d.rc);
}
