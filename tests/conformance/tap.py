# tap.py: TAP lines for the conformance scripts (imported).  The shell
# wrapper numbers nothing: lines are "ok - ..." / "not ok - ...", and it
# counts them into its own plan.
import sys
import traceback

failed = 0


def ok(cond, desc, detail=None):
    global failed
    if cond:
        print("ok - %s" % desc)
    else:
        failed += 1
        print("not ok - %s" % desc)
        if detail is not None:
            for line in str(detail).splitlines():
                print("# %s" % line)
    sys.stdout.flush()
    return cond


def eq(got, want, desc):
    return ok(got == want, desc, "got:  %r\nwant: %r" % (got, want))


def raises(exc, fn, desc):
    """fn() raises exc (a class or a tuple of them); returns it or None."""
    try:
        fn()
    except exc as e:
        ok(True, desc)
        return e
    except Exception as e:
        ok(False, desc, "raised %s: %s" % (type(e).__name__, e))
        return None
    ok(False, desc, "did not raise")
    return None


def run(main):
    """Run main(); an exception is one failure with its traceback."""
    try:
        main()
    except Exception:
        ok(False, "no unexpected exception", traceback.format_exc())
    sys.exit(1 if failed else 0)
