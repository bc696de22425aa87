/* Integer workload: sieve of Eratosthenes, repeated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    enum { N = 4000000, ROUNDS = 60 };
    char *composite = malloc(N + 1);
    long count = 0;

    for (int r = 0; r < ROUNDS; r++) {
        memset(composite, 0, N + 1);
        count = 0;
        for (long i = 2; i <= N; i++) {
            if (!composite[i]) {
                count++;
                for (long j = i * i; j <= N; j += i) {
                    composite[j] = 1;
                }
            }
        }
    }
    printf("primes below %d: %ld\n", N, count);
    free(composite);
    return 0;
}
