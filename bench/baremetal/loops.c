/*
 * Bare-metal CPU loops for bench/baremetal.sh (not a test): the integer
 * kernels of bench/user/ (sieve, hash, qsort) without libc, run in M-mode
 * on the virt board with tests/riscv's crt0 and testlib, timed from the
 * host.  argv does not exist here: the workload is picked at build time
 * with -DLOOP=n (0 sieve, 1 hash, 2 qsort, 3 memory-heavy copy, 4 ChaCha20) and each
 * prints a checksum so a wrong translation shows.
 */
#include <stdint.h>
#include "testlib.h"

static uint8_t buf[1 << 20];
static uint32_t keys[1 << 16];

static uint64_t loop_sieve(void)
{
    enum { N = 1 << 20, ROUNDS = 150 };
    uint64_t count = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) {
            buf[i] = 0;
        }
        count = 0;
        for (uint64_t i = 2; i < N; i++) {
            if (!buf[i]) {
                count++;
                for (uint64_t j = i * i; j < N; j += i) {
                    buf[j] = 1;
                }
            }
        }
    }
    return count;
}

static uint64_t loop_hash(void)
{
    /* FNV-1a over a changing buffer, then an open-addressing table */
    uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < 2000; r++) {
        for (int i = 0; i < (1 << 16); i++) {
            h ^= (uint64_t)(i + r);
            h *= 1099511628211ull;
            keys[(h >> 7) & 0xffff] += (uint32_t)h;
        }
    }
    return h ^ keys[123];
}

static void sort(uint32_t *a, long lo, long hi)
{
    while (lo < hi) {
        uint32_t p = a[(lo + hi) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) {
                i++;
            }
            while (a[j] > p) {
                j--;
            }
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            sort(a, lo, j);
            lo = i;
        } else {
            sort(a, i, hi);
            hi = j;
        }
    }
}

static uint64_t loop_qsort(void)
{
    uint64_t sum = 0, x = 88172645463325252ull;
    for (int r = 0; r < 100; r++) {
        for (int i = 0; i < (1 << 16); i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            keys[i] = (uint32_t)x;
        }
        sort(keys, 0, (1 << 16) - 1);
        sum += keys[100] ^ keys[60000];
    }
    return sum;
}

static uint64_t loop_copy(void)
{
    uint64_t *w = (uint64_t *)buf, sum = 0;
    for (int r = 0; r < 4000; r++) {
        for (int i = 0; i < (1 << 16); i++) {
            w[(i + 1) & 0xffff] = w[i] + (uint64_t)i;
        }
        sum += w[r];
    }
    return sum;
}

/* ChaCha20's block function: 32-bit adds, xors and rotates (Linux runs
 * it over 128 KiB for get_random_bytes early in boot) */
#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d)                                                       \
    (a += b, d ^= a, d = ROTL32(d, 16), c += d, b ^= c, b = ROTL32(b, 12),   \
     a += b, d ^= a, d = ROTL32(d, 8), c += d, b ^= c, b = ROTL32(b, 7))

static uint64_t loop_chacha(void)
{
    uint32_t s[16], x[16];
    uint64_t sum = 0;
    for (int i = 0; i < 16; i++) {
        s[i] = 0x61707865u * (uint32_t)(i + 1);
    }
    for (int blk = 0; blk < 1000000; blk++) {
        for (int i = 0; i < 16; i++) {
            x[i] = s[i];
        }
        for (int r = 0; r < 10; r++) {
            QR(x[0], x[4], x[8], x[12]);
            QR(x[1], x[5], x[9], x[13]);
            QR(x[2], x[6], x[10], x[14]);
            QR(x[3], x[7], x[11], x[15]);
            QR(x[0], x[5], x[10], x[15]);
            QR(x[1], x[6], x[11], x[12]);
            QR(x[2], x[7], x[8], x[13]);
            QR(x[3], x[4], x[9], x[14]);
        }
        for (int i = 0; i < 16; i++) {
            sum += x[i] + s[i];
        }
        s[12]++;
    }
    return sum;
}

int main(void)
{
    static uint64_t (*const loops[])(void) = { loop_sieve, loop_hash, loop_qsort, loop_copy,
                                                   loop_chacha };
    test_printf("loop %d: %lx\n", LOOP, loops[LOOP]());
    return 0;
}
