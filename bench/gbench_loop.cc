// gbench_loop.cc - the calib loops under Google Benchmark, for make bench.
//
// The same inline-assembly loops as experiments/calib/c/calib.c (8
// dependent adds per op; an empty dec/jnz loop), so that Google
// Benchmark's in-process figure and traplab's can be compared on one
// workload. Each benchmark iteration runs kOps ops: ns/op is the
// iteration's real time divided by kOps. Build: c++ -O2 -std=c++17
// gbench_loop.cc -lbenchmark -lpthread.
#include <benchmark/benchmark.h>

#include <cstdint>

namespace
{

constexpr uint64_t kOps = 100000;

uint64_t add_chain(uint64_t acc, uint64_t inc, uint64_t n)
{
	__asm__ volatile("1:\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 : [acc] "+r"(acc), [n] "+r"(n)
			 : [inc] "r"(inc)
			 : "cc");
	return acc;
}

void empty(uint64_t n)
{
	__asm__ volatile("1:\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 : [n] "+r"(n)
			 :
			 : "cc");
}

void BM_add_chain(benchmark::State &state)
{
	uint64_t acc = 1;

	for (auto _ : state)
		acc = add_chain(acc, 3, kOps);
	benchmark::DoNotOptimize(acc);
	if (acc != 1 + state.iterations() * kOps * 8 * 3)
		state.SkipWithError("add_chain: wrong sum");
}

void BM_empty(benchmark::State &state)
{
	for (auto _ : state)
		empty(kOps);
}

} // namespace

BENCHMARK(BM_add_chain);
BENCHMARK(BM_empty);
BENCHMARK_MAIN();
