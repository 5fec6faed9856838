/*
 * wizard.c: the setup wizard, a full-screen program on the terminal layer
 * (as the dashboard): a form per page of setup.h's table, then a page
 * that saves.  Leaving a field checks it; Enter checks the page, runs
 * its live connection test as a task (the screen never waits) and goes
 * on when it passes.  A failed test is explained on the page; Enter
 * again with the same answers goes on anyway.  An untrusted TLS
 * certificate shows its SHA-256 fingerprint and issuer; Enter then
 * trusts it: it is saved as that system's CA file beside the
 * configuration and the test runs again.  Esc goes back a page, every
 * answer kept; Esc on the first page quits.
 *
 * In the program, not libcore (it needs ui/): main.c hands it to
 * cmd-setup.c with cmd_setup_set_wizard().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "loop.h"
#include "setup.h"
#include "setup-test.h"
#include "task.h"
#include "tui.h"
#include "util.h"
#include "ui/form.h"
#include "ui/terminal.h"

#define WIZ_TASK_WAIT_MS	2000

struct wiz_test;

struct wizard {
	struct cli		*cli;
	struct loop		*loop;
	struct tasks		*tasks;
	struct ui_term		*term;
	struct setup_answers	*a;
	struct ui_form		**forms;	/* a page each, then save */
	int			**fidx;		/* form field -> table index */
	size_t			 nforms;
	size_t			 at;
	int			 rc;		/* -1 while running */

	uint32_t		 testing;	/* a task, or 0 */
	struct wiz_test		*test;		/* its arg while it runs */
	char			*failed;	/* answers that failed, or NULL */
	char			*cert_pem;	/* offered to trust, or NULL */
	char			*path;		/* where the config goes */
	char			*kept;		/* the copy of the old one */
};

struct wiz_test {
	struct wizard		*w;		/* NULL: the wizard is gone */
	struct setup_answers	*a;		/* a copy */
	char			*page;
	struct setup_test	 res;
};

static const char *
wiz_page_name(struct wizard *w)
{
	size_t			 np;
	const struct setup_page	*p = setup_pages(&np);

	return (w->at < np ? p[w->at].name : NULL);
}

static char *
wiz_check_cb(const char *value, void *arg)
{
	return (setup_check_value(arg, value));
}

static void
wiz_build(struct wizard *w)
{
	const struct setup_page	 *pages;
	const struct setup_field *fields, *f;
	const char *const	 *ch;
	static const enum ui_form_kind kinds[] = {
		[SETUP_TEXT] = UI_FORM_TEXT,
		[SETUP_NUMBER] = UI_FORM_NUMBER,
		[SETUP_SECRET] = UI_FORM_SECRET,
		[SETUP_CHOICE] = UI_FORM_CHOICE,
	};
	struct ui_form		 *form;
	size_t			  np, nf, p, i, k, nch;
	char			 *title, *intro;

	pages = setup_pages(&np);
	fields = setup_fields(&nf);
	w->nforms = np + 1;
	w->forms = xcalloc(w->nforms, sizeof *w->forms);
	w->fidx = xcalloc(w->nforms, sizeof *w->fidx);
	for (p = 0; p < np; p++) {
		title = xasprintf("bbbctl setup  %zu/%zu  %s", p + 1, np + 1,
		    pages[p].title);
		if (p == 0 && w->cli->offered_setup)
			intro = xasprintf("No configuration found: this wizard "
			    "makes one.  Esc quits.");
		else
			intro = xstrdup(pages[p].intro);
		form = ui_form_new(title, intro);
		free(title);
		free(intro);
		w->fidx[p] = xcalloc(nf, sizeof **w->fidx);
		for (i = 0; i < nf; i++) {
			f = &fields[i];
			if (strcmp(f->page, pages[p].name) != 0)
				continue;
			k = ui_form_add(form, kinds[f->kind], f->key,
			    f->label, f->help, w->a->val[i]);
			w->fidx[p][k] = (int)i;
			if (f->kind == SETUP_CHOICE) {
				ch = setup_field_choices(f, &nch);
				ui_form_set_choices(form, k, ch, nch);
				ui_form_set_value(form, k, w->a->val[i]);
			}
			if (f->kind == SETUP_NUMBER)
				ui_form_set_range(form, k, f->lo, f->hi);
			ui_form_set_required(form, k, f->required &&
			    f->kind != SETUP_CHOICE);
			ui_form_set_check(form, k, wiz_check_cb,
			    (void *)(uintptr_t)f);
		}
		w->forms[p] = form;
	}
	title = xasprintf("bbbctl setup  %zu/%zu  Save", np + 1, np + 1);
	form = ui_form_new(title, "Enter writes the configuration (mode "
	    "0600; an old one is kept); Esc goes back.");
	free(title);
	ui_form_add(form, UI_FORM_TEXT, "path", "Configuration file",
	    "where bbbctl will read it", w->path);
	ui_form_set_required(form, 0, true);
	w->forms[np] = form;
}

/* The page's answers from its form into w->a. */
static void
wiz_take(struct wizard *w, size_t p)
{
	const struct setup_field *fields;
	struct ui_form		 *f = w->forms[p];
	size_t			  i, nf;

	fields = setup_fields(&nf);
	for (i = 0; i < ui_form_count(f); i++) {
		setup_answers_set(w->a, fields[w->fidx[p][i]].page,
		    fields[w->fidx[p][i]].key, ui_form_value(f, i));
	}
}

/* The page's answers in one string, to see whether they changed. */
static char *
wiz_page_key(struct wizard *w, size_t p)
{
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < ui_form_count(w->forms[p]); i++) {
		buf_adds(&b, ui_form_value(w->forms[p], i));
		buf_add(&b, "\n", 1);
	}
	buf_add(&b, "", 1);
	return (buf_steal(&b));
}

static void
wiz_forget_failed(struct wizard *w)
{
	if (w->failed != NULL) {
		explicit_bzero(w->failed, strlen(w->failed));
		free(w->failed);
		w->failed = NULL;
	}
	free(w->cert_pem);
	w->cert_pem = NULL;
}

static void
wiz_show(struct wizard *w)
{
	ui_form_show(w->forms[w->at], w->term);
}

static void
wiz_end(struct wizard *w, int rc)
{
	w->rc = rc;
	loop_break(w->loop);
}

/* The save page's note: what the answers make. */
static void
wiz_note_plan(struct wizard *w)
{
	const char	*st[16];
	struct buf	 b = { 0 };
	size_t		 n, i;

	n = setup_plan_stacks(w->a, st, nitems(st));
	buf_printf(&b, "Fleet %s: %s BBB nodes in %s", setup_answers_get(w->a,
	    "cluster", "name"), setup_answers_get(w->a, "cluster", "nodes"),
	    setup_answers_get(w->a, "cluster", "domain"));
	buf_printf(&b, "\nStacks to create: ");
	for (i = 0; i < n && i < nitems(st); i++)
		buf_printf(&b, "%s%s", i != 0 ? ", " : "", st[i]);
	if (n == 0)
		buf_printf(&b, "none");
	buf_printf(&b, "\nSecrets: %s", strcmp(setup_answers_get(w->a,
	    "backup", "secrets"), "files") == 0 ? "in 0600 files beside the "
	    "configuration" : "inline, in the 0600 configuration");
	buf_add(&b, "", 1);
	ui_form_set_note(w->forms[w->at], b.data, 0);
	buf_free(&b);
}

/* On to the next page, with a note (the test's result) or none. */
static void
wiz_next(struct wizard *w, const char *note, int kind)
{
	wiz_forget_failed(w);
	ui_form_set_note(w->forms[w->at], NULL, 0);
	if (w->at + 1 < w->nforms)
		w->at++;
	if (w->at + 1 == w->nforms)
		wiz_note_plan(w);
	else
		ui_form_set_note(w->forms[w->at], note, kind);
}

static struct setup_answers *
wiz_copy_answers(const struct setup_answers *a)
{
	const struct setup_field *fields;
	struct setup_answers	 *c;
	size_t			  i, nf;

	fields = setup_fields(&nf);
	c = setup_answers_new();
	for (i = 0; i < nf; i++)
		setup_answers_set(c, fields[i].page, fields[i].key, a->val[i]);
	return (c);
}

static void
wiz_test_free(struct wiz_test *t)
{
	setup_answers_free(t->a);
	setup_test_clear(&t->res);
	free(t->page);
	free(t);
}

static void
wiz_test_run_cb(struct task *task, void *arg)
{
	struct wiz_test	*t = arg;

	(void)task;
	setup_test_run(t->a, t->page, SETUP_TEST_TIMEOUT_MS, &t->res);
}

static void
wiz_test_done_cb(uint32_t id, enum task_end end, void *arg)
{
	struct wiz_test	*t = arg;
	struct wizard	*w = t->w;
	struct ui_form	*f;
	char		*note, *fp;
	size_t		 half;

	(void)id;
	if (end == TASK_ORPHANED || w == NULL) {
		wiz_test_free(t);
		return;
	}
	w->testing = 0;
	w->test = NULL;
	f = w->forms[w->at];
	if (end == TASK_CANCELLED || t->page == NULL ||
	    strcmp(t->page, wiz_page_name(w)) != 0) {
		ui_form_set_note(f, "test cancelled", 0);
		wiz_test_free(t);
		wiz_show(w);
		return;
	}
	log_info("setup: test of %s: %s", t->page, t->res.ok ? "ok" :
	    "failed");
	if (t->res.ok) {
		wiz_next(w, t->res.text, 1);
		wiz_test_free(t);
		wiz_show(w);
		return;
	}
	wiz_forget_failed(w);
	w->failed = wiz_page_key(w, w->at);
	if (t->res.cert_pem != NULL) {
		w->cert_pem = t->res.cert_pem;
		t->res.cert_pem = NULL;
		/* 32 bytes as 2 lines of 16 pairs, to fit 80 columns */
		fp = t->res.fingerprint;
		half = strlen(fp) > 48 ? 48 : strlen(fp);
		note = xasprintf("%s\nSHA-256 %.*s\n        %s\nissuer %s\n"
		    "Enter: trust it (saved as the %s CA file); or change an "
		    "answer", t->res.text, (int)(half > 0 ? half - 1 : 0), fp,
		    fp + half, t->res.issuer, t->page);
	} else
		note = xasprintf("%s\nEnter again goes on anyway; or change "
		    "an answer and Enter tests again", t->res.text);
	ui_form_set_note(f, note, 2);
	free(note);
	wiz_test_free(t);
	wiz_show(w);
}

static void
wiz_test_start(struct wizard *w)
{
	struct wiz_test	*t;
	char		*cause = NULL, *note;

	t = xcalloc(1, sizeof *t);
	t->w = w;
	t->a = wiz_copy_answers(w->a);
	t->page = xstrdup(wiz_page_name(w));
	if ((w->testing = task_start(w->tasks, wiz_test_run_cb,
	    wiz_test_done_cb, t, &cause)) == 0) {
		note = xasprintf("cannot test: %s", cause);
		ui_form_set_note(w->forms[w->at], note, 2);
		free(note);
		free(cause);
		wiz_test_free(t);
		return;
	}
	w->test = t;
	note = xasprintf("testing %s ... (Esc cancels the test)", t->page);
	ui_form_set_note(w->forms[w->at], note, 0);
	free(note);
}

/* Save the offered certificate as the page's CA file, test again. */
static void
wiz_trust(struct wizard *w)
{
	const char	*page = wiz_page_name(w);
	char		*dir, *slash, *ca, *cause = NULL, *note;
	size_t		 i;

	dir = xstrdup(w->path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	ca = xasprintf("%s/%s-ca.pem", dir, page);
	free(dir);
	if (setup_write_file(ca, w->cert_pem, &cause) == -1) {
		note = xasprintf("cannot save the certificate: %s", cause);
		ui_form_set_note(w->forms[w->at], note, 2);
		free(note);
		free(cause);
		free(ca);
		return;
	}
	log_info("setup: saved the %s certificate as %s", page, ca);
	for (i = 0; i < ui_form_count(w->forms[w->at]); i++) {
		if (strcmp(ui_form_name(w->forms[w->at], i), "ca_file") == 0)
			ui_form_set_value(w->forms[w->at], i, ca);
	}
	free(ca);
	wiz_forget_failed(w);
	wiz_take(w, w->at);
	wiz_test_start(w);
}

static void
wiz_save(struct wizard *w)
{
	const char	*path;

	path = ui_form_get(w->forms[w->at], "path");
	free(w->path);
	w->path = xstrdup(path);
	wiz_end(w, 0);
}

static void
wiz_submit(struct wizard *w)
{
	struct ui_form	*f = w->forms[w->at];
	size_t		 i;
	int		 field;
	char		*cause = NULL, *key;
	const char	*page;

	if (w->testing != 0)
		return;
	if ((page = wiz_page_name(w)) == NULL) {
		wiz_save(w);
		return;
	}
	wiz_take(w, w->at);
	if (setup_check_page(w->a, w->at, &field, &cause) == -1) {
		for (i = 0; i < ui_form_count(f); i++) {
			if (w->fidx[w->at][i] == field)
				ui_form_set_focus(f, i);
		}
		ui_form_set_note(f, cause, 2);
		free(cause);
		return;
	}
	if (!setup_test_wanted(w->a, page)) {
		wiz_next(w, NULL, 0);
		return;
	}
	key = wiz_page_key(w, w->at);
	if (w->failed != NULL && strcmp(key, w->failed) == 0) {
		if (w->cert_pem != NULL) {
			free(key);
			wiz_trust(w);
			return;
		}
		/* Enter again, nothing changed: on anyway. */
		log_info("setup: %s: going on with a failed test", page);
		free(key);
		wiz_next(w, NULL, 0);
		return;
	}
	free(key);
	wiz_forget_failed(w);
	wiz_test_start(w);
}

static void
wiz_input_cb(void *arg)
{
	struct wizard	*w = arg;

	switch (ui_form_input(w->forms[w->at], w->term)) {
	case UI_FORM_EDITING:
		break;
	case UI_FORM_SUBMIT:
		wiz_submit(w);
		if (w->rc != -1)
			return;
		break;
	case UI_FORM_CANCEL:
		if (w->testing != 0) {
			task_cancel(w->tasks, w->testing);
			break;
		}
		ui_form_set_note(w->forms[w->at], NULL, 0);
		wiz_forget_failed(w);
		if (w->at == 0) {
			wiz_end(w, 1);
			return;
		}
		w->at--;
		break;
	case UI_FORM_HANGUP:
		wiz_end(w, 129);
		return;
	}
	wiz_show(w);
}

static void
wiz_resize_cb(void *arg)
{
	struct wizard	*w = arg;

	ui_term_resize(w->term);
	wiz_show(w);
}

static void
wiz_end_cb(int signo, bool hup, void *arg)
{
	(void)hup;
	wiz_end(arg, 128 + signo);
}

static void
wiz_crash_cb(void)
{
	ui_restore_terminal();
}

int
wizard_run(struct cli *cli, int argc, char **argv)
{
	static const struct tui_cbs cbs = {
		.input = wiz_input_cb,
		.resize = wiz_resize_cb,
		.end = wiz_end_cb,
		.crash = wiz_crash_cb,
	};
	struct wizard		 w;
	struct ui_term_opts	 o;
	struct tui		*tui;
	char			*cause = NULL;
	size_t			 i;
	int			 rc;

	(void)argc;
	(void)argv;
	memset(&w, 0, sizeof w);
	w.cli = cli;
	w.rc = -1;
	if ((w.path = cmd_setup_config_path(cli)) == NULL)
		w.path = xstrdup("bbbctl.conf");
	w.a = setup_answers_new();
	wiz_build(&w);
	log_set_fatal_hook(ui_restore_terminal);
	w.loop = loop_new();
	w.tasks = tasks_new(w.loop);
	tui = tui_new(w.loop, &cbs, &w);
	memset(&o, 0, sizeof o);
	o.color = !cli->no_color && !ui_env_no_color();
	o.ascii = cli->ascii;
	if ((w.term = ui_term_new(&o, &cause)) == NULL) {
		fprintf(stderr, "bbbctl: setup: %s\n", cause);
		free(cause);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	tui_attach(tui, ui_term_fd(w.term));
	wiz_show(&w);
	loop_run(w.loop);
	if (w.test != NULL)
		w.test->w = NULL;
	tasks_free(w.tasks, WIZ_TASK_WAIT_MS);
	w.tasks = NULL;
	ui_term_free(w.term);
	rc = w.rc;
	if (rc == 0)
		rc = cmd_setup_finish(cli, w.a, w.path);
	else if (rc == 1) {
		printf("setup cancelled: nothing written\n");
		rc = CLI_EXIT_ERROR;
	}
out:
	tasks_free(w.tasks, WIZ_TASK_WAIT_MS);
	tui_free(tui);
	loop_free(w.loop);
	for (i = 0; i < w.nforms; i++) {
		ui_form_free(w.forms[i]);
		free(w.fidx[i]);
	}
	free(w.forms);
	free(w.fidx);
	wiz_forget_failed(&w);
	setup_answers_free(w.a);
	free(w.path);
	return (rc);
}
