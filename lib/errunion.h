/*
 * errunion.h - Zig-style error unions for C (header only).
 *
 * The C model of Zig's `!T`: a function returns a small struct holding a
 * 16-bit error code (0 = no error, like Zig's anyerror, which is a u16)
 * and the value, by value, in registers when it fits (two words under
 * the x86-64 SysV ABI). TL_TRY is Zig's `try`: on error it returns the
 * error to the caller, otherwise it yields the value. No allocation, no
 * interface, no unwinding: the error path is an ordinary branch, which is
 * exactly what article sections 1.3 and 2.5 attribute to Zig.
 *
 *     TL_ERRUNION_DEFINE(eu_int, int);
 *
 *     static struct eu_int parse(const char *s)
 *     {
 *             if (!*s)
 *                     return TL_ERR(eu_int, E_EMPTY);
 *             return TL_OK(eu_int, *s - '0');
 *     }
 *
 *     static struct eu_int twice(const char *s)
 *     {
 *             int v;
 *
 *             TL_TRY(v, parse(s), eu_int);
 *             return TL_OK(eu_int, 2 * v);
 *     }
 *
 * Error codes are positive and user-defined; TL_ERR with 0 is a
 * programmer error (it would read as success). Uses GNU __typeof__.
 */
#ifndef TL_ERRUNION_H
#define TL_ERRUNION_H

#include <stdint.h>

/* The error part of every union: 0 is success. */
typedef uint16_t tl_err;

/* Defines `struct NAME { T value; tl_err err; }`. */
#define TL_ERRUNION_DEFINE(NAME, T)                                            \
	struct NAME {                                                          \
		T value;                                                       \
		tl_err err;                                                    \
	}

/* A success value of union NAME. */
#define TL_OK(NAME, v) ((struct NAME){.value = (v), .err = 0})

/* A failure of union NAME with error code e (e != 0). */
#define TL_ERR(NAME, e) ((struct NAME){.err = (tl_err)(e)})

/* Is union value u an error? */
#define TL_IS_ERR(u) ((u).err != 0)

/*
 * Zig's `try`: evaluates expr (any error union) once; on error returns
 * TL_ERR(RET, that error) from the enclosing function, whose return type
 * is struct RET; else assigns the value to dst.
 */
#define TL_TRY(dst, expr, RET)                                                 \
	do {                                                                   \
		__typeof__(expr) tl_try_u_ = (expr);                           \
		if (tl_try_u_.err)                                             \
			return TL_ERR(RET, tl_try_u_.err);                     \
		(dst) = tl_try_u_.value;                                       \
	} while (0)

/*
 * Zig's `catch`: evaluates expr once; yields its value, or `fallback`
 * when it is an error (statement-expression, GNU C).
 */
#define TL_CATCH(expr, fallback)                                               \
	__extension__({                                                        \
		__typeof__(expr) tl_catch_u_ = (expr);                         \
		tl_catch_u_.err ? (fallback) : tl_catch_u_.value;              \
	})

#endif
