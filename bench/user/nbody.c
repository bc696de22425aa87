/* Floating-point workload: the n-body simulation (double precision). */
#include <math.h>
#include <stdio.h>

#define N 5
static double px[N] = {0, 4.84, 8.34, 12.89, 15.37}, py[N] = {0, -1.16, 4.12, -15.11, -25.91},
              pz[N] = {0, -0.10, -0.40, -0.22, 0.17}, vx[N] = {0, 0.606, -1.01, 1.08, 0.979},
              vy[N] = {0, 2.81, 1.82, 0.868, 0.594}, vz[N] = {0, -0.02, 0.008, -0.01, -0.034},
              m[N] = {39.47, 0.037, 0.011, 0.0017, 0.002};

int main(void)
{
    const double dt = 0.01;
    for (int step = 0; step < 12000000; step++) {
        for (int i = 0; i < N; i++) {
            for (int j = i + 1; j < N; j++) {
                double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
                double d2 = dx * dx + dy * dy + dz * dz;
                double mag = dt / (d2 * sqrt(d2));
                vx[i] -= dx * m[j] * mag; vy[i] -= dy * m[j] * mag; vz[i] -= dz * m[j] * mag;
                vx[j] += dx * m[i] * mag; vy[j] += dy * m[i] * mag; vz[j] += dz * m[i] * mag;
            }
        }
        for (int i = 0; i < N; i++) {
            px[i] += dt * vx[i]; py[i] += dt * vy[i]; pz[i] += dt * vz[i];
        }
    }
    printf("x0 = %.6f\n", px[0]);
    return 0;
}
