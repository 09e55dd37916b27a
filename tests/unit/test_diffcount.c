/*
 * test_diffcount.c - differencing on exact lines, on lines with a fixed
 * part and noise, on a curve that must be flagged, and the edge cases.
 */
#include "base/diffcount.h"
#include "tl_test.h"

#include <errno.h>

TL_TEST(two_points_cancel_the_fixed_part)
{
	/* 150000 instructions of start-up, 4 per op */
	double x[] = {1000, 5000},
	       y[] = {150000 + 4 * 1000.0, 150000 + 4 * 5000.0};
	struct tl_diff d;
	struct tl_diff_tol tol = TL_DIFF_TOL_SIM;

	TL_CHECK_INT(tl_diff_fit(x, y, 2, &tol, &d), 0);
	TL_CHECK_NEAR(d.per_unit, 4, 0);
	TL_CHECK_NEAR(d.fixed, 150000, 1e-9);
	TL_CHECK_INT(d.linear, -1);
	TL_CHECK_INT(d.nchecked, 0);
	TL_CHECK_STR(d.reason, "");
}

TL_TEST(third_point_within_tolerance)
{
	/* sim-like: exact slope 10, +-300 of printing noise */
	double x[] = {100000, 300000, 200000};
	double y[] = {1e6 + 1e6 + 120, 1e6 + 3e6 - 250, 1e6 + 2e6 + 300};
	struct tl_diff d;
	struct tl_diff_tol tol = TL_DIFF_TOL_SIM;

	TL_CHECK_INT(tl_diff_fit(x, y, 3, &tol, &d), 0);
	TL_CHECK_NEAR(d.per_unit, 10, 0.01);
	TL_CHECK_INT(d.linear, 1);
	TL_CHECK_INT(d.nchecked, 1);
	TL_CHECK(d.max_residual > 0 && d.max_residual < 1000);
}

TL_TEST(curve_is_flagged)
{
	/* y = 1000 + x^1.5: each op costs more than the last */
	double x[] = {1000, 2000, 4000}, y[3];
	struct tl_diff d;
	struct tl_diff_tol tol = TL_DIFF_TOL_PMU;
	int i;

	for (i = 0; i < 3; i++)
		y[i] = 1000 + pow(x[i], 1.5);
	TL_CHECK_INT(tl_diff_fit(x, y, 3, &tol, &d), 0);
	TL_CHECK_INT(d.linear, 0);
	TL_CHECK(strstr(d.reason, "not linear") != NULL);
	TL_CHECK(d.max_rel_dev > 0.1);
}

TL_TEST(rss_per_task)
{
	/* 8 MiB base, 8 KiB per task, 100 KiB of noise on one point */
	double x[] = {1000, 10000, 5000};
	double y[] = {8388608 + 8192 * 1000.0, 8388608 + 8192 * 10000.0,
		      8388608 + 8192 * 5000.0 + 102400};
	struct tl_diff d;
	struct tl_diff_tol tol = TL_DIFF_TOL_RSS;

	TL_CHECK_INT(tl_diff_fit(x, y, 3, &tol, &d), 0);
	TL_CHECK_NEAR(d.per_unit, 8192, 0);
	TL_CHECK_INT(d.linear, 1);
	/* the same noise on a tenth of the signal is flagged */
	y[2] = 8388608 + 8192 * 5000.0 + 4 * 1048576.0 + 262144;
	tol.rel = 0.05;
	TL_CHECK_INT(tl_diff_fit(x, y, 3, &tol, &d), 0);
	TL_CHECK_INT(d.linear, 0);
}

TL_TEST(negative_count_is_flagged)
{
	double x[] = {1000, 2000}, y[] = {5000, 4990};
	struct tl_diff d;
	struct tl_diff_tol tol = TL_DIFF_TOL_PMU;

	TL_CHECK_INT(tl_diff_fit(x, y, 2, &tol, &d), 0);
	TL_CHECK_INT(d.linear, 0);
	TL_CHECK(strstr(d.reason, "negative") != NULL);
	tol.nonneg = 0;
	TL_CHECK_INT(tl_diff_fit(x, y, 2, &tol, &d), 0);
	TL_CHECK_INT(d.linear, -1);
}

TL_TEST(bad_input)
{
	double x[] = {1000, 1000, 3}, y[] = {1, 2, 3};
	struct tl_diff d;
	struct tl_diff_tol tol = TL_DIFF_TOL_SIM;

	TL_CHECK_INT(tl_diff_fit(x, y, 2, &tol, &d), -EINVAL);
	TL_CHECK_INT(tl_diff_fit(x, y, 1, &tol, &d), -EINVAL);
	x[1] = 2000;
	y[2] = NAN;
	TL_CHECK_INT(tl_diff_fit(x, y, 3, &tol, &d), -EINVAL);
	y[2] = 3;
	TL_CHECK_INT(tl_diff_fit(x, y, 3, &tol, &d), 0);
}

TL_TEST(spread)
{
	double a[] = {10.0, 10.1}, b[] = {5, 5, 5}, c[] = {-1, 1};
	double rel;

	TL_CHECK_INT(tl_diff_spread(a, 2, &rel), 0);
	TL_CHECK_NEAR(rel, 0.1 / 10.05, 1e-12);
	TL_CHECK_INT(tl_diff_spread(b, 3, &rel), 0);
	TL_CHECK_NEAR(rel, 0, 0);
	TL_CHECK_INT(tl_diff_spread(c, 2, &rel), -EINVAL);
	TL_CHECK_INT(tl_diff_spread(a, 1, &rel), -EINVAL);
}

TL_TEST_MAIN()
