/* cgym-suite: category=numeric; 5-body Jovian planet simulation with a symplectic leapfrog integrator, energy and momentum checks */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define NBODIES 5
#define PI 3.141592653589793
#define SOLAR_MASS (4.0 * PI * PI)
#define DAYS_PER_YEAR 365.24

typedef struct {
    double pos[3];
    double vel[3];
    double mass;
    const char *name;
} Body;

typedef struct {
    double acc[NBODIES][3];
} Accel;

typedef enum {
    INTEGRATOR_LEAPFROG,   /* kick-drift-kick */
    INTEGRATOR_SEMI_EULER, /* symplectic Euler: kick then drift */
    INTEGRATOR_YOSHIDA4    /* 4th order composition of leapfrog */
} Integrator;

/* initial conditions: heliocentric positions (AU) and velocities (AU/day) */
static const double init_data[NBODIES][7] = {
    /* x, y, z, vx, vy, vz, mass (in solar masses) */
    { 0, 0, 0, 0, 0, 0, 1.0 },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03,
      7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04 },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03,
      4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04 },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03,
      2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05 },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03,
      1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05 },
};

static const char *const body_names[NBODIES] = { "sun", "jupiter", "saturn", "uranus", "neptune" };

static void init_system(Body *b)
{
    for (int i = 0; i < NBODIES; i++) {
        for (int k = 0; k < 3; k++) {
            b[i].pos[k] = init_data[i][k];
            b[i].vel[k] = init_data[i][3 + k] * DAYS_PER_YEAR;
        }
        b[i].mass = init_data[i][6] * SOLAR_MASS;
        b[i].name = body_names[i];
    }
}

/* shift to the barycentric frame by giving the sun the opposite momentum */
static void offset_momentum(Body *b)
{
    double p[3] = { 0.0, 0.0, 0.0 };
    for (int i = 0; i < NBODIES; i++)
        for (int k = 0; k < 3; k++)
            p[k] += b[i].vel[k] * b[i].mass;
    for (int k = 0; k < 3; k++)
        b[0].vel[k] = -p[k] / b[0].mass;
}

static void compute_accel(const Body *b, Accel *a)
{
    memset(a, 0, sizeof(*a));
    for (int i = 0; i < NBODIES; i++)
        for (int j = i + 1; j < NBODIES; j++) {
            double d[3];
            double d2 = 0.0;
            for (int k = 0; k < 3; k++) {
                d[k] = b[i].pos[k] - b[j].pos[k];
                d2 += d[k] * d[k];
            }
            double dist = sqrt(d2);
            double inv3 = 1.0 / (d2 * dist);
            for (int k = 0; k < 3; k++) {
                a->acc[i][k] -= d[k] * b[j].mass * inv3;
                a->acc[j][k] += d[k] * b[i].mass * inv3;
            }
        }
}

static void kick(Body *b, const Accel *a, double dt)
{
    for (int i = 0; i < NBODIES; i++)
        for (int k = 0; k < 3; k++)
            b[i].vel[k] += dt * a->acc[i][k];
}

static void drift(Body *b, double dt)
{
    for (int i = 0; i < NBODIES; i++)
        for (int k = 0; k < 3; k++)
            b[i].pos[k] += dt * b[i].vel[k];
}

static void leapfrog_step(Body *b, Accel *a, double dt)
{
    /* a holds the acceleration at the current positions on entry and exit */
    kick(b, a, 0.5 * dt);
    drift(b, dt);
    compute_accel(b, a);
    kick(b, a, 0.5 * dt);
}

static void step(Body *b, Accel *a, double dt, Integrator kind)
{
    /* Yoshida coefficients for a 4th order symmetric composition */
    static const double w1 = 1.3512071919596576;  /* 1 / (2 - 2^(1/3)) */
    static const double w0 = -1.7024143839193153; /* -2^(1/3) / (2 - 2^(1/3)) */
    switch (kind) {
    case INTEGRATOR_LEAPFROG:
        leapfrog_step(b, a, dt);
        break;
    case INTEGRATOR_SEMI_EULER:
        compute_accel(b, a);
        kick(b, a, dt);
        drift(b, dt);
        break;
    case INTEGRATOR_YOSHIDA4:
        leapfrog_step(b, a, w1 * dt);
        leapfrog_step(b, a, w0 * dt);
        leapfrog_step(b, a, w1 * dt);
        break;
    }
}

static double energy(const Body *b)
{
    double e = 0.0;
    for (int i = 0; i < NBODIES; i++) {
        double v2 = 0.0;
        for (int k = 0; k < 3; k++)
            v2 += b[i].vel[k] * b[i].vel[k];
        e += 0.5 * b[i].mass * v2;
        for (int j = i + 1; j < NBODIES; j++) {
            double d2 = 0.0;
            for (int k = 0; k < 3; k++) {
                double d = b[i].pos[k] - b[j].pos[k];
                d2 += d * d;
            }
            e -= b[i].mass * b[j].mass / sqrt(d2);
        }
    }
    return e;
}

static void angular_momentum(const Body *b, double l[3])
{
    l[0] = l[1] = l[2] = 0.0;
    for (int i = 0; i < NBODIES; i++) {
        const double *r = b[i].pos, *v = b[i].vel;
        double m = b[i].mass;
        l[0] += m * (r[1] * v[2] - r[2] * v[1]);
        l[1] += m * (r[2] * v[0] - r[0] * v[2]);
        l[2] += m * (r[0] * v[1] - r[1] * v[0]);
    }
}

static void linear_momentum(const Body *b, double p[3])
{
    p[0] = p[1] = p[2] = 0.0;
    for (int i = 0; i < NBODIES; i++)
        for (int k = 0; k < 3; k++)
            p[k] += b[i].mass * b[i].vel[k];
}

static double distance(const Body *a, const Body *b)
{
    double d2 = 0.0;
    for (int k = 0; k < 3; k++) {
        double d = a->pos[k] - b->pos[k];
        d2 += d * d;
    }
    return sqrt(d2);
}

static uint32_t hash_mix(uint32_t h, int64_t v)
{
    uint64_t u = (uint64_t)v;
    h ^= (uint32_t)u;
    h *= 0x9E3779B1u;
    h ^= (uint32_t)(u >> 32);
    h = (h << 13) | (h >> 19);
    h *= 5u;
    h += 0xE6546B64u;
    return h;
}

static const char *integrator_name(Integrator k)
{
    switch (k) {
    case INTEGRATOR_LEAPFROG:
        return "leapfrog";
    case INTEGRATOR_SEMI_EULER:
        return "semi-implicit-euler";
    case INTEGRATOR_YOSHIDA4:
        return "yoshida4";
    }
    return "?";
}

/* runs a simulation and returns the maximum relative energy drift (scaled to 1e9) */
static uint32_t simulate(Integrator kind, int steps, double dt, uint32_t h, int verbose)
{
    Body b[NBODIES];
    Accel a;
    init_system(b);
    offset_momentum(b);
    compute_accel(b, &a);
    double e0 = energy(b);
    double l0[3];
    angular_momentum(b, l0);
    double max_drift = 0.0;
    double min_js = 1e30, max_js = 0.0;

    for (int s = 1; s <= steps; s++) {
        step(b, &a, dt, kind);
        if (s % 50 == 0) {
            double e = energy(b);
            double drift_rel = fabs((e - e0) / e0);
            if (drift_rel > max_drift)
                max_drift = drift_rel;
            double js = distance(&b[1], &b[2]);
            if (js < min_js)
                min_js = js;
            if (js > max_js)
                max_js = js;
        }
    }
    double e1 = energy(b);
    double l1[3], p1[3];
    angular_momentum(b, l1);
    linear_momentum(b, p1);
    double dl = 0.0;
    for (int k = 0; k < 3; k++)
        dl += fabs(l1[k] - l0[k]);

    printf("%s: steps=%d dt=%.4f\n", integrator_name(kind), steps, dt);
    printf("  energy before=%.6f after=%.6f  max relative drift %s 1e-4\n", e0, e1, max_drift < 1e-4 ? "<" : ">=");
    printf("  angular momentum conserved (<1e-10): %s  total momentum ~0: %s\n", dl < 1e-10 ? "yes" : "no",
           fabs(p1[0]) + fabs(p1[1]) + fabs(p1[2]) < 1e-12 ? "yes" : "no");
    printf("  jupiter-saturn distance range: %.4f .. %.4f AU\n", min_js, max_js);
    if (verbose)
        for (int i = 0; i < NBODIES; i++)
            printf("  %-8s pos=(%.5f, %.5f, %.5f) r_sun=%.5f\n", b[i].name, b[i].pos[0], b[i].pos[1], b[i].pos[2],
                   i == 0 ? 0.0 : distance(&b[i], &b[0]));

    h = hash_mix(h, (int64_t)llround(e0 * 1e6));
    h = hash_mix(h, (int64_t)llround(e1 * 1e6));
    h = hash_mix(h, (int64_t)llround(min_js * 1e4));
    h = hash_mix(h, (int64_t)llround(max_js * 1e4));
    for (int i = 0; i < NBODIES; i++)
        for (int k = 0; k < 3; k++)
            h = hash_mix(h, (int64_t)llround(b[i].pos[k] * 1e5));
    return h;
}

int main(void)
{
    uint32_t h = 0x12345678u;
    h = simulate(INTEGRATOR_LEAPFROG, 20000, 0.01, h, 1);
    h = simulate(INTEGRATOR_SEMI_EULER, 8000, 0.01, h, 0);
    h = simulate(INTEGRATOR_YOSHIDA4, 4000, 0.05, h, 1);
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
