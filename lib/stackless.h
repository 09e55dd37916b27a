/*
 * stackless.h - stackless coroutines as switch-based state machines.
 *
 * A stackless coroutine is a function that can return in the middle and
 * later resume where it left off: its resume point is one int, and every
 * variable that must survive a yield lives in a struct the caller owns
 * (not on the stack). This is what a compiler makes of an async function
 * (Zig up to 0.10 did, and so do C++20 and Rust): a parked task costs
 * exactly its struct, with no stack at all.
 *
 * The technique is Duff's device as in Simon Tatham's "Coroutines in C"
 * and Adam Dunkels' protothreads: TL_SL_BEGIN opens a switch on the saved
 * resume point and each TL_SL_YIELD is a case label. Rules that follow
 * from it: no TL_SL_YIELD inside a nested switch statement of the body,
 * at most one TL_SL_YIELD per source line, and locals die at a yield.
 *
 *     int step(struct tl_sl *s, struct job *j)
 *     {
 *             TL_SL_BEGIN(s);
 *             for (j->i = 0; j->i < 3; j->i++)
 *                     TL_SL_YIELD(s);
 *             TL_SL_END(s);
 *     }
 *
 * Thread safety: none; a state is driven by one thread at a time.
 */
#ifndef TL_STACKLESS_H
#define TL_STACKLESS_H

/* The resume point: 0 = not started, TL_SL_FINISHED = done. */
struct tl_sl {
	int line;
};

#define TL_SL_FINISHED (-1)

/* What a step function returns. */
#define TL_SL_YIELDED 1
#define TL_SL_DONE    0

#define TL_SL_INIT(s) ((s)->line = 0)

#define TL_SL_BEGIN(s)                                                         \
	switch ((s)->line) {                                                   \
	case 0:

/* Returns TL_SL_YIELDED; the next call resumes after this line. */
#define TL_SL_YIELD(s)                                                         \
	do {                                                                   \
		(s)->line = __LINE__;                                          \
		return TL_SL_YIELDED;                                          \
	case __LINE__:;                                                        \
	} while (0)

/* Yields until cond holds (cond is re-evaluated at each resume). */
#define TL_SL_WAIT_UNTIL(s, cond)                                              \
	do {                                                                   \
		(s)->line = __LINE__;                                          \
		__attribute__((fallthrough));                                  \
	case __LINE__:                                                         \
		if (!(cond))                                                   \
			return TL_SL_YIELDED;                                  \
	} while (0)

#define TL_SL_END(s)                                                           \
	}                                                                      \
	(s)->line = TL_SL_FINISHED;                                            \
	return TL_SL_DONE

#define TL_SL_IS_DONE(s) ((s)->line == TL_SL_FINISHED)

#endif
