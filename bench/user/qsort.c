/* Integer workload: sorting with function-pointer calls (indirect jumps). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    enum { N = 1000000, ROUNDS = 5 };
    uint32_t *v = malloc(N * sizeof(*v));
    uint64_t sum = 0;
    uint32_t seed = 12345;

    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1664525u + 1013904223u;
            v[i] = seed;
        }
        qsort(v, N, sizeof(*v), cmp_u32);
        sum += v[N / 2];
    }
    printf("median sum: %llu\n", (unsigned long long)sum);
    free(v);
    return 0;
}
