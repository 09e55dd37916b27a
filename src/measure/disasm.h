/*
 * disasm.h - the machine code of one function of a workload binary
 * (objdump -d), and the difference between two such listings: the
 * instructions a differenced measure consists of.
 *
 * Listings are normalised so that two functions at different addresses
 * compare equal when their code is the same: addresses, raw bytes and
 * absolute branch targets are dropped, symbolic targets kept
 * ("jne <run+0x10>").
 */
#ifndef TL_DISASM_H
#define TL_DISASM_H

#include "base/util.h"

/*
 * Appends the normalised instructions of function `symbol` of `bin` to
 * lines, one instruction each ("sub $0xf90,%rsp"). 0, -ENOENT when the
 * binary has no such function (inlined, folded or renamed), -errno when
 * objdump cannot be run.
 */
int tl_disasm_symbol(const char *bin, const char *symbol,
		     struct tl_strv *lines);

/*
 * The two listings aligned (a weighted longest common subsequence: the
 * same mnemonic pairs, identical text pairs better), side by side into
 * out: "+ " marks an instruction only a has, "- " one only b has (right
 * column), "~ " one both have in another place (moved by scheduling), "  "
 * a pair. Returns the number of lines marked + or -.
 */
size_t tl_disasm_diff(struct tl_buf *out, const struct tl_strv *a,
		      const struct tl_strv *b);

#endif
