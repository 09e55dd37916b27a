/*
 * test_repeat.c - the tally of `claims --repeat` (src/analyze/repeat.c):
 * verdict counts per claim, what counts as a flip (HOLDS against REFUTED,
 * a decided verdict against UNTESTABLE; INCONCLUSIVE beside a decided one
 * is not), samples against the oracle in the table and the JSON, and
 * each pass's verdict, interval and notes in the JSON.
 */
#include "analyze/repeat.h"

#include <string.h>

#include "tl_test.h"

static void mk(struct tl_verdict *v, enum tl_verdict_kind k, size_t n,
	       size_t oracle)
{
	memset(v, 0, sizeof(*v));
	v->kind = k;
	v->has_ci = n > 0;
	v->n[0] = n;
	v->oracle_n = oracle;
}

TL_TEST(tally_and_flips)
{
	struct tl_claimset cs;
	struct tl_claim claims[4];
	struct tl_repeat r;
	struct tl_verdict v[4];
	struct tl_buf b = TL_BUF_INIT;
	json_t *j, *pass1;
	char why[] = "about 3x the samples would decide it";
	const enum tl_verdict_kind pass[3][4] = {
		{TL_VERDICT_HOLDS, TL_VERDICT_HOLDS, TL_VERDICT_HOLDS,
		 TL_VERDICT_REFUTED},
		{TL_VERDICT_REFUTED, TL_VERDICT_INCONCLUSIVE, TL_VERDICT_HOLDS,
		 TL_VERDICT_UNTESTABLE},
		{TL_VERDICT_HOLDS, TL_VERDICT_HOLDS, TL_VERDICT_HOLDS,
		 TL_VERDICT_REFUTED},
	};
	const char *ids[4] = {"hr-flip", "inc-ok", "steady", "untestable-flip"};

	memset(&cs, 0, sizeof(cs));
	memset(claims, 0, sizeof(claims));
	for (int i = 0; i < 4; i++)
		claims[i].id = (char *)ids[i];
	cs.claims = claims;
	cs.nclaims = 4;
	tl_repeat_init(&r, 4);
	for (int p = 0; p < 3; p++) {
		for (int i = 0; i < 4; i++)
			mk(&v[i], pass[p][i], 20 + 10 * (size_t)p, 10);
		v[1].ci = (struct tl_ci){.point = 7.4, .lo = 5.9, .hi = 9.9};
		v[1].notes = p == 1 ? why : NULL;
		tl_repeat_add(&r, v, 1.5 + p);
	}
	TL_CHECK_INT(r.npasses, 3);
	TL_CHECK_INT(tl_repeat_flips(&r), 2);
	tl_repeat_table(&b, &cs, &r);
	TL_CHECK(strstr(tl_buf_str(&b), "3 passes: how often"));
	TL_CHECK(strstr(tl_buf_str(&b), "2 of 4 claims flip"));
	/* Median samples 30 against an oracle of 10: 3.0x. */
	TL_CHECK(strstr(tl_buf_str(&b), "      30       10   3.0x"));
	TL_CHECK(strstr(tl_buf_str(&b), "per claim: spent / oracle median "
					"3.0x, 0 of 4 within 2x"));
	TL_CHECK(strstr(tl_buf_str(&b), "wall per pass median 2.5 s [1.5, "
					"3.5]"));
	j = tl_repeat_json(&cs, &r);
	TL_CHECK_INT(json_integer_value(json_object_get(j, "flips")), 2);
	TL_CHECK_INT(
		json_integer_value(json_object_get(
			json_object_get(
				json_array_get(json_object_get(j, "claims"), 1),
				"verdicts"),
			"INCONCLUSIVE")),
		1);
	TL_CHECK(json_is_false(json_object_get(
		json_array_get(json_object_get(j, "claims"), 1), "flip")));
	/* Each pass's evidence is kept: the undecided pass says why. */
	pass1 = json_array_get(
		json_object_get(json_array_get(json_object_get(j, "claims"), 1),
				"passes"),
		1);
	TL_CHECK(!strcmp(json_string_value(json_object_get(pass1, "verdict")),
			 "INCONCLUSIVE"));
	TL_CHECK(json_real_value(json_object_get(pass1, "hi")) == 9.9);
	TL_CHECK(!strcmp(json_string_value(json_object_get(pass1, "notes")),
			 "about 3x the samples would decide it"));
	json_decref(j);
	/*
	 * The odd passes: pass 2 said REFUTED of hr-flip (2 of 3 HOLDS),
	 * INCONCLUSIVE of inc-ok and UNTESTABLE of untestable-flip; passes 1
	 * and 3 agree with every claim's most frequent verdict.
	 */
	{
		size_t out[4];

		TL_CHECK_INT(tl_repeat_odd(&r, 0, out), 0);
		TL_CHECK_INT(tl_repeat_odd(&r, 1, out), 3);
		TL_CHECK_INT(out[0], 0);
		TL_CHECK_INT(out[1], 1);
		TL_CHECK_INT(out[2], 3);
		TL_CHECK_INT(tl_repeat_odd(&r, 2, out), 0);
		TL_CHECK_INT(tl_repeat_odd(&r, 3, out), 0); /* no such pass */
	}
	tl_buf_release(&b);
	tl_repeat_release(&r);
}

/* A tie goes to the verdict that came first: its passes are not odd. */
TL_TEST(odd_passes_tie_to_the_first)
{
	struct tl_repeat r;
	struct tl_verdict v;
	size_t out[1];

	tl_repeat_init(&r, 1);
	mk(&v, TL_VERDICT_HOLDS, 10, 5);
	tl_repeat_add(&r, &v, 1);
	mk(&v, TL_VERDICT_INCONCLUSIVE, 10, 5);
	tl_repeat_add(&r, &v, 1);
	TL_CHECK_INT(tl_repeat_odd(&r, 0, out), 0);
	TL_CHECK_INT(tl_repeat_odd(&r, 1, out), 1);
	tl_repeat_release(&r);
}

TL_TEST_MAIN()
