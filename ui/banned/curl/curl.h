/*
 * ui/banned/curl/curl.h: ui/ is compiled with this directory first on its
 * include path, so that an include of <curl/curl.h> in ui/ fails to compile:
 * ui/ never includes the network, database or data libraries' headers
 * (DESIGN.md, "ui"; tests/check-src.sh checks the rest).
 */
#error "ui/ must not include <curl/curl.h> (the UI does no I/O)"
