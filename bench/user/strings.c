/* Integer workload: string and memory functions of libc (memcpy, memmove,
 * memchr, strlen, strcmp, memcmp) over lines of a generated text, the way
 * parsers and text tools spend their time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    enum { LINES = 4096, WIDTH = 96, ROUNDS = 7500 };
    char *text = malloc(LINES * WIDTH), *copy = malloc(LINES * WIDTH);
    uint32_t x = 2463534242u;
    uint64_t sum = 0;

    for (int i = 0; i < LINES; i++) {
        char *l = text + i * WIDTH;
        int len = 24 + (int)(x % 64);
        for (int j = 0; j < len; j++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            l[j] = (x & 7) == 0 ? ' ' : (char)('a' + x % 26);
        }
        l[len] = '\0';
    }
    for (int r = 0; r < ROUNDS; r++) {
        memcpy(copy, text, LINES * WIDTH);
        for (int i = 0; i < LINES; i++) {
            char *l = copy + i * WIDTH;
            size_t n = strlen(l);
            const char *sp = memchr(l, ' ', n);
            sum += n + (sp ? (size_t)(sp - l) : 0);
            memmove(l + 1, l, n);          /* overlapping: shift right */
            l[0] = (char)('a' + r % 26);
            l[n + 1] = '\0';
            if (i > 0) {
                const char *prev = copy + (i - 1) * WIDTH;
                int c = strcmp(l, prev);
                sum += (c > 0) - (c < 0) + 1;
                sum += memcmp(l, text + i * WIDTH, 8) == 0;
            }
        }
        sum ^= sum << 7;
    }
    printf("strings: %016llx\n", (unsigned long long)sum);
    free(text);
    free(copy);
    return 0;
}
