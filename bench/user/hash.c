/* Integer workload: FNV-1a and a xorshift mix over a buffer (ALU-bound). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    enum { N = 1 << 20, ROUNDS = 500 };
    uint8_t *buf = malloc(N);
    uint64_t h = 1469598103934665603ull, x = 88172645463325252ull;

    for (int i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            h = (h ^ buf[i]) * 1099511628211ull;
        }
        h ^= h >> 29;
    }
    printf("hash: %016llx\n", (unsigned long long)h);
    free(buf);
    return 0;
}
