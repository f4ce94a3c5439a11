/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP lines for the C test programs (in-guest tools and the host-side
 * library test): "ok - PREFIX: what" or
 * "not ok - PREFIX: what". Define TAP_PREFIX before including; main()
 * returns tap_failed != 0.
 */
#ifndef BIGPHYS_TAP_H
#define BIGPHYS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_failed;

__attribute__((format(printf, 2, 3)))
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - " TAP_PREFIX ": ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_failed += !cond;
}

/* A test that does not apply here: "ok - PREFIX: what # SKIP why". */
__attribute__((unused))
static void skip(const char *what, const char *why)
{
	printf("ok - " TAP_PREFIX ": %s # SKIP %s\n", what, why);
	fflush(stdout);
}

#endif /* BIGPHYS_TAP_H */
