/* cgym-suite: category=linear_algebra; small dense linear-algebra library: LU, inverse, Cholesky, QR (Householder, Gram-Schmidt, Givens), least squares, power/inverse iteration, Jacobi and QR eigenvalues, SVD, all cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

/* ====================================================================== */
/* basic types                                                             */
/* ====================================================================== */

typedef struct {
    int n;
    double *d;
} Vec;

typedef struct {
    int r;
    int c;
    double *d;
} Mat;

#define MAT(m, i, j) ((m)->d[(size_t)(i) * (size_t)(m)->c + (size_t)(j)])

typedef enum {
    CHECK_OK = 0,
    CHECK_FAIL = 1
} CheckStatus;

typedef struct {
    int total;
    int failed;
    uint32_t hash;
} Report;

static Report g_report = { 0, 0, 0x811c9dc5u };

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* ---------------------------------------------------------------------- */
/* random numbers: xorshift64*                                              */
/* ---------------------------------------------------------------------- */

static uint64_t rng_s = 0x9E3779B97F4A7C15ull;

static uint64_t rng_u64(void)
{
    uint64_t x = rng_s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static double rng_uniform(void)
{
    /* 53-bit value in [0,1) */
    return (double)(rng_u64() >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_range(double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform();
}

/* ---------------------------------------------------------------------- */
/* hashing / reporting                                                     */
/* ---------------------------------------------------------------------- */

static void hash_u32(uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        g_report.hash ^= (v >> (i * 8)) & 0xFFu;
        g_report.hash *= 16777619u;
    }
}

static void hash_double(double v, double scale)
{
    double q = v * scale;
    int64_t iq = (int64_t)llround(q);
    hash_u32((uint32_t)((uint64_t)iq & 0xFFFFFFFFu));
    hash_u32((uint32_t)((uint64_t)iq >> 32));
}

static double clean(double v, double eps)
{
    return fabs(v) < eps ? 0.0 : v;
}

static CheckStatus check(const char *name, int cond)
{
    g_report.total++;
    if (!cond)
        g_report.failed++;
    printf("  [%s] %s\n", cond ? "ok" : "FAIL", name);
    hash_u32((uint32_t)(cond ? 1 : 0));
    return cond ? CHECK_OK : CHECK_FAIL;
}

/* ====================================================================== */
/* vectors                                                                 */
/* ====================================================================== */

static Vec vec_new(int n)
{
    Vec v;
    v.n = n;
    v.d = (double *)xmalloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++)
        v.d[i] = 0.0;
    return v;
}

static void vec_free(Vec *v)
{
    free(v->d);
    v->d = NULL;
    v->n = 0;
}

static Vec vec_copy(const Vec *a)
{
    Vec v = vec_new(a->n);
    memcpy(v.d, a->d, sizeof(double) * (size_t)a->n);
    return v;
}

static double vec_dot(const Vec *a, const Vec *b)
{
    double s = 0.0;
    for (int i = 0; i < a->n; i++)
        s += a->d[i] * b->d[i];
    return s;
}

static double vec_norm(const Vec *a)
{
    /* scaled 2-norm to avoid overflow */
    double scale = 0.0, ssq = 1.0;
    for (int i = 0; i < a->n; i++) {
        double x = fabs(a->d[i]);
        if (x == 0.0)
            continue;
        if (scale < x) {
            ssq = 1.0 + ssq * (scale / x) * (scale / x);
            scale = x;
        } else {
            ssq += (x / scale) * (x / scale);
        }
    }
    return scale * sqrt(ssq);
}

static void vec_scale(Vec *a, double s)
{
    for (int i = 0; i < a->n; i++)
        a->d[i] *= s;
}

static void vec_axpy(double alpha, const Vec *x, Vec *y)
{
    for (int i = 0; i < x->n; i++)
        y->d[i] += alpha * x->d[i];
}

static double vec_normalize(Vec *a)
{
    double nrm = vec_norm(a);
    if (nrm > 0.0)
        vec_scale(a, 1.0 / nrm);
    return nrm;
}

static double vec_max_abs_diff(const Vec *a, const Vec *b)
{
    double m = 0.0;
    for (int i = 0; i < a->n; i++) {
        double d = fabs(a->d[i] - b->d[i]);
        if (d > m)
            m = d;
    }
    return m;
}

static void vec_fill_random(Vec *a, double lo, double hi)
{
    for (int i = 0; i < a->n; i++)
        a->d[i] = rng_range(lo, hi);
}

/* make the largest-magnitude component positive (eigenvector sign convention) */
static void vec_fix_sign(Vec *a)
{
    int best = 0;
    for (int i = 1; i < a->n; i++)
        if (fabs(a->d[i]) > fabs(a->d[best]))
            best = i;
    if (a->d[best] < 0.0)
        vec_scale(a, -1.0);
}

static int cmp_double_asc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void vec_sort(Vec *a)
{
    qsort(a->d, (size_t)a->n, sizeof(double), cmp_double_asc);
}

/* ====================================================================== */
/* dense matrices                                                          */
/* ====================================================================== */

static Mat mat_new(int r, int c)
{
    Mat m;
    m.r = r;
    m.c = c;
    m.d = (double *)xmalloc(sizeof(double) * (size_t)r * (size_t)c);
    for (int i = 0; i < r * c; i++)
        m.d[i] = 0.0;
    return m;
}

static void mat_free(Mat *m)
{
    free(m->d);
    m->d = NULL;
    m->r = m->c = 0;
}

static Mat mat_copy(const Mat *a)
{
    Mat m = mat_new(a->r, a->c);
    memcpy(m.d, a->d, sizeof(double) * (size_t)a->r * (size_t)a->c);
    return m;
}

static Mat mat_identity(int n)
{
    Mat m = mat_new(n, n);
    for (int i = 0; i < n; i++)
        MAT(&m, i, i) = 1.0;
    return m;
}

static Mat mat_transpose(const Mat *a)
{
    Mat t = mat_new(a->c, a->r);
    for (int i = 0; i < a->r; i++)
        for (int j = 0; j < a->c; j++)
            MAT(&t, j, i) = MAT(a, i, j);
    return t;
}

static Mat mat_mul(const Mat *a, const Mat *b)
{
    Mat m = mat_new(a->r, b->c);
    for (int i = 0; i < a->r; i++)
        for (int k = 0; k < a->c; k++) {
            double aik = MAT(a, i, k);
            if (aik == 0.0)
                continue;
            for (int j = 0; j < b->c; j++)
                MAT(&m, i, j) += aik * MAT(b, k, j);
        }
    return m;
}

/* A^T * B without forming the transpose */
static Mat mat_tmul(const Mat *a, const Mat *b)
{
    Mat m = mat_new(a->c, b->c);
    for (int i = 0; i < a->c; i++)
        for (int j = 0; j < b->c; j++) {
            double s = 0.0;
            for (int k = 0; k < a->r; k++)
                s += MAT(a, k, i) * MAT(b, k, j);
            MAT(&m, i, j) = s;
        }
    return m;
}

static void mat_mul_vec(const Mat *a, const Vec *x, Vec *y)
{
    for (int i = 0; i < a->r; i++) {
        double s = 0.0;
        for (int j = 0; j < a->c; j++)
            s += MAT(a, i, j) * x->d[j];
        y->d[i] = s;
    }
}

static void mat_tmul_vec(const Mat *a, const Vec *x, Vec *y)
{
    for (int j = 0; j < a->c; j++) {
        double s = 0.0;
        for (int i = 0; i < a->r; i++)
            s += MAT(a, i, j) * x->d[i];
        y->d[j] = s;
    }
}

static Mat mat_sub(const Mat *a, const Mat *b)
{
    Mat m = mat_new(a->r, a->c);
    for (int i = 0; i < a->r * a->c; i++)
        m.d[i] = a->d[i] - b->d[i];
    return m;
}

static void mat_add_diag(Mat *a, double s)
{
    for (int i = 0; i < a->r && i < a->c; i++)
        MAT(a, i, i) += s;
}

static double mat_frobenius(const Mat *a)
{
    double s = 0.0;
    for (int i = 0; i < a->r * a->c; i++)
        s += a->d[i] * a->d[i];
    return sqrt(s);
}

static double mat_norm1(const Mat *a)
{
    double best = 0.0;
    for (int j = 0; j < a->c; j++) {
        double s = 0.0;
        for (int i = 0; i < a->r; i++)
            s += fabs(MAT(a, i, j));
        if (s > best)
            best = s;
    }
    return best;
}

static double mat_norm_inf(const Mat *a)
{
    double best = 0.0;
    for (int i = 0; i < a->r; i++) {
        double s = 0.0;
        for (int j = 0; j < a->c; j++)
            s += fabs(MAT(a, i, j));
        if (s > best)
            best = s;
    }
    return best;
}

static double mat_trace(const Mat *a)
{
    double s = 0.0;
    for (int i = 0; i < a->r && i < a->c; i++)
        s += MAT(a, i, i);
    return s;
}

static double mat_max_abs_diff(const Mat *a, const Mat *b)
{
    double m = 0.0;
    for (int i = 0; i < a->r * a->c; i++) {
        double d = fabs(a->d[i] - b->d[i]);
        if (d > m)
            m = d;
    }
    return m;
}

static int mat_is_upper(const Mat *a, double tol)
{
    for (int i = 0; i < a->r; i++)
        for (int j = 0; j < i && j < a->c; j++)
            if (fabs(MAT(a, i, j)) > tol)
                return 0;
    return 1;
}

static int mat_is_symmetric(const Mat *a, double tol)
{
    if (a->r != a->c)
        return 0;
    for (int i = 0; i < a->r; i++)
        for (int j = i + 1; j < a->c; j++)
            if (fabs(MAT(a, i, j) - MAT(a, j, i)) > tol)
                return 0;
    return 1;
}

/* max |Q^T Q - I| for the columns of Q */
static double mat_orthogonality_error(const Mat *q)
{
    Mat qtq = mat_tmul(q, q);
    Mat id = mat_identity(q->c);
    double e = mat_max_abs_diff(&qtq, &id);
    mat_free(&qtq);
    mat_free(&id);
    return e;
}

static void mat_get_col(const Mat *a, int j, Vec *v)
{
    for (int i = 0; i < a->r; i++)
        v->d[i] = MAT(a, i, j);
}

static void mat_set_col(Mat *a, int j, const Vec *v)
{
    for (int i = 0; i < a->r; i++)
        MAT(a, i, j) = v->d[i];
}

/* ---------------------------------------------------------------------- */
/* generators                                                              */
/* ---------------------------------------------------------------------- */

static Mat mat_random(int r, int c)
{
    Mat m = mat_new(r, c);
    for (int i = 0; i < r * c; i++)
        m.d[i] = rng_range(-1.0, 1.0);
    return m;
}

static Mat mat_random_symmetric(int n)
{
    Mat m = mat_new(n, n);
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            double v = rng_range(-1.0, 1.0);
            MAT(&m, i, j) = v;
            MAT(&m, j, i) = v;
        }
    return m;
}

/* B^T B + shift I */
static Mat mat_spd(int n, double shift)
{
    Mat b = mat_random(n, n);
    Mat a = mat_tmul(&b, &b);
    /* symmetrise exactly */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            MAT(&a, j, i) = MAT(&a, i, j);
    mat_add_diag(&a, shift);
    mat_free(&b);
    return a;
}

static Mat mat_tridiag(int n, double diag, double off)
{
    Mat m = mat_new(n, n);
    for (int i = 0; i < n; i++) {
        MAT(&m, i, i) = diag;
        if (i > 0)
            MAT(&m, i, i - 1) = off;
        if (i + 1 < n)
            MAT(&m, i, i + 1) = off;
    }
    return m;
}

/* symmetric matrix with prescribed eigenvalues: Q diag(ev) Q^T, Q from Householder reflectors */
static Mat mat_with_spectrum(const Vec *ev)
{
    int n = ev->n;
    Mat a = mat_new(n, n);
    for (int i = 0; i < n; i++)
        MAT(&a, i, i) = ev->d[i];
    for (int rep = 0; rep < 3; rep++) {
        Vec v = vec_new(n);
        vec_fill_random(&v, -1.0, 1.0);
        vec_normalize(&v);
        /* A <- H A H with H = I - 2 v v^T */
        Vec av = vec_new(n);
        mat_mul_vec(&a, &v, &av);
        double vav = vec_dot(&v, &av);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                MAT(&a, i, j) += -2.0 * v.d[i] * av.d[j] - 2.0 * av.d[i] * v.d[j] + 4.0 * vav * v.d[i] * v.d[j];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double s = 0.5 * (MAT(&a, i, j) + MAT(&a, j, i));
                MAT(&a, i, j) = s;
                MAT(&a, j, i) = s;
            }
        vec_free(&v);
        vec_free(&av);
    }
    return a;
}

/* ====================================================================== */
/* LU decomposition with partial pivoting                                  */
/* ====================================================================== */

typedef struct {
    Mat lu;
    int *piv;
    int sign;
    int singular;
} LU;

static LU lu_factor(const Mat *a)
{
    LU f;
    int n = a->r;
    f.lu = mat_copy(a);
    f.piv = (int *)xmalloc(sizeof(int) * (size_t)n);
    f.sign = 1;
    f.singular = 0;
    for (int i = 0; i < n; i++)
        f.piv[i] = i;
    for (int k = 0; k < n; k++) {
        int p = k;
        double mx = fabs(MAT(&f.lu, k, k));
        for (int i = k + 1; i < n; i++)
            if (fabs(MAT(&f.lu, i, k)) > mx) {
                mx = fabs(MAT(&f.lu, i, k));
                p = i;
            }
        if (mx < 1e-300) {
            f.singular = 1;
            continue;
        }
        if (p != k) {
            for (int j = 0; j < n; j++) {
                double t = MAT(&f.lu, k, j);
                MAT(&f.lu, k, j) = MAT(&f.lu, p, j);
                MAT(&f.lu, p, j) = t;
            }
            int t = f.piv[k];
            f.piv[k] = f.piv[p];
            f.piv[p] = t;
            f.sign = -f.sign;
        }
        for (int i = k + 1; i < n; i++) {
            double l = MAT(&f.lu, i, k) / MAT(&f.lu, k, k);
            MAT(&f.lu, i, k) = l;
            for (int j = k + 1; j < n; j++)
                MAT(&f.lu, i, j) -= l * MAT(&f.lu, k, j);
        }
    }
    return f;
}

static void lu_free(LU *f)
{
    mat_free(&f->lu);
    free(f->piv);
}

static void lu_solve(const LU *f, const Vec *b, Vec *x)
{
    int n = f->lu.r;
    for (int i = 0; i < n; i++) {
        double s = b->d[f->piv[i]];
        for (int j = 0; j < i; j++)
            s -= MAT(&f->lu, i, j) * x->d[j];
        x->d[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
        double s = x->d[i];
        for (int j = i + 1; j < n; j++)
            s -= MAT(&f->lu, i, j) * x->d[j];
        x->d[i] = s / MAT(&f->lu, i, i);
    }
}

static double lu_det(const LU *f)
{
    double d = (double)f->sign;
    for (int i = 0; i < f->lu.r; i++)
        d *= MAT(&f->lu, i, i);
    return d;
}

static Mat lu_inverse(const LU *f)
{
    int n = f->lu.r;
    Mat inv = mat_new(n, n);
    Vec e = vec_new(n), x = vec_new(n);
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++)
            e.d[i] = (i == j) ? 1.0 : 0.0;
        lu_solve(f, &e, &x);
        mat_set_col(&inv, j, &x);
    }
    vec_free(&e);
    vec_free(&x);
    return inv;
}

/* ====================================================================== */
/* Gauss-Jordan inverse                                                    */
/* ====================================================================== */

static int gauss_jordan_inverse(const Mat *a, Mat *inv)
{
    int n = a->r;
    Mat w = mat_new(n, 2 * n);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            MAT(&w, i, j) = MAT(a, i, j);
        MAT(&w, i, n + i) = 1.0;
    }
    int ok = 1;
    for (int col = 0; col < n && ok; col++) {
        int p = col;
        for (int i = col + 1; i < n; i++)
            if (fabs(MAT(&w, i, col)) > fabs(MAT(&w, p, col)))
                p = i;
        if (fabs(MAT(&w, p, col)) < 1e-300) {
            ok = 0;
            break;
        }
        if (p != col)
            for (int j = 0; j < 2 * n; j++) {
                double t = MAT(&w, col, j);
                MAT(&w, col, j) = MAT(&w, p, j);
                MAT(&w, p, j) = t;
            }
        double piv = MAT(&w, col, col);
        for (int j = 0; j < 2 * n; j++)
            MAT(&w, col, j) /= piv;
        for (int i = 0; i < n; i++) {
            if (i == col)
                continue;
            double f = MAT(&w, i, col);
            if (f == 0.0)
                continue;
            for (int j = 0; j < 2 * n; j++)
                MAT(&w, i, j) -= f * MAT(&w, col, j);
        }
    }
    if (ok)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                MAT(inv, i, j) = MAT(&w, i, n + j);
    mat_free(&w);
    return ok;
}

/* ====================================================================== */
/* Cholesky and triangular solves                                          */
/* ====================================================================== */

static int cholesky(const Mat *a, Mat *l)
{
    int n = a->r;
    for (int i = 0; i < n * n; i++)
        l->d[i] = 0.0;
    for (int j = 0; j < n; j++) {
        double s = MAT(a, j, j);
        for (int k = 0; k < j; k++)
            s -= MAT(l, j, k) * MAT(l, j, k);
        if (s <= 0.0)
            return 0;
        MAT(l, j, j) = sqrt(s);
        for (int i = j + 1; i < n; i++) {
            double t = MAT(a, i, j);
            for (int k = 0; k < j; k++)
                t -= MAT(l, i, k) * MAT(l, j, k);
            MAT(l, i, j) = t / MAT(l, j, j);
        }
    }
    return 1;
}

static void forward_subst(const Mat *l, const Vec *b, Vec *x)
{
    for (int i = 0; i < l->r; i++) {
        double s = b->d[i];
        for (int j = 0; j < i; j++)
            s -= MAT(l, i, j) * x->d[j];
        x->d[i] = s / MAT(l, i, i);
    }
}

/* solves L^T x = b using the lower triangular L */
static void backward_subst_lt(const Mat *l, const Vec *b, Vec *x)
{
    int n = l->r;
    for (int i = n - 1; i >= 0; i--) {
        double s = b->d[i];
        for (int j = i + 1; j < n; j++)
            s -= MAT(l, j, i) * x->d[j];
        x->d[i] = s / MAT(l, i, i);
    }
}

/* solves R x = b for the leading n x n upper triangle of R */
static void backward_subst(const Mat *r, const Vec *b, Vec *x, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        double s = b->d[i];
        for (int j = i + 1; j < n; j++)
            s -= MAT(r, i, j) * x->d[j];
        x->d[i] = s / MAT(r, i, i);
    }
}

static void cholesky_solve(const Mat *l, const Vec *b, Vec *x)
{
    Vec y = vec_new(l->r);
    forward_subst(l, b, &y);
    backward_subst_lt(l, &y, x);
    vec_free(&y);
}

/* ====================================================================== */
/* QR decompositions                                                       */
/* ====================================================================== */

typedef enum {
    QR_HOUSEHOLDER,
    QR_CLASSICAL_GS,
    QR_MODIFIED_GS,
    QR_GIVENS
} QRMethod;

static const char *qr_method_name(QRMethod m)
{
    switch (m) {
    case QR_HOUSEHOLDER:
        return "householder";
    case QR_CLASSICAL_GS:
        return "classical-gs";
    case QR_MODIFIED_GS:
        return "modified-gs";
    case QR_GIVENS:
        return "givens";
    }
    return "?";
}

/* Householder: A (m x n, m >= n) = Q (m x n) R (n x n), thin form */
static void qr_householder(const Mat *a, Mat *q, Mat *r)
{
    int m = a->r, n = a->c;
    Mat w = mat_copy(a);
    Mat vs = mat_new(m, n); /* Householder vectors, column k */
    double *beta = (double *)xmalloc(sizeof(double) * (size_t)n);
    for (int k = 0; k < n; k++) {
        double norm = 0.0;
        for (int i = k; i < m; i++)
            norm += MAT(&w, i, k) * MAT(&w, i, k);
        norm = sqrt(norm);
        double alpha = MAT(&w, k, k) >= 0.0 ? -norm : norm;
        for (int i = 0; i < m; i++)
            MAT(&vs, i, k) = 0.0;
        for (int i = k; i < m; i++)
            MAT(&vs, i, k) = MAT(&w, i, k);
        MAT(&vs, k, k) -= alpha;
        double vtv = 0.0;
        for (int i = k; i < m; i++)
            vtv += MAT(&vs, i, k) * MAT(&vs, i, k);
        beta[k] = vtv > 0.0 ? 2.0 / vtv : 0.0;
        /* apply H_k to remaining columns */
        for (int j = k; j < n; j++) {
            double s = 0.0;
            for (int i = k; i < m; i++)
                s += MAT(&vs, i, k) * MAT(&w, i, j);
            s *= beta[k];
            for (int i = k; i < m; i++)
                MAT(&w, i, j) -= s * MAT(&vs, i, k);
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            MAT(r, i, j) = (j >= i) ? MAT(&w, i, j) : 0.0;
    /* Q = H_0 H_1 ... H_{n-1} applied to the first n columns of I */
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            MAT(q, i, j) = (i == j) ? 1.0 : 0.0;
    for (int k = n - 1; k >= 0; k--)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int i = k; i < m; i++)
                s += MAT(&vs, i, k) * MAT(q, i, j);
            s *= beta[k];
            for (int i = k; i < m; i++)
                MAT(q, i, j) -= s * MAT(&vs, i, k);
        }
    free(beta);
    mat_free(&vs);
    mat_free(&w);
}

static void qr_classical_gs(const Mat *a, Mat *q, Mat *r)
{
    int m = a->r, n = a->c;
    Vec v = vec_new(m), aj = vec_new(m), qi = vec_new(m);
    for (int i = 0; i < n * n; i++)
        r->d[i] = 0.0;
    for (int j = 0; j < n; j++) {
        mat_get_col(a, j, &aj);
        memcpy(v.d, aj.d, sizeof(double) * (size_t)m);
        for (int i = 0; i < j; i++) {
            mat_get_col(q, i, &qi);
            double rij = vec_dot(&qi, &aj);
            MAT(r, i, j) = rij;
            vec_axpy(-rij, &qi, &v);
        }
        double nrm = vec_normalize(&v);
        MAT(r, j, j) = nrm;
        mat_set_col(q, j, &v);
    }
    vec_free(&v);
    vec_free(&aj);
    vec_free(&qi);
}

static void qr_modified_gs(const Mat *a, Mat *q, Mat *r)
{
    int m = a->r, n = a->c;
    Mat w = mat_copy(a);
    Vec vi = vec_new(m), vj = vec_new(m);
    for (int i = 0; i < n * n; i++)
        r->d[i] = 0.0;
    for (int i = 0; i < n; i++) {
        mat_get_col(&w, i, &vi);
        double nrm = vec_normalize(&vi);
        MAT(r, i, i) = nrm;
        mat_set_col(q, i, &vi);
        for (int j = i + 1; j < n; j++) {
            mat_get_col(&w, j, &vj);
            double rij = vec_dot(&vi, &vj);
            MAT(r, i, j) = rij;
            vec_axpy(-rij, &vi, &vj);
            mat_set_col(&w, j, &vj);
        }
    }
    vec_free(&vi);
    vec_free(&vj);
    mat_free(&w);
}

static void givens_coeffs(double a, double b, double *c, double *s)
{
    if (b == 0.0) {
        *c = 1.0;
        *s = 0.0;
    } else if (fabs(b) > fabs(a)) {
        double t = -a / b;
        *s = 1.0 / sqrt(1.0 + t * t);
        *c = *s * t;
    } else {
        double t = -b / a;
        *c = 1.0 / sqrt(1.0 + t * t);
        *s = *c * t;
    }
}

static void qr_givens(const Mat *a, Mat *q, Mat *r)
{
    int m = a->r, n = a->c;
    Mat w = mat_copy(a);
    Mat qf = mat_identity(m);
    for (int j = 0; j < n; j++)
        for (int i = m - 1; i > j; i--) {
            double c, s;
            givens_coeffs(MAT(&w, i - 1, j), MAT(&w, i, j), &c, &s);
            for (int k = 0; k < n; k++) {
                double t1 = MAT(&w, i - 1, k), t2 = MAT(&w, i, k);
                MAT(&w, i - 1, k) = c * t1 - s * t2;
                MAT(&w, i, k) = s * t1 + c * t2;
            }
            for (int k = 0; k < m; k++) {
                double t1 = MAT(&qf, k, i - 1), t2 = MAT(&qf, k, i);
                MAT(&qf, k, i - 1) = c * t1 - s * t2;
                MAT(&qf, k, i) = s * t1 + c * t2;
            }
        }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            MAT(r, i, j) = (j >= i) ? MAT(&w, i, j) : 0.0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            MAT(q, i, j) = MAT(&qf, i, j);
    mat_free(&qf);
    mat_free(&w);
}

static void qr_dispatch(QRMethod method, const Mat *a, Mat *q, Mat *r)
{
    switch (method) {
    case QR_HOUSEHOLDER:
        qr_householder(a, q, r);
        break;
    case QR_CLASSICAL_GS:
        qr_classical_gs(a, q, r);
        break;
    case QR_MODIFIED_GS:
        qr_modified_gs(a, q, r);
        break;
    case QR_GIVENS:
        qr_givens(a, q, r);
        break;
    }
}

/* normalise so that diag(R) >= 0 (flip rows of R and columns of Q) */
static void qr_normalise_signs(Mat *q, Mat *r)
{
    for (int i = 0; i < r->r; i++)
        if (MAT(r, i, i) < 0.0) {
            for (int j = 0; j < r->c; j++)
                MAT(r, i, j) = -MAT(r, i, j);
            for (int k = 0; k < q->r; k++)
                MAT(q, k, i) = -MAT(q, k, i);
        }
}

/* ====================================================================== */
/* least squares                                                           */
/* ====================================================================== */

typedef enum {
    LS_QR,
    LS_NORMAL,
    LS_MGS
} LSMethod;

static void lstsq(LSMethod method, const Mat *a, const Vec *b, Vec *x)
{
    int n = a->c;
    switch (method) {
    case LS_QR:
    case LS_MGS: {
        Mat q = mat_new(a->r, n), r = mat_new(n, n);
        if (method == LS_QR)
            qr_householder(a, &q, &r);
        else
            qr_modified_gs(a, &q, &r);
        Vec qtb = vec_new(n);
        mat_tmul_vec(&q, b, &qtb);
        backward_subst(&r, &qtb, x, n);
        vec_free(&qtb);
        mat_free(&q);
        mat_free(&r);
        break;
    }
    case LS_NORMAL: {
        Mat ata = mat_tmul(a, a);
        Mat l = mat_new(n, n);
        Vec atb = vec_new(n);
        mat_tmul_vec(a, b, &atb);
        if (cholesky(&ata, &l))
            cholesky_solve(&l, &atb, x);
        vec_free(&atb);
        mat_free(&l);
        mat_free(&ata);
        break;
    }
    }
}

/* Vandermonde design matrix for polynomial fitting */
static Mat vandermonde(const Vec *xs, int degree)
{
    Mat v = mat_new(xs->n, degree + 1);
    for (int i = 0; i < xs->n; i++) {
        double p = 1.0;
        for (int j = 0; j <= degree; j++) {
            MAT(&v, i, j) = p;
            p *= xs->d[i];
        }
    }
    return v;
}

static double poly_eval(const Vec *coef, double x)
{
    /* Horner */
    double s = 0.0;
    for (int i = coef->n - 1; i >= 0; i--)
        s = s * x + coef->d[i];
    return s;
}

/* ====================================================================== */
/* eigenvalues                                                             */
/* ====================================================================== */

/* power iteration; returns iterations used */
static int power_iteration(const Mat *a, Vec *v, double *lambda, double tol, int max_it)
{
    int n = a->r;
    Vec w = vec_new(n);
    for (int i = 0; i < n; i++)
        v->d[i] = 1.0 + 0.01 * (double)i;
    vec_normalize(v);
    double lam = 0.0;
    int it;
    for (it = 1; it <= max_it; it++) {
        mat_mul_vec(a, v, &w);
        double new_lam = vec_dot(v, &w);
        vec_normalize(&w);
        memcpy(v->d, w.d, sizeof(double) * (size_t)n);
        if (fabs(new_lam - lam) < tol * fabs(new_lam)) {
            lam = new_lam;
            break;
        }
        lam = new_lam;
    }
    vec_fix_sign(v);
    *lambda = lam;
    vec_free(&w);
    return it > max_it ? max_it : it;
}

/* inverse iteration with a shift, using LU; returns iterations */
static int inverse_iteration(const Mat *a, double shift, Vec *v, double *lambda, double tol, int max_it)
{
    int n = a->r;
    Mat s = mat_copy(a);
    mat_add_diag(&s, -shift);
    LU f = lu_factor(&s);
    Vec w = vec_new(n), av = vec_new(n);
    for (int i = 0; i < n; i++)
        v->d[i] = 1.0 / (1.0 + (double)i);
    vec_normalize(v);
    double lam = 0.0;
    int it;
    for (it = 1; it <= max_it; it++) {
        lu_solve(&f, v, &w);
        vec_normalize(&w);
        memcpy(v->d, w.d, sizeof(double) * (size_t)n);
        mat_mul_vec(a, v, &av);
        double new_lam = vec_dot(v, &av);
        if (fabs(new_lam - lam) < tol * fabs(new_lam)) {
            lam = new_lam;
            break;
        }
        lam = new_lam;
    }
    vec_fix_sign(v);
    *lambda = lam;
    vec_free(&w);
    vec_free(&av);
    lu_free(&f);
    mat_free(&s);
    return it > max_it ? max_it : it;
}

static double off_diagonal_norm(const Mat *a)
{
    double s = 0.0;
    for (int i = 0; i < a->r; i++)
        for (int j = 0; j < a->c; j++)
            if (i != j)
                s += MAT(a, i, j) * MAT(a, i, j);
    return sqrt(s);
}

/* cyclic Jacobi; eigenvalues in ev (unsorted, matching columns of vecs) */
static int jacobi_eigen(const Mat *a0, Vec *ev, Mat *vecs, double tol, int max_sweeps)
{
    int n = a0->r;
    Mat a = mat_copy(a0);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            MAT(vecs, i, j) = (i == j) ? 1.0 : 0.0;
    double scale = mat_frobenius(&a);
    int sweep;
    for (sweep = 0; sweep < max_sweeps; sweep++) {
        if (off_diagonal_norm(&a) <= tol * scale)
            break;
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++) {
                double apq = MAT(&a, p, q);
                if (apq == 0.0)
                    continue;
                double app = MAT(&a, p, p), aqq = MAT(&a, q, q);
                double theta = (aqq - app) / (2.0 * apq);
                double t = (theta >= 0.0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0);
                double s = t * c;
                for (int k = 0; k < n; k++) {
                    double akp = MAT(&a, k, p), akq = MAT(&a, k, q);
                    MAT(&a, k, p) = c * akp - s * akq;
                    MAT(&a, k, q) = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) {
                    double apk = MAT(&a, p, k), aqk = MAT(&a, q, k);
                    MAT(&a, p, k) = c * apk - s * aqk;
                    MAT(&a, q, k) = s * apk + c * aqk;
                }
                MAT(&a, p, q) = 0.0;
                MAT(&a, q, p) = 0.0;
                for (int k = 0; k < n; k++) {
                    double vkp = MAT(vecs, k, p), vkq = MAT(vecs, k, q);
                    MAT(vecs, k, p) = c * vkp - s * vkq;
                    MAT(vecs, k, q) = s * vkp + c * vkq;
                }
            }
    }
    for (int i = 0; i < n; i++)
        ev->d[i] = MAT(&a, i, i);
    mat_free(&a);
    return sweep;
}

/* Householder reduction of a symmetric matrix to tridiagonal form */
static Mat tridiagonalise(const Mat *a0)
{
    int n = a0->r;
    Mat a = mat_copy(a0);
    Vec v = vec_new(n), p = vec_new(n), w = vec_new(n);
    for (int k = 0; k < n - 2; k++) {
        double alpha = 0.0;
        for (int i = k + 1; i < n; i++)
            alpha += MAT(&a, i, k) * MAT(&a, i, k);
        alpha = sqrt(alpha);
        if (alpha == 0.0)
            continue;
        if (MAT(&a, k + 1, k) > 0.0)
            alpha = -alpha;
        for (int i = 0; i < n; i++)
            v.d[i] = 0.0;
        v.d[k + 1] = MAT(&a, k + 1, k) - alpha;
        for (int i = k + 2; i < n; i++)
            v.d[i] = MAT(&a, i, k);
        double vtv = vec_dot(&v, &v);
        if (vtv == 0.0)
            continue;
        double beta = 2.0 / vtv;
        /* A <- H A H = A - v w^T - w v^T, w = p - (beta/2)(v^T p) v, p = beta A v */
        mat_mul_vec(&a, &v, &p);
        vec_scale(&p, beta);
        double k2 = 0.5 * beta * vec_dot(&v, &p);
        for (int i = 0; i < n; i++)
            w.d[i] = p.d[i] - k2 * v.d[i];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                MAT(&a, i, j) -= v.d[i] * w.d[j] + w.d[i] * v.d[j];
        for (int i = k + 2; i < n; i++) {
            MAT(&a, i, k) = 0.0;
            MAT(&a, k, i) = 0.0;
        }
    }
    vec_free(&v);
    vec_free(&p);
    vec_free(&w);
    return a;
}

static double wilkinson_shift(double a, double b, double c)
{
    /* eigenvalue of [[a b][b c]] closer to c */
    double d = 0.5 * (a - c);
    if (b == 0.0)
        return c;
    double sgn = d >= 0.0 ? 1.0 : -1.0;
    return c - sgn * b * b / (fabs(d) + sqrt(d * d + b * b));
}

/* shifted QR algorithm with deflation on a symmetric matrix; returns iterations */
static int qr_eigen(const Mat *a0, Vec *ev, int max_it)
{
    Mat t = tridiagonalise(a0);
    int n = t.r;
    int total = 0;
    int active = n;
    while (active > 1 && total < max_it) {
        double sub = fabs(MAT(&t, active - 1, active - 2));
        double diag = fabs(MAT(&t, active - 1, active - 1)) + fabs(MAT(&t, active - 2, active - 2));
        if (sub <= 1e-14 * diag) {
            MAT(&t, active - 1, active - 2) = 0.0;
            MAT(&t, active - 2, active - 1) = 0.0;
            active--;
            continue;
        }
        double mu = wilkinson_shift(MAT(&t, active - 2, active - 2), MAT(&t, active - 1, active - 2),
                                    MAT(&t, active - 1, active - 1));
        Mat blk = mat_new(active, active);
        for (int i = 0; i < active; i++)
            for (int j = 0; j < active; j++)
                MAT(&blk, i, j) = MAT(&t, i, j) - (i == j ? mu : 0.0);
        Mat q = mat_new(active, active), r = mat_new(active, active);
        qr_givens(&blk, &q, &r);
        Mat rq = mat_mul(&r, &q);
        for (int i = 0; i < active; i++)
            for (int j = 0; j < active; j++)
                MAT(&t, i, j) = MAT(&rq, i, j) + (i == j ? mu : 0.0);
        mat_free(&blk);
        mat_free(&q);
        mat_free(&r);
        mat_free(&rq);
        total++;
    }
    for (int i = 0; i < n; i++)
        ev->d[i] = MAT(&t, i, i);
    mat_free(&t);
    return total;
}

/* one-sided Jacobi SVD: singular values of A (m x n, m >= n) */
static int svd_jacobi(const Mat *a0, Vec *sigma, double tol, int max_sweeps)
{
    int m = a0->r, n = a0->c;
    Mat u = mat_copy(a0);
    int sweep;
    for (sweep = 0; sweep < max_sweeps; sweep++) {
        double off = 0.0;
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++) {
                double alpha = 0.0, beta = 0.0, gamma = 0.0;
                for (int i = 0; i < m; i++) {
                    alpha += MAT(&u, i, p) * MAT(&u, i, p);
                    beta += MAT(&u, i, q) * MAT(&u, i, q);
                    gamma += MAT(&u, i, p) * MAT(&u, i, q);
                }
                if (alpha == 0.0 || beta == 0.0)
                    continue;
                double corr = fabs(gamma) / sqrt(alpha * beta);
                if (corr > off)
                    off = corr;
                if (corr < tol)
                    continue;
                double zeta = (beta - alpha) / (2.0 * gamma);
                double t = (zeta >= 0.0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1.0 + zeta * zeta));
                double c = 1.0 / sqrt(1.0 + t * t);
                double s = c * t;
                for (int i = 0; i < m; i++) {
                    double up = MAT(&u, i, p), uq = MAT(&u, i, q);
                    MAT(&u, i, p) = c * up - s * uq;
                    MAT(&u, i, q) = s * up + c * uq;
                }
            }
        if (off < tol)
            break;
    }
    for (int j = 0; j < n; j++) {
        double s = 0.0;
        for (int i = 0; i < m; i++)
            s += MAT(&u, i, j) * MAT(&u, i, j);
        sigma->d[j] = sqrt(s);
    }
    vec_sort(sigma);
    mat_free(&u);
    return sweep;
}

static int numerical_rank(const Vec *sigma_sorted, double rel_tol)
{
    double mx = sigma_sorted->d[sigma_sorted->n - 1];
    int r = 0;
    for (int i = 0; i < sigma_sorted->n; i++)
        if (sigma_sorted->d[i] > rel_tol * mx)
            r++;
    return r;
}

/* ====================================================================== */
/* test sections                                                           */
/* ====================================================================== */

static void print_vec(const char *label, const Vec *v, int count, double eps)
{
    printf("  %s:", label);
    for (int i = 0; i < count && i < v->n; i++)
        printf(" %.6f", clean(v->d[i], eps));
    printf("\n");
}

static void section_vectors(void)
{
    printf("[vectors]\n");
    Vec a = vec_new(40), b = vec_new(40);
    for (int i = 0; i < 40; i++) {
        a.d[i] = (double)(i % 5) - 2.0;
        b.d[i] = (double)((i * 3) % 7) * 0.5;
    }
    double d = vec_dot(&a, &b);
    double na = vec_norm(&a);
    Vec c = vec_copy(&a);
    vec_axpy(2.0, &b, &c);
    double nc = vec_norm(&c);
    printf("  dot=%.4f |a|=%.6f |a+2b|=%.6f\n", d, na, nc);
    /* Cauchy-Schwarz and triangle inequality */
    check("cauchy-schwarz", fabs(d) <= na * vec_norm(&b) + 1e-12);
    check("triangle inequality", nc <= na + 2.0 * vec_norm(&b) + 1e-12);
    Vec big = vec_new(3);
    big.d[0] = 3e200;
    big.d[1] = 4e200;
    big.d[2] = 0.0;
    check("scaled norm avoids overflow", fabs(vec_norm(&big) / 5e200 - 1.0) < 1e-14);
    hash_double(d, 1e4);
    hash_double(nc, 1e6);
    vec_free(&a);
    vec_free(&b);
    vec_free(&c);
    vec_free(&big);
}

static void section_lu_inverse(void)
{
    printf("[lu / inverse / determinant]\n");
    int n = 14;
    Mat a = mat_random(n, n);
    mat_add_diag(&a, 3.0);
    LU f = lu_factor(&a);
    double det = lu_det(&f);
    Mat inv1 = lu_inverse(&f);
    Mat inv2 = mat_new(n, n);
    int ok = gauss_jordan_inverse(&a, &inv2);
    Mat prod = mat_mul(&a, &inv1);
    Mat id = mat_identity(n);
    printf("  det=%.6e  norm1=%.6f  normInf=%.6f\n", det, mat_norm1(&a), mat_norm_inf(&a));
    check("gauss-jordan succeeded", ok);
    check("LU inverse == GJ inverse", mat_max_abs_diff(&inv1, &inv2) < 1e-10);
    check("A * inv(A) == I", mat_max_abs_diff(&prod, &id) < 1e-10);
    double cond1 = mat_norm1(&a) * mat_norm1(&inv1);
    printf("  cond1(A)=%.4f\n", cond1);
    hash_double(cond1, 1e4);
    hash_double(det / pow(10.0, floor(log10(fabs(det)))), 1e6);

    /* det(A^-1) = 1/det(A), det(A^T) = det(A), det(2A) = 2^n det(A) */
    LU fi = lu_factor(&inv1);
    check("det(inv(A)) * det(A) == 1", fabs(lu_det(&fi) * det - 1.0) < 1e-9);
    Mat at = mat_transpose(&a);
    LU ft = lu_factor(&at);
    check("det(A^T) == det(A)", fabs(lu_det(&ft) / det - 1.0) < 1e-10);
    Mat a2 = mat_copy(&a);
    for (int i = 0; i < n * n; i++)
        a2.d[i] *= 2.0;
    LU f2 = lu_factor(&a2);
    check("det(2A) == 2^n det(A)", fabs(lu_det(&f2) / (ldexp(det, n)) - 1.0) < 1e-10);

    /* solve and residual */
    Vec xt = vec_new(n), b = vec_new(n), x = vec_new(n);
    for (int i = 0; i < n; i++)
        xt.d[i] = (double)(i % 4) - 1.5;
    mat_mul_vec(&a, &xt, &b);
    lu_solve(&f, &b, &x);
    check("LU solve recovers x", vec_max_abs_diff(&x, &xt) < 1e-11);

    /* singular matrix detection */
    Mat s = mat_new(3, 3);
    double sv[9] = { 1, 2, 3, 2, 4, 6, 1, 0, 1 };
    memcpy(s.d, sv, sizeof sv);
    LU fs = lu_factor(&s);
    printf("  singular 3x3 det=%.3f\n", clean(lu_det(&fs), 1e-9));
    check("singular det == 0", fabs(lu_det(&fs)) < 1e-12);

    vec_free(&xt);
    vec_free(&b);
    vec_free(&x);
    lu_free(&fs);
    mat_free(&s);
    lu_free(&f2);
    mat_free(&a2);
    lu_free(&ft);
    mat_free(&at);
    lu_free(&fi);
    mat_free(&prod);
    mat_free(&id);
    mat_free(&inv2);
    mat_free(&inv1);
    lu_free(&f);
    mat_free(&a);
}

static void section_cholesky(void)
{
    printf("[cholesky]\n");
    int n = 12;
    Mat a = mat_spd(n, 1.0);
    Mat l = mat_new(n, n);
    int ok = cholesky(&a, &l);
    check("cholesky of SPD succeeds", ok);
    Mat lt = mat_transpose(&l);
    Mat llt = mat_mul(&l, &lt);
    check("L L^T == A", mat_max_abs_diff(&llt, &a) < 1e-12);
    double logdet = 0.0;
    for (int i = 0; i < n; i++)
        logdet += 2.0 * log(MAT(&l, i, i));
    LU f = lu_factor(&a);
    double det = lu_det(&f);
    check("cholesky logdet == log(LU det)", fabs(logdet - log(det)) < 1e-10);
    printf("  logdet=%.6f\n", logdet);
    hash_double(logdet, 1e6);

    Vec b = vec_new(n), x1 = vec_new(n), x2 = vec_new(n);
    for (int i = 0; i < n; i++)
        b.d[i] = (double)(i + 1);
    cholesky_solve(&l, &b, &x1);
    lu_solve(&f, &b, &x2);
    check("cholesky solve == LU solve", vec_max_abs_diff(&x1, &x2) < 1e-10);
    print_vec("x[0..3]", &x1, 4, 5e-7);
    for (int i = 0; i < n; i++)
        hash_double(x1.d[i], 1e5);

    /* non-SPD matrix must be rejected */
    Mat bad = mat_tridiag(4, 1.0, 2.0);
    Mat lb = mat_new(4, 4);
    check("cholesky rejects indefinite matrix", !cholesky(&bad, &lb));

    mat_free(&bad);
    mat_free(&lb);
    vec_free(&b);
    vec_free(&x1);
    vec_free(&x2);
    lu_free(&f);
    mat_free(&llt);
    mat_free(&lt);
    mat_free(&l);
    mat_free(&a);
}

static void section_qr(void)
{
    printf("[qr decompositions]\n");
    int m = 16, n = 9;
    Mat a = mat_random(m, n);
    Mat rref = mat_new(n, n);
    Mat qref = mat_new(m, n);
    QRMethod methods[4] = { QR_HOUSEHOLDER, QR_CLASSICAL_GS, QR_MODIFIED_GS, QR_GIVENS };
    for (int k = 0; k < 4; k++) {
        Mat q = mat_new(m, n), r = mat_new(n, n);
        qr_dispatch(methods[k], &a, &q, &r);
        qr_normalise_signs(&q, &r);
        Mat qr = mat_mul(&q, &r);
        double recon = mat_max_abs_diff(&qr, &a);
        double orth = mat_orthogonality_error(&q);
        int upper = mat_is_upper(&r, 0.0);
        printf("  %-13s recon<1e-12:%s orth<1e-12:%s upper:%s\n", qr_method_name(methods[k]),
               recon < 1e-12 ? "yes" : "no", orth < 1e-12 ? "yes" : "no", upper ? "yes" : "no");
        check("QR reconstructs A", recon < 1e-12);
        check("Q has orthonormal columns", orth < 1e-12);
        if (k == 0) {
            memcpy(rref.d, r.d, sizeof(double) * (size_t)n * (size_t)n);
            memcpy(qref.d, q.d, sizeof(double) * (size_t)m * (size_t)n);
        } else {
            check("R agrees with householder", mat_max_abs_diff(&r, &rref) < 1e-11);
            check("Q agrees with householder", mat_max_abs_diff(&q, &qref) < 1e-11);
        }
        mat_free(&qr);
        mat_free(&q);
        mat_free(&r);
    }
    double prod = 1.0;
    for (int i = 0; i < n; i++)
        prod *= MAT(&rref, i, i);
    printf("  diag(R) product=%.6f  R[0][0]=%.6f\n", prod, MAT(&rref, 0, 0));
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++)
            hash_double(MAT(&rref, i, j), 1e6);

    /* |det| of square matrix from QR equals |det| from LU */
    Mat sq = mat_random(10, 10);
    Mat q = mat_new(10, 10), r = mat_new(10, 10);
    qr_householder(&sq, &q, &r);
    LU f = lu_factor(&sq);
    double dq = 1.0;
    for (int i = 0; i < 10; i++)
        dq *= MAT(&r, i, i);
    check("|det| via QR == |det| via LU", fabs(fabs(dq) / fabs(lu_det(&f)) - 1.0) < 1e-10);
    printf("  |det(10x10)|=%.6f\n", fabs(dq));
    hash_double(fabs(dq), 1e5);

    /* loss of orthogonality: classical GS vs modified GS on a nearly dependent set */
    Mat nd = mat_new(12, 6);
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 6; j++)
            MAT(&nd, i, j) = 1.0 + 1e-5 * (double)((i * (j + 1)) % 7) + (double)(i == j) * 1e-4;
    Mat q1 = mat_new(12, 6), r1 = mat_new(6, 6), q2 = mat_new(12, 6), r2 = mat_new(6, 6), q3 = mat_new(12, 6),
        r3 = mat_new(6, 6);
    qr_classical_gs(&nd, &q1, &r1);
    qr_modified_gs(&nd, &q2, &r2);
    qr_householder(&nd, &q3, &r3);
    double e1 = mat_orthogonality_error(&q1), e2 = mat_orthogonality_error(&q2), e3 = mat_orthogonality_error(&q3);
    check("householder orthogonality <= 1e-13 on ill-conditioned set", e3 < 1e-13);
    check("modified GS more orthogonal than classical GS", e2 < e1);
    printf("  orthogonality loss ordering: householder<mgs:%s mgs<cgs:%s\n", e3 < e2 ? "yes" : "no",
           e2 < e1 ? "yes" : "no");

    mat_free(&q1);
    mat_free(&r1);
    mat_free(&q2);
    mat_free(&r2);
    mat_free(&q3);
    mat_free(&r3);
    mat_free(&nd);
    lu_free(&f);
    mat_free(&q);
    mat_free(&r);
    mat_free(&sq);
    mat_free(&qref);
    mat_free(&rref);
    mat_free(&a);
}

static void section_least_squares(void)
{
    printf("[least squares]\n");
    int npts = 48, degree = 4;
    Vec xs = vec_new(npts), ys = vec_new(npts);
    const double true_coef[5] = { 0.5, -1.25, 2.0, 0.75, -0.5 };
    Vec tc = vec_new(degree + 1);
    for (int i = 0; i <= degree; i++)
        tc.d[i] = true_coef[i];
    for (int i = 0; i < npts; i++) {
        xs.d[i] = -1.0 + 2.0 * (double)i / (double)(npts - 1);
        /* deterministic zero-mean-ish perturbation */
        double noise = 1e-3 * (double)(((i * 37) % 11) - 5);
        ys.d[i] = poly_eval(&tc, xs.d[i]) + noise;
    }
    Mat v = vandermonde(&xs, degree);
    Vec c1 = vec_new(degree + 1), c2 = vec_new(degree + 1), c3 = vec_new(degree + 1);
    lstsq(LS_QR, &v, &ys, &c1);
    lstsq(LS_NORMAL, &v, &ys, &c2);
    lstsq(LS_MGS, &v, &ys, &c3);
    print_vec("coef(qr)", &c1, degree + 1, 5e-7);
    check("normal equations agree with QR", vec_max_abs_diff(&c1, &c2) < 1e-9);
    check("MGS agrees with QR", vec_max_abs_diff(&c1, &c3) < 1e-10);
    check("coefficients close to truth", vec_max_abs_diff(&c1, &tc) < 1e-2);
    for (int i = 0; i <= degree; i++)
        hash_double(c1.d[i], 1e6);

    /* residual is orthogonal to the column space */
    Vec fit = vec_new(npts), res = vec_new(npts), atr = vec_new(degree + 1);
    mat_mul_vec(&v, &c1, &fit);
    for (int i = 0; i < npts; i++)
        res.d[i] = ys.d[i] - fit.d[i];
    mat_tmul_vec(&v, &res, &atr);
    double maxatr = 0.0;
    for (int i = 0; i <= degree; i++)
        if (fabs(atr.d[i]) > maxatr)
            maxatr = fabs(atr.d[i]);
    check("A^T r == 0", maxatr < 1e-12);
    double rn = vec_norm(&res);
    printf("  residual norm=%.6f\n", rn);
    hash_double(rn, 1e6);

    /* exact fit when data is a polynomial of the same degree */
    for (int i = 0; i < npts; i++)
        ys.d[i] = poly_eval(&tc, xs.d[i]);
    lstsq(LS_QR, &v, &ys, &c1);
    check("exact polynomial recovered", vec_max_abs_diff(&c1, &tc) < 1e-12);

    /* overdetermined line fit y = 3x - 2 through points, closed form vs QR */
    int m = 20;
    Mat a = mat_new(m, 2);
    Vec b = vec_new(m), line = vec_new(2);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < m; i++) {
        double x = (double)i * 0.5;
        double y = 3.0 * x - 2.0 + 0.01 * (double)((i % 3) - 1);
        MAT(&a, i, 0) = 1.0;
        MAT(&a, i, 1) = x;
        b.d[i] = y;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    lstsq(LS_QR, &a, &b, &line);
    double slope = ((double)m * sxy - sx * sy) / ((double)m * sxx - sx * sx);
    double icpt = (sy - slope * sx) / (double)m;
    printf("  line fit: slope=%.6f intercept=%.6f\n", line.d[1], line.d[0]);
    check("line fit matches closed form", fabs(slope - line.d[1]) < 1e-10 && fabs(icpt - line.d[0]) < 1e-10);
    hash_double(line.d[1], 1e6);
    hash_double(line.d[0], 1e6);

    mat_free(&a);
    vec_free(&b);
    vec_free(&line);
    vec_free(&fit);
    vec_free(&res);
    vec_free(&atr);
    vec_free(&c1);
    vec_free(&c2);
    vec_free(&c3);
    mat_free(&v);
    vec_free(&tc);
    vec_free(&xs);
    vec_free(&ys);
}

static void section_eigen(void)
{
    printf("[eigenvalues]\n");
    /* matrix with a known, well separated spectrum */
    int n = 10;
    Vec spec = vec_new(n);
    for (int i = 0; i < n; i++)
        spec.d[i] = 1.0 + 1.5 * (double)i + 0.125 * (double)(i * i);
    Mat a = mat_with_spectrum(&spec);
    check("constructed matrix is symmetric", mat_is_symmetric(&a, 0.0));

    Vec ev = vec_new(n);
    Mat vecs = mat_new(n, n);
    int sweeps = jacobi_eigen(&a, &ev, &vecs, 1e-14, 50);
    Vec evs = vec_copy(&ev);
    vec_sort(&evs);
    printf("  jacobi sweeps=%d\n", sweeps);
    print_vec("eigenvalues", &evs, n, 5e-7);
    check("jacobi recovers prescribed spectrum", vec_max_abs_diff(&evs, &spec) < 1e-10);
    for (int i = 0; i < n; i++)
        hash_double(evs.d[i], 1e6);

    /* eigenvector check: A v = lambda v, V orthogonal */
    Mat av = mat_mul(&a, &vecs);
    double maxe = 0.0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double d = fabs(MAT(&av, i, j) - ev.d[j] * MAT(&vecs, i, j));
            if (d > maxe)
                maxe = d;
        }
    check("A V == V diag(ev)", maxe < 1e-10);
    check("V orthogonal", mat_orthogonality_error(&vecs) < 1e-12);

    /* trace and determinant invariants */
    double sum = 0.0, prod = 1.0;
    for (int i = 0; i < n; i++) {
        sum += ev.d[i];
        prod *= ev.d[i];
    }
    LU f = lu_factor(&a);
    check("sum(ev) == trace", fabs(sum - mat_trace(&a)) < 1e-10);
    check("prod(ev) == det", fabs(prod / lu_det(&f) - 1.0) < 1e-10);

    /* power iteration for the dominant eigenvalue */
    Vec v = vec_new(n);
    double lam = 0.0;
    int pit = power_iteration(&a, &v, &lam, 1e-15, 5000);
    printf("  power iteration: lambda_max=%.6f (iterations > 10: %s)\n", lam, pit > 10 ? "yes" : "no");
    check("power iteration == max jacobi eigenvalue", fabs(lam - evs.d[n - 1]) < 1e-8);
    hash_double(lam, 1e6);

    /* inverse iteration for the smallest eigenvalue and one near a shift */
    double lmin = 0.0, lmid = 0.0;
    Vec w = vec_new(n);
    inverse_iteration(&a, 0.0, &w, &lmin, 1e-15, 500);
    inverse_iteration(&a, 6.9, &w, &lmid, 1e-15, 500);
    printf("  inverse iteration: lambda_min=%.6f  near 6.9: %.6f\n", lmin, lmid);
    check("inverse iteration == min jacobi eigenvalue", fabs(lmin - evs.d[0]) < 1e-9);
    check("shifted inverse iteration finds 6.625", fabs(lmid - 6.625) < 1e-9);
    hash_double(lmin, 1e6);
    hash_double(lmid, 1e6);

    /* shifted QR algorithm on the tridiagonalised matrix */
    Mat t = tridiagonalise(&a);
    int tri_ok = 1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (abs(i - j) > 1 && MAT(&t, i, j) != 0.0)
                tri_ok = 0;
    check("tridiagonalisation zeroes outer bands", tri_ok);
    check("tridiagonalisation preserves trace", fabs(mat_trace(&t) - mat_trace(&a)) < 1e-10);
    Vec qev = vec_new(n);
    int qits = qr_eigen(&a, &qev, 1000);
    vec_sort(&qev);
    printf("  QR algorithm iterations <= 3n: %s\n", qits <= 3 * n ? "yes" : "no");
    check("QR algorithm == jacobi", vec_max_abs_diff(&qev, &evs) < 1e-9);

    /* analytic spectrum of the [-1 2 -1] tridiagonal matrix */
    int nt = 16;
    Mat lap = mat_tridiag(nt, 2.0, -1.0);
    Vec lev = vec_new(nt), lq = vec_new(nt), lan = vec_new(nt);
    Mat lvec = mat_new(nt, nt);
    jacobi_eigen(&lap, &lev, &lvec, 1e-14, 50);
    vec_sort(&lev);
    qr_eigen(&lap, &lq, 2000);
    vec_sort(&lq);
    const double pi = 3.14159265358979323846;
    for (int k = 1; k <= nt; k++)
        lan.d[k - 1] = 2.0 - 2.0 * cos((double)k * pi / (double)(nt + 1));
    vec_sort(&lan);
    check("laplacian jacobi == analytic", vec_max_abs_diff(&lev, &lan) < 1e-10);
    check("laplacian QR == analytic", vec_max_abs_diff(&lq, &lan) < 1e-10);
    printf("  laplacian16: min=%.6f max=%.6f cond=%.4f\n", lev.d[0], lev.d[nt - 1], lev.d[nt - 1] / lev.d[0]);
    hash_double(lev.d[0], 1e6);
    hash_double(lev.d[nt - 1], 1e6);

    /* random symmetric matrix: Jacobi vs QR algorithm */
    Mat rs = mat_random_symmetric(12);
    Vec rj = vec_new(12), rq = vec_new(12);
    Mat rv = mat_new(12, 12);
    jacobi_eigen(&rs, &rj, &rv, 1e-14, 60);
    qr_eigen(&rs, &rq, 2000);
    vec_sort(&rj);
    vec_sort(&rq);
    check("random symmetric: jacobi == QR", vec_max_abs_diff(&rj, &rq) < 1e-9);
    print_vec("random symmetric ev[0..4]", &rj, 5, 5e-7);
    for (int i = 0; i < 12; i++)
        hash_double(rj.d[i], 1e5);

    mat_free(&rs);
    vec_free(&rj);
    vec_free(&rq);
    mat_free(&rv);
    mat_free(&lap);
    mat_free(&lvec);
    vec_free(&lev);
    vec_free(&lq);
    vec_free(&lan);
    vec_free(&qev);
    mat_free(&t);
    vec_free(&w);
    vec_free(&v);
    lu_free(&f);
    mat_free(&av);
    mat_free(&vecs);
    vec_free(&evs);
    vec_free(&ev);
    mat_free(&a);
    vec_free(&spec);
}

static void section_svd(void)
{
    printf("[singular values]\n");
    int m = 14, n = 7;
    Mat a = mat_random(m, n);
    Vec sg = vec_new(n);
    svd_jacobi(&a, &sg, 1e-15, 60);
    Mat ata = mat_tmul(&a, &a);
    Vec ev = vec_new(n);
    Mat vv = mat_new(n, n);
    jacobi_eigen(&ata, &ev, &vv, 1e-15, 60);
    vec_sort(&ev);
    Vec se = vec_new(n);
    for (int i = 0; i < n; i++)
        se.d[i] = sqrt(ev.d[i] > 0.0 ? ev.d[i] : 0.0);
    check("singular values == sqrt(eig(A^T A))", vec_max_abs_diff(&sg, &se) < 1e-10);
    double fro = mat_frobenius(&a), ss = 0.0;
    for (int i = 0; i < n; i++)
        ss += sg.d[i] * sg.d[i];
    check("sum sigma^2 == ||A||_F^2", fabs(ss - fro * fro) < 1e-10);
    print_vec("sigma", &sg, n, 5e-7);
    printf("  cond2(A)=%.6f\n", sg.d[n - 1] / sg.d[0]);
    for (int i = 0; i < n; i++)
        hash_double(sg.d[i], 1e6);

    /* rank-deficient product of a 14x3 and 3x7 matrix */
    Mat b1 = mat_random(m, 3), b2 = mat_random(3, n);
    Mat low = mat_mul(&b1, &b2);
    Vec sl = vec_new(n);
    svd_jacobi(&low, &sl, 1e-15, 60);
    int rank = numerical_rank(&sl, 1e-9);
    int full = numerical_rank(&sg, 1e-9);
    printf("  rank(random)=%d  rank(product)=%d\n", full, rank);
    check("numerical rank of product is 3", rank == 3);
    hash_u32((uint32_t)rank);
    hash_u32((uint32_t)full);

    /* least squares via pseudo-inverse idea: min-norm residual matches QR */
    Vec bvec = vec_new(m), x1 = vec_new(n), x2 = vec_new(n);
    for (int i = 0; i < m; i++)
        bvec.d[i] = (double)(i % 5) - 2.0;
    lstsq(LS_QR, &a, &bvec, &x1);
    lstsq(LS_NORMAL, &a, &bvec, &x2);
    check("LS on random matrix: QR == normal", vec_max_abs_diff(&x1, &x2) < 1e-9);

    vec_free(&bvec);
    vec_free(&x1);
    vec_free(&x2);
    vec_free(&sl);
    mat_free(&low);
    mat_free(&b1);
    mat_free(&b2);
    vec_free(&se);
    mat_free(&vv);
    vec_free(&ev);
    mat_free(&ata);
    vec_free(&sg);
    mat_free(&a);
}

static void section_identities(void)
{
    printf("[matrix identities]\n");
    int n = 9;
    Mat a = mat_random(n, n), b = mat_random(n, n), c = mat_random(n, n);
    Mat ab = mat_mul(&a, &b);
    Mat abc1 = mat_mul(&ab, &c);
    Mat bc = mat_mul(&b, &c);
    Mat abc2 = mat_mul(&a, &bc);
    check("(AB)C == A(BC)", mat_max_abs_diff(&abc1, &abc2) < 1e-12);
    Mat abt = mat_transpose(&ab);
    Mat bt = mat_transpose(&b), at = mat_transpose(&a);
    Mat btat = mat_mul(&bt, &at);
    check("(AB)^T == B^T A^T", mat_max_abs_diff(&abt, &btat) < 1e-14);
    Mat ba = mat_mul(&b, &a);
    check("trace(AB) == trace(BA)", fabs(mat_trace(&ab) - mat_trace(&ba)) < 1e-12);
    Mat comm = mat_sub(&ab, &ba);
    printf("  ||AB-BA||_F=%.6f  trace(AB)=%.6f\n", mat_frobenius(&comm), mat_trace(&ab));
    hash_double(mat_frobenius(&comm), 1e6);
    hash_double(mat_trace(&ab), 1e6);

    /* det(AB) = det(A) det(B) */
    LU fa = lu_factor(&a), fb = lu_factor(&b), fab = lu_factor(&ab);
    check("det(AB) == det(A)det(B)", fabs(lu_det(&fab) / (lu_det(&fa) * lu_det(&fb)) - 1.0) < 1e-9);

    lu_free(&fa);
    lu_free(&fb);
    lu_free(&fab);
    mat_free(&comm);
    mat_free(&ba);
    mat_free(&btat);
    mat_free(&at);
    mat_free(&bt);
    mat_free(&abt);
    mat_free(&abc2);
    mat_free(&bc);
    mat_free(&abc1);
    mat_free(&ab);
    mat_free(&a);
    mat_free(&b);
    mat_free(&c);
}

int main(void)
{
    section_vectors();
    section_lu_inverse();
    section_cholesky();
    section_qr();
    section_least_squares();
    section_eigen();
    section_svd();
    section_identities();
    printf("checks: %d passed, %d failed\n", g_report.total - g_report.failed, g_report.failed);
    hash_u32((uint32_t)g_report.total);
    printf("checksum: 0x%08x\n", (unsigned)g_report.hash);
    return 0;
}
