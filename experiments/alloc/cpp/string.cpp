/*
 * string.cpp - `new std::string` as the article's 2.1 table names it.
 *
 * cpp.string_sso:  new std::string("hello") / delete: 5 chars fit the
 *                  small-string buffer, so the only heap block is the
 *                  string object itself.
 * cpp.string_long: new std::string(size chars) / delete, at least 16
 *                  chars: past libstdc++'s 15-char SSO, so the characters
 *                  need a second heap block.
 * The length and first char are read back and checked after the batches.
 * Facts: the SSO capacity of this libstdc++ and sizeof(std::string).
 */
#include <string>

extern "C" {
#include "tlw.h"
}

namespace
{

struct ctx {
	std::string text;
	uint64_t sum = 0, expect = 0;
};

void run_string(void *arg, uint64_t ops)
{
	ctx *c = static_cast<ctx *>(arg);

	for (uint64_t i = 0; i < ops; i++) {
		std::string *s =
			new std::string(c->text.data(), c->text.size());

		tlw_keep_ptr(s);
		c->sum += s->size() + static_cast<unsigned char>((*s)[0]);
		delete s;
	}
	c->expect +=
		ops * (c->text.size() + static_cast<unsigned char>(c->text[0]));
}

} // namespace

int main(int argc, char **argv)
{
	struct tlw_args a;
	ctx c;

	tlw_parse(argc, argv, &a);
	long long size = tlw_int(&a, "size", 64);
	if (tlw_is(&a, "cpp.string_sso"))
		c.text = "hello";
	else if (tlw_is(&a, "cpp.string_long"))
		c.text.assign(size < 16 ? 16 : static_cast<size_t>(size), 'x');
	else
		tlw_die("unknown variant '%s'", a.variant);
	tlw_fact_int("sso_capacity", (long long)std::string().capacity());
	tlw_fact_int("string_object_bytes", (long long)sizeof(std::string));
	tlw_fact_int("string_chars", (long long)c.text.size());
	tlw_run(&a, run_string, &c);
	if (c.sum != c.expect)
		tlw_die("read back %llu, expected %llu",
			(unsigned long long)c.sum,
			(unsigned long long)c.expect);
	return tlw_finish();
}
