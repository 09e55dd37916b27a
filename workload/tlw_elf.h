/*
 * tlw_elf.h - a C workload reads its own code size (header only).
 *
 * Experiments that compare a generic implementation with a specialised one
 * (hashmap, json) report how many bytes of machine code each takes, as
 * `fact code_bytes`. The figure comes from the workload's own ELF symbol
 * table (.symtab of /proc/self/exe): st_size of each defined function
 * symbol. It is read in process, because running nm as a child would add
 * nm's memory to the peak RSS the harness reads from wait4.
 *
 * Limits: x86-64/ELF64 little-endian only; a stripped binary has no
 * .symtab (the figure is then absent with that reason); a function the
 * compiler inlined everywhere has no symbol of its own. The Go and Zig
 * helpers are tlwCodeBytes (workload/tlw.go) and tlw.codeBytes
 * (workload/tlw.zig).
 */
#ifndef TLW_ELF_H
#define TLW_ELF_H

#include "tlw.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Sum of the sizes of the functions named in `names` (NULL-terminated),
 * read from this executable's own ELF symbol table (.symtab), in process:
 * running nm as a child would add nm's memory to the peak RSS the harness
 * reads from wait4. A name also matches the compiler's clones of it
 * (name.isra.0, name.constprop.0, name.part.0). Returns the byte count, or
 * -1 with the reason in `why` when the table is missing (stripped) or a
 * function is not in it (inlined).
 */
static inline long long tlw_code_bytes(const char *const *names, char *why,
				       size_t n)
{
	unsigned int found = 0;
	long long total = -1;
	const unsigned char *base;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	struct stat st;
	int fd, i;
	size_t s;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, n, "cannot open /proc/self/exe");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		snprintf(why, n, "cannot map /proc/self/exe");
		return -1;
	}
	eh = (const Elf64_Ehdr *)(const void *)base;
	snprintf(why, n, "no .symtab (stripped?)");
	if ((size_t)st.st_size < sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) >
		    (uint64_t)st.st_size)
		goto out;
	sh = (const Elf64_Shdr *)(const void *)(base + eh->e_shoff);
	for (s = 0; s < eh->e_shnum; s++) {
		const Elf64_Sym *sym;
		const char *str;
		size_t k, nsym;

		if (sh[s].sh_type != SHT_SYMTAB || sh[s].sh_link >= eh->e_shnum)
			continue;
		if (sh[s].sh_offset + sh[s].sh_size > (uint64_t)st.st_size ||
		    sh[sh[s].sh_link].sh_offset + sh[sh[s].sh_link].sh_size >
			    (uint64_t)st.st_size)
			goto out;
		sym = (const Elf64_Sym *)(const void *)(base + sh[s].sh_offset);
		nsym = sh[s].sh_size / sizeof(*sym);
		str = (const char *)base + sh[sh[s].sh_link].sh_offset;
		total = 0;
		for (k = 0; k < nsym; k++) {
			const char *name;

			if (ELF64_ST_TYPE(sym[k].st_info) != STT_FUNC ||
			    sym[k].st_shndx == SHN_UNDEF ||
			    sym[k].st_name >= sh[sh[s].sh_link].sh_size)
				continue;
			name = str + sym[k].st_name;
			for (i = 0; names[i]; i++) {
				size_t len = strlen(names[i]);

				if (strncmp(name, names[i], len) == 0 &&
				    (name[len] == '\0' || name[len] == '.')) {
					total += (long long)sym[k].st_size;
					found |= 1u << i;
				}
			}
		}
	}
	for (i = 0; total >= 0 && names[i]; i++) {
		if (!(found & (1u << i))) {
			snprintf(why, n, "no symbol %s (inlined?)", names[i]);
			total = -1;
		}
	}
out:
	munmap((void *)base, (size_t)st.st_size);
	return total;
}

#endif
