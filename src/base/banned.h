/*
 * banned.h - functions traplab does not call, made compile errors.
 *
 * Unbounded copies (strcpy, strcat, sprintf, vsprintf), the truncating
 * strncpy, the stateful strtok, the non-reentrant gmtime/localtime and the
 * error-blind atoi. Include it LAST in every src/ file, after the system
 * headers, whose own declarations would otherwise trip the macros.
 */
#ifndef TL_BANNED_H
#define TL_BANNED_H

#define TL_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) TL_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TL_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TL_BANNED(strncpy)
#undef sprintf
#define sprintf(...) TL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TL_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TL_BANNED(strtok)
#undef gmtime
#define gmtime(t) TL_BANNED(gmtime)
#undef localtime
#define localtime(t) TL_BANNED(localtime)
#undef atoi
#define atoi(s) TL_BANNED(atoi)

#endif
