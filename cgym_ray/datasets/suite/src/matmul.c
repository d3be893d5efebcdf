/* cgym-suite: category=linear_algebra; naive, transposed and blocked matrix multiply on doubles and int32, cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define N 72
#define BLOCK 16

typedef struct {
    int rows;
    int cols;
    double *data;
} DMatrix;

typedef struct {
    int rows;
    int cols;
    int32_t *data;
} IMatrix;

static uint32_t rng_state = 0x2545F491u;

static uint32_t rng_next(void)
{
    /* xorshift32 */
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static DMatrix dmat_new(int rows, int cols)
{
    DMatrix m;
    m.rows = rows;
    m.cols = cols;
    m.data = (double *)calloc((size_t)rows * (size_t)cols, sizeof(double));
    if (!m.data) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return m;
}

static IMatrix imat_new(int rows, int cols)
{
    IMatrix m;
    m.rows = rows;
    m.cols = cols;
    m.data = (int32_t *)calloc((size_t)rows * (size_t)cols, sizeof(int32_t));
    if (!m.data) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return m;
}

static void dmat_free(DMatrix *m) { free(m->data); m->data = NULL; }
static void imat_free(IMatrix *m) { free(m->data); m->data = NULL; }

#define DAT(m, i, j) ((m).data[(size_t)(i) * (size_t)(m).cols + (size_t)(j)])

/* Fill with dyadic rationals k/64 so that all products and sums are exact. */
static void dmat_fill_exact(DMatrix *m)
{
    for (int i = 0; i < m->rows; i++)
        for (int j = 0; j < m->cols; j++) {
            int v = (int)(rng_next() % 2001u) - 1000;
            DAT(*m, i, j) = (double)v / 64.0;
        }
}

/* Fill with "real" values in [-1, 1]; results then depend on summation order. */
static void dmat_fill_real(DMatrix *m)
{
    for (int i = 0; i < m->rows; i++)
        for (int j = 0; j < m->cols; j++) {
            double v = (double)(rng_next() % 1000003u) / 1000003.0;
            DAT(*m, i, j) = 2.0 * v - 1.0;
        }
}

static void imat_fill(IMatrix *m, int range)
{
    for (int i = 0; i < m->rows; i++)
        for (int j = 0; j < m->cols; j++)
            DAT(*m, i, j) = (int32_t)(rng_next() % (uint32_t)(2 * range + 1)) - range;
}

static void dmat_transpose(const DMatrix *a, DMatrix *t)
{
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < a->cols; j++)
            DAT(*t, j, i) = DAT(*a, i, j);
}

static void imat_transpose(const IMatrix *a, IMatrix *t)
{
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < a->cols; j++)
            DAT(*t, j, i) = DAT(*a, i, j);
}

/* ---- double kernels ---- */

static void dmm_naive(const DMatrix *a, const DMatrix *b, DMatrix *c)
{
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < b->cols; j++) {
            double s = 0.0;
            for (int k = 0; k < a->cols; k++)
                s += DAT(*a, i, k) * DAT(*b, k, j);
            DAT(*c, i, j) = s;
        }
}

static void dmm_transposed(const DMatrix *a, const DMatrix *b, DMatrix *c)
{
    DMatrix bt = dmat_new(b->cols, b->rows);
    dmat_transpose(b, &bt);
    for (int i = 0; i < a->rows; i++) {
        const double *ra = &a->data[(size_t)i * (size_t)a->cols];
        for (int j = 0; j < bt.rows; j++) {
            const double *rb = &bt.data[(size_t)j * (size_t)bt.cols];
            double s = 0.0;
            for (int k = 0; k < a->cols; k++)
                s += ra[k] * rb[k];
            DAT(*c, i, j) = s;
        }
    }
    dmat_free(&bt);
}

static int imin(int a, int b) { return a < b ? a : b; }

static void dmm_blocked(const DMatrix *a, const DMatrix *b, DMatrix *c, int bs)
{
    memset(c->data, 0, sizeof(double) * (size_t)c->rows * (size_t)c->cols);
    for (int ii = 0; ii < a->rows; ii += bs)
        for (int kk = 0; kk < a->cols; kk += bs)
            for (int jj = 0; jj < b->cols; jj += bs) {
                int ie = imin(ii + bs, a->rows);
                int ke = imin(kk + bs, a->cols);
                int je = imin(jj + bs, b->cols);
                for (int i = ii; i < ie; i++)
                    for (int k = kk; k < ke; k++) {
                        double aik = DAT(*a, i, k);
                        for (int j = jj; j < je; j++)
                            DAT(*c, i, j) += aik * DAT(*b, k, j);
                    }
            }
}

/* ---- int32 kernels ---- */

static void imm_naive(const IMatrix *a, const IMatrix *b, IMatrix *c)
{
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < b->cols; j++) {
            int32_t s = 0;
            for (int k = 0; k < a->cols; k++)
                s += DAT(*a, i, k) * DAT(*b, k, j);
            DAT(*c, i, j) = s;
        }
}

static void imm_transposed(const IMatrix *a, const IMatrix *b, IMatrix *c)
{
    IMatrix bt = imat_new(b->cols, b->rows);
    imat_transpose(b, &bt);
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < bt.rows; j++) {
            int32_t s = 0;
            for (int k = 0; k < a->cols; k++)
                s += DAT(*a, i, k) * DAT(bt, j, k);
            DAT(*c, i, j) = s;
        }
    imat_free(&bt);
}

static void imm_blocked(const IMatrix *a, const IMatrix *b, IMatrix *c, int bs)
{
    memset(c->data, 0, sizeof(int32_t) * (size_t)c->rows * (size_t)c->cols);
    for (int ii = 0; ii < a->rows; ii += bs)
        for (int jj = 0; jj < b->cols; jj += bs)
            for (int kk = 0; kk < a->cols; kk += bs) {
                int ie = imin(ii + bs, a->rows);
                int je = imin(jj + bs, b->cols);
                int ke = imin(kk + bs, a->cols);
                for (int i = ii; i < ie; i++)
                    for (int j = jj; j < je; j++) {
                        int32_t s = DAT(*c, i, j);
                        for (int k = kk; k < ke; k++)
                            s += DAT(*a, i, k) * DAT(*b, k, j);
                        DAT(*c, i, j) = s;
                    }
            }
}

/* ---- comparison helpers ---- */

static int dmat_equal(const DMatrix *x, const DMatrix *y)
{
    size_t n = (size_t)x->rows * (size_t)x->cols;
    for (size_t i = 0; i < n; i++)
        if (x->data[i] != y->data[i])
            return 0;
    return 1;
}

static double dmat_maxdiff(const DMatrix *x, const DMatrix *y)
{
    size_t n = (size_t)x->rows * (size_t)x->cols;
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(x->data[i] - y->data[i]);
        if (d > m)
            m = d;
    }
    return m;
}

static int imat_equal(const IMatrix *x, const IMatrix *y)
{
    size_t n = (size_t)x->rows * (size_t)x->cols;
    return memcmp(x->data, y->data, n * sizeof(int32_t)) == 0;
}

static uint32_t fnv_add(uint32_t h, uint32_t v)
{
    for (int b = 0; b < 4; b++) {
        h ^= (v >> (8 * b)) & 0xFFu;
        h *= 16777619u;
    }
    return h;
}

/* Quantise each entry to 1/256 steps; only for results that are exact. */
static uint32_t dmat_hash(const DMatrix *m, uint32_t h)
{
    size_t n = (size_t)m->rows * (size_t)m->cols;
    for (size_t i = 0; i < n; i++) {
        int64_t q = (int64_t)llround(m->data[i] * 256.0);
        h = fnv_add(h, (uint32_t)((uint64_t)q & 0xFFFFFFFFu));
        h = fnv_add(h, (uint32_t)((uint64_t)q >> 32));
    }
    return h;
}

static uint32_t imat_hash(const IMatrix *m, uint32_t h)
{
    size_t n = (size_t)m->rows * (size_t)m->cols;
    for (size_t i = 0; i < n; i++)
        h = fnv_add(h, (uint32_t)m->data[i]);
    return h;
}

static double dmat_trace(const DMatrix *m)
{
    double t = 0.0;
    for (int i = 0; i < m->rows && i < m->cols; i++)
        t += DAT(*m, i, i);
    return t;
}

static double dmat_frobenius(const DMatrix *m)
{
    double s = 0.0;
    size_t n = (size_t)m->rows * (size_t)m->cols;
    for (size_t i = 0; i < n; i++)
        s += m->data[i] * m->data[i];
    return sqrt(s);
}

static int64_t imat_trace(const IMatrix *m)
{
    int64_t t = 0;
    for (int i = 0; i < m->rows && i < m->cols; i++)
        t += DAT(*m, i, i);
    return t;
}

/* Repeated squaring of a small integer matrix modulo a prime, using the blocked kernel. */
static void imat_mod(IMatrix *m, int32_t p)
{
    size_t n = (size_t)m->rows * (size_t)m->cols;
    for (size_t i = 0; i < n; i++) {
        int32_t v = m->data[i] % p;
        if (v < 0)
            v += p;
        m->data[i] = v;
    }
}

static uint32_t int_matrix_power_chain(int dim, int steps)
{
    const int32_t p = 211; /* keeps dim*p*p far below INT32_MAX */
    IMatrix a = imat_new(dim, dim), b = imat_new(dim, dim), c = imat_new(dim, dim);
    imat_fill(&a, 100);
    imat_mod(&a, p);
    memcpy(b.data, a.data, sizeof(int32_t) * (size_t)dim * (size_t)dim);
    uint32_t h = 2166136261u;
    for (int s = 0; s < steps; s++) {
        imm_blocked(&b, &a, &c, BLOCK);
        imat_mod(&c, p);
        h = fnv_add(h, (uint32_t)imat_trace(&c));
        IMatrix tmp = b;
        b = c;
        c = tmp;
    }
    imat_free(&a);
    imat_free(&b);
    imat_free(&c);
    return h;
}

int main(void)
{
    uint32_t checksum = 2166136261u;

    /* exact double case: all three algorithms must agree bit-for-bit */
    DMatrix a = dmat_new(N, N), b = dmat_new(N, N);
    DMatrix c1 = dmat_new(N, N), c2 = dmat_new(N, N), c3 = dmat_new(N, N);
    dmat_fill_exact(&a);
    dmat_fill_exact(&b);
    dmm_naive(&a, &b, &c1);
    dmm_transposed(&a, &b, &c2);
    dmm_blocked(&a, &b, &c3, BLOCK);
    int ok_exact = dmat_equal(&c1, &c2) && dmat_equal(&c1, &c3);
    printf("double exact %dx%d: naive==transposed==blocked: %s\n", N, N, ok_exact ? "yes" : "NO");
    printf("  trace = %.4f  frobenius = %.4f\n", dmat_trace(&c1), dmat_frobenius(&c1));
    checksum = dmat_hash(&c1, checksum);

    /* real-valued case: summation order differs, compare with tolerance */
    dmat_fill_real(&a);
    dmat_fill_real(&b);
    dmm_naive(&a, &b, &c1);
    dmm_transposed(&a, &b, &c2);
    dmm_blocked(&a, &b, &c3, 24);
    double d12 = dmat_maxdiff(&c1, &c2), d13 = dmat_maxdiff(&c1, &c3);
    printf("double real: max|naive-transposed| < 1e-12: %s, max|naive-blocked| < 1e-12: %s\n",
           d12 < 1e-12 ? "yes" : "NO", d13 < 1e-12 ? "yes" : "NO");
    printf("  trace = %.6f  frobenius = %.6f\n", dmat_trace(&c1), dmat_frobenius(&c1));
    checksum = fnv_add(checksum, (uint32_t)(int32_t)lround(dmat_trace(&c1) * 1000.0));

    /* rectangular exact case with block size not dividing dimensions */
    DMatrix r1 = dmat_new(N - 5, N + 7), r2 = dmat_new(N + 7, N - 11);
    DMatrix rc1 = dmat_new(N - 5, N - 11), rc2 = dmat_new(N - 5, N - 11), rc3 = dmat_new(N - 5, N - 11);
    dmat_fill_exact(&r1);
    dmat_fill_exact(&r2);
    dmm_naive(&r1, &r2, &rc1);
    dmm_transposed(&r1, &r2, &rc2);
    dmm_blocked(&r1, &r2, &rc3, 10);
    printf("double rect %dx%d * %dx%d: agree: %s  trace = %.4f\n", r1.rows, r1.cols, r2.rows, r2.cols,
           (dmat_equal(&rc1, &rc2) && dmat_equal(&rc1, &rc3)) ? "yes" : "NO", dmat_trace(&rc1));
    checksum = dmat_hash(&rc1, checksum);

    /* int32 case */
    IMatrix ia = imat_new(N, N), ib = imat_new(N, N);
    IMatrix ic1 = imat_new(N, N), ic2 = imat_new(N, N), ic3 = imat_new(N, N);
    imat_fill(&ia, 300);
    imat_fill(&ib, 300);
    imm_naive(&ia, &ib, &ic1);
    imm_transposed(&ia, &ib, &ic2);
    imm_blocked(&ia, &ib, &ic3, BLOCK);
    int ok_int = imat_equal(&ic1, &ic2) && imat_equal(&ic1, &ic3);
    printf("int32 %dx%d: naive==transposed==blocked: %s  trace = %lld\n", N, N, ok_int ? "yes" : "NO",
           (long long)imat_trace(&ic1));
    checksum = imat_hash(&ic1, checksum);

    /* cross-check int against double on the same data */
    DMatrix da = dmat_new(N, N), db = dmat_new(N, N), dc = dmat_new(N, N);
    for (int i = 0; i < N * N; i++) {
        da.data[i] = (double)ia.data[i];
        db.data[i] = (double)ib.data[i];
    }
    dmm_blocked(&da, &db, &dc, 8);
    int ok_cross = 1;
    for (int i = 0; i < N * N; i++)
        if (dc.data[i] != (double)ic1.data[i])
            ok_cross = 0;
    printf("int32 vs double cross-check: %s\n", ok_cross ? "yes" : "NO");

    uint32_t hp = int_matrix_power_chain(24, 12);
    printf("modular matrix power chain hash: 0x%08x\n", (unsigned)hp);
    checksum = fnv_add(checksum, hp);

    dmat_free(&a); dmat_free(&b); dmat_free(&c1); dmat_free(&c2); dmat_free(&c3);
    dmat_free(&r1); dmat_free(&r2); dmat_free(&rc1); dmat_free(&rc2); dmat_free(&rc3);
    dmat_free(&da); dmat_free(&db); dmat_free(&dc);
    imat_free(&ia); imat_free(&ib); imat_free(&ic1); imat_free(&ic2); imat_free(&ic3);

    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
