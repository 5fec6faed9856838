/*
 * form.h: the form widget: labelled fields with a help line, focus,
 * validation per field with an error line, masked secret input and
 * choices.  Curses-free, so the programs' glue in src/ may build forms;
 * the setup wizard's steps are forms.
 *
 * Keys (ui_form_key): Tab, Down: next field; Shift-Tab, Up: previous
 * (leaving a field validates it: its error line shows what is wrong);
 * Enter: submit, which validates every field and, if one is wrong,
 * moves the focus to the first wrong one instead; Esc: cancel (back),
 * the values stay as typed, so the form can be shown again as it was.
 * Editing: characters (UTF-8), Backspace, Delete, ^U (all before the
 * cursor), ^W (the word before the cursor), Left/Right, Home/End (^A,
 * ^E).  A choice field cycles with Left/Right or Space (a letter picks
 * the next choice starting with it).  A number field takes digits only
 * (and a leading '-' when its range allows).  A secret field is drawn as
 * a fixed mask that says only whether it is empty; its cursor stays at
 * the end.
 *
 * Fields are named by their index (ui_form_add's answer); an index out
 * of range makes a setter do nothing and a getter answer NULL.
 *
 * Ownership: every string given is copied.  A value returned is
 * borrowed until the form changes (a key, a set) or is freed.  Secret
 * values are wiped (explicit_bzero) whenever their memory is let go and
 * when the form is freed.
 */
#ifndef BBBCTL_UI_FORM_H
#define BBBCTL_UI_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct ui_form;
struct ui_term;

enum ui_form_kind {
	UI_FORM_TEXT,
	UI_FORM_NUMBER,
	UI_FORM_SECRET,
	UI_FORM_CHOICE
};

enum ui_form_res {
	UI_FORM_EDITING,
	UI_FORM_SUBMIT,		/* Enter, every field valid */
	UI_FORM_CANCEL,		/* Esc: back, values kept */
	UI_FORM_HANGUP		/* ui_form_input(): the terminal is gone */
};

/* NULL when value is fine, else an allocated text saying what is wrong. */
typedef char	*(*ui_form_check_cb)(const char *value, void *arg);

/* title is the first line; intro (may be NULL) the one below it. */
struct ui_form	*ui_form_new(const char *title, const char *intro);
void		 ui_form_free(struct ui_form *);
/*
 * Add a field; returns its index.  name identifies it for
 * ui_form_get(); help (may be NULL) is shown below the focused field;
 * dflt (may be NULL) is the first value (a choice field: the choice of
 * that name once ui_form_set_choices() gives them, else the first).
 */
size_t		 ui_form_add(struct ui_form *, enum ui_form_kind,
		     const char *name, const char *label, const char *help,
		     const char *dflt);
/* A choice field's choices; the default or else the first is chosen. */
void		 ui_form_set_choices(struct ui_form *, size_t,
		     const char *const *choices, size_t n);
/* A number field's range, checked before the field's callback. */
void		 ui_form_set_range(struct ui_form *, size_t, long long lo,
		     long long hi);
/* Empty is an error ("required"), checked before the callback. */
void		 ui_form_set_required(struct ui_form *, size_t, bool);
void		 ui_form_set_check(struct ui_form *, size_t, ui_form_check_cb,
		     void *arg);
/* Replace a value (a choice field: choose the choice of that name). */
void		 ui_form_set_value(struct ui_form *, size_t, const char *);

size_t		 ui_form_count(const struct ui_form *);
const char	*ui_form_name(const struct ui_form *, size_t);
enum ui_form_kind ui_form_kind(const struct ui_form *, size_t);
const char	*ui_form_value(const struct ui_form *, size_t);
/* The value of the field called name, or NULL. */
const char	*ui_form_get(const struct ui_form *, const char *name);
size_t		 ui_form_focus(const struct ui_form *);
void		 ui_form_set_focus(struct ui_form *, size_t);
/* The error shown for a field, or NULL. */
const char	*ui_form_error(const struct ui_form *, size_t);
/* Validate every field; returns how many are wrong. */
size_t		 ui_form_check_all(struct ui_form *);

/*
 * The program's note: up to 5 lines ('\n' between them) shown above the
 * status line, e.g. a connection test's result; kind 0 plain, 1 good,
 * 2 bad.  NULL or "" removes it.  Copied.
 */
void		 ui_form_set_note(struct ui_form *, const char *, int kind);

/* One key (a character or a curses key code, see ui-int.h). */
enum ui_form_res ui_form_key(struct ui_form *, int key);

/*
 * A form as a whole screen on the terminal layer (a program with no
 * fleet): ui_form_input() reads every waiting key when the terminal's
 * fd is readable; ui_form_show() draws the form over the whole screen.
 */
enum ui_form_res ui_form_input(struct ui_form *, struct ui_term *);
void		 ui_form_show(struct ui_form *, struct ui_term *);

#endif
