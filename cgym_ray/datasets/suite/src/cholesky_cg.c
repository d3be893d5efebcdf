/* cgym-suite: category=linear_algebra; Cholesky factorisation and conjugate-gradient solvers on SPD matrices, dense and CSR sparse */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define DENSE_N 72
#define GRID 20

typedef struct {
    int n;
    double *v; /* row-major n*n */
} Dense;

typedef struct {
    int n;
    int nnz;
    int *row_ptr;
    int *col_idx;
    double *val;
} CSR;

/* operator abstraction so that CG runs on either representation */
typedef void (*MatVecFn)(const void *op, const double *x, double *y);

typedef struct {
    int iterations;
    double final_residual;
    int converged;
} CGResult;

static uint32_t seed = 12345u;

static uint32_t next_rand(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) & 0xFFFFFFu;
}

static double rand_sym(void)
{
    return ((double)next_rand() / 16777216.0) * 2.0 - 1.0;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static Dense dense_new(int n)
{
    Dense d;
    d.n = n;
    d.v = (double *)xcalloc((size_t)n * (size_t)n, sizeof(double));
    return d;
}

static void dense_free(Dense *d) { free(d->v); }

/* A = M^T M + n I : symmetric positive definite and well conditioned */
static Dense build_spd(int n)
{
    Dense m = dense_new(n), a = dense_new(n);
    for (int i = 0; i < n * n; i++)
        m.v[i] = rand_sym();
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double s = 0.0;
            for (int k = 0; k < n; k++)
                s += m.v[k * n + i] * m.v[k * n + j];
            a.v[i * n + j] = s;
            a.v[j * n + i] = s;
        }
    for (int i = 0; i < n; i++)
        a.v[i * n + i] += (double)n;
    dense_free(&m);
    return a;
}

static void dense_matvec(const void *op, const double *x, double *y)
{
    const Dense *a = (const Dense *)op;
    int n = a->n;
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++)
            s += a->v[i * n + j] * x[j];
        y[i] = s;
    }
}

/* In-place Cholesky: lower triangle of L receives the factor. Returns 0 on failure. */
static int cholesky(const Dense *a, Dense *l)
{
    int n = a->n;
    memset(l->v, 0, sizeof(double) * (size_t)n * (size_t)n);
    for (int j = 0; j < n; j++) {
        double d = a->v[j * n + j];
        for (int k = 0; k < j; k++)
            d -= l->v[j * n + k] * l->v[j * n + k];
        if (d <= 0.0)
            return 0;
        double ljj = sqrt(d);
        l->v[j * n + j] = ljj;
        for (int i = j + 1; i < n; i++) {
            double s = a->v[i * n + j];
            for (int k = 0; k < j; k++)
                s -= l->v[i * n + k] * l->v[j * n + k];
            l->v[i * n + j] = s / ljj;
        }
    }
    return 1;
}

static void cholesky_solve(const Dense *l, const double *b, double *x)
{
    int n = l->n;
    for (int i = 0; i < n; i++) {
        double s = b[i];
        for (int k = 0; k < i; k++)
            s -= l->v[i * n + k] * x[k];
        x[i] = s / l->v[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        double s = x[i];
        for (int k = i + 1; k < n; k++)
            s -= l->v[k * n + i] * x[k];
        x[i] = s / l->v[i * n + i];
    }
}

static double cholesky_logdet(const Dense *l)
{
    double s = 0.0;
    for (int i = 0; i < l->n; i++)
        s += 2.0 * log(l->v[i * l->n + i]);
    return s;
}

/* ---- CSR ---- */

static CSR csr_from_dense(const Dense *a)
{
    CSR c;
    int n = a->n;
    c.n = n;
    c.nnz = 0;
    for (int i = 0; i < n * n; i++)
        if (a->v[i] != 0.0)
            c.nnz++;
    c.row_ptr = (int *)xcalloc((size_t)n + 1, sizeof(int));
    c.col_idx = (int *)xcalloc((size_t)c.nnz, sizeof(int));
    c.val = (double *)xcalloc((size_t)c.nnz, sizeof(double));
    int pos = 0;
    for (int i = 0; i < n; i++) {
        c.row_ptr[i] = pos;
        for (int j = 0; j < n; j++) {
            double v = a->v[i * n + j];
            if (v != 0.0) {
                c.col_idx[pos] = j;
                c.val[pos] = v;
                pos++;
            }
        }
    }
    c.row_ptr[n] = pos;
    return c;
}

static void csr_free(CSR *c)
{
    free(c->row_ptr);
    free(c->col_idx);
    free(c->val);
}

static void csr_matvec(const void *op, const double *x, double *y)
{
    const CSR *a = (const CSR *)op;
    for (int i = 0; i < a->n; i++) {
        double s = 0.0;
        for (int p = a->row_ptr[i]; p < a->row_ptr[i + 1]; p++)
            s += a->val[p] * x[a->col_idx[p]];
        y[i] = s;
    }
}

/* 5-point Laplacian on a g x g grid with a varying diagonal shift, assembled densely */
static Dense build_poisson(int g, double shift)
{
    int n = g * g;
    Dense a = dense_new(n);
    for (int y = 0; y < g; y++)
        for (int x = 0; x < g; x++) {
            int r = y * g + x;
            a.v[r * n + r] = 4.0 + shift * (double)(1 + 6 * ((x * 7 + y * 3) % 5));
            if (x > 0)
                a.v[r * n + r - 1] = -1.0;
            if (x < g - 1)
                a.v[r * n + r + 1] = -1.0;
            if (y > 0)
                a.v[r * n + r - g] = -1.0;
            if (y < g - 1)
                a.v[r * n + r + g] = -1.0;
        }
    return a;
}

/* ---- vector helpers ---- */

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void axpy(double alpha, const double *x, double *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

static double max_abs_diff(const double *a, const double *b, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        if (d > m)
            m = d;
    }
    return m;
}

/* Conjugate gradient, optionally Jacobi preconditioned (diag != NULL). */
static CGResult conjugate_gradient(MatVecFn mv, const void *op, const double *diag, const double *b, double *x,
                                   int n, double tol, int max_iter)
{
    double *r = (double *)xcalloc((size_t)n, sizeof(double));
    double *z = (double *)xcalloc((size_t)n, sizeof(double));
    double *p = (double *)xcalloc((size_t)n, sizeof(double));
    double *ap = (double *)xcalloc((size_t)n, sizeof(double));
    CGResult res = { 0, 0.0, 0 };

    mv(op, x, ap);
    for (int i = 0; i < n; i++)
        r[i] = b[i] - ap[i];
    for (int i = 0; i < n; i++)
        z[i] = diag ? r[i] / diag[i] : r[i];
    memcpy(p, z, sizeof(double) * (size_t)n);
    double rz = dot(r, z, n);
    double bnorm = sqrt(dot(b, b, n));
    double rnorm = sqrt(dot(r, r, n));

    int it = 0;
    while (it < max_iter && rnorm > tol * bnorm) {
        mv(op, p, ap);
        double pap = dot(p, ap, n);
        double alpha = rz / pap;
        axpy(alpha, p, x, n);
        axpy(-alpha, ap, r, n);
        for (int i = 0; i < n; i++)
            z[i] = diag ? r[i] / diag[i] : r[i];
        double rz_new = dot(r, z, n);
        double beta = rz_new / rz;
        rz = rz_new;
        for (int i = 0; i < n; i++)
            p[i] = z[i] + beta * p[i];
        rnorm = sqrt(dot(r, r, n));
        it++;
    }
    res.iterations = it;
    res.final_residual = rnorm / bnorm;
    res.converged = rnorm <= tol * bnorm;
    free(r);
    free(z);
    free(p);
    free(ap);
    return res;
}

static uint32_t hash_u32(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x01000193u;
    h ^= h >> 15;
    return h;
}

static uint32_t hash_vec(uint32_t h, const double *x, int n, double scale)
{
    for (int i = 0; i < n; i++)
        h = hash_u32(h, (uint32_t)(int32_t)lround(x[i] * scale));
    return h;
}

int main(void)
{
    uint32_t h = 0x811c9dc5u;

    /* ---- dense SPD: Cholesky vs CG ---- */
    int n = DENSE_N;
    Dense a = build_spd(n);
    Dense l = dense_new(n);
    int ok = cholesky(&a, &l);
    printf("dense SPD %dx%d cholesky ok: %s  logdet = %.6f\n", n, n, ok ? "yes" : "NO", cholesky_logdet(&l));
    h = hash_u32(h, (uint32_t)(int32_t)lround(cholesky_logdet(&l) * 1000.0));

    /* check L L^T == A */
    double maxerr = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double s = 0.0;
            for (int k = 0; k <= j; k++)
                s += l.v[i * n + k] * l.v[j * n + k];
            double d = fabs(s - a.v[i * n + j]);
            if (d > maxerr)
                maxerr = d;
        }
    printf("max|L*L^T - A| < 1e-10: %s\n", maxerr < 1e-10 ? "yes" : "NO");

    double *xt = (double *)xcalloc((size_t)n, sizeof(double));
    double *b = (double *)xcalloc((size_t)n, sizeof(double));
    double *x1 = (double *)xcalloc((size_t)n, sizeof(double));
    double *x2 = (double *)xcalloc((size_t)n, sizeof(double));
    for (int i = 0; i < n; i++)
        xt[i] = (double)(i % 7) - 3.0 + (double)(i % 3) * 0.25 + 0.125;
    dense_matvec(&a, xt, b);
    cholesky_solve(&l, b, x1);
    CGResult cg = conjugate_gradient(dense_matvec, &a, NULL, b, x2, n, 1e-12, 10 * n);
    printf("cholesky solve error < 1e-10: %s\n", max_abs_diff(x1, xt, n) < 1e-10 ? "yes" : "NO");
    printf("dense CG: iterations=%d converged=%s error < 1e-8: %s\n", cg.iterations, cg.converged ? "yes" : "NO",
           max_abs_diff(x2, xt, n) < 1e-8 ? "yes" : "NO");
    printf("cholesky vs CG agree: %s  x[0..3] = %.5f %.5f %.5f %.5f\n",
           max_abs_diff(x1, x2, n) < 1e-8 ? "yes" : "NO", x1[0], x1[1], x1[2], x1[3]);
    h = hash_u32(h, (uint32_t)cg.iterations);
    h = hash_vec(h, x1, n, 1e5);

    /* CSR version of the dense SPD matrix: identical products */
    CSR ca = csr_from_dense(&a);
    double *y1 = (double *)xcalloc((size_t)n, sizeof(double));
    double *y2 = (double *)xcalloc((size_t)n, sizeof(double));
    dense_matvec(&a, xt, y1);
    csr_matvec(&ca, xt, y2);
    printf("dense CSR nnz=%d matvec identical: %s\n", ca.nnz, memcmp(y1, y2, sizeof(double) * (size_t)n) == 0 ? "yes" : "NO");
    csr_free(&ca);
    free(y1);
    free(y2);

    /* ---- sparse Poisson problem ---- */
    int g = GRID, m = GRID * GRID;
    Dense pd = build_poisson(g, 0.05);
    CSR pc = csr_from_dense(&pd);
    printf("poisson %dx%d grid: n=%d nnz=%d\n", g, g, m, pc.nnz);
    h = hash_u32(h, (uint32_t)pc.nnz);

    double *pt = (double *)xcalloc((size_t)m, sizeof(double));
    double *pb = (double *)xcalloc((size_t)m, sizeof(double));
    double *px = (double *)xcalloc((size_t)m, sizeof(double));
    double *pxj = (double *)xcalloc((size_t)m, sizeof(double));
    double *pdiag = (double *)xcalloc((size_t)m, sizeof(double));
    double *pchol = (double *)xcalloc((size_t)m, sizeof(double));
    for (int yy = 0; yy < g; yy++)
        for (int xx = 0; xx < g; xx++) {
            /* a smooth bump times an integer pattern, exact in binary */
            int cx = xx - g / 2, cy = yy - g / 2;
            pt[yy * g + xx] = (double)(100 - cx * cx - cy * cy) / 16.0;
        }
    csr_matvec(&pc, pt, pb);
    for (int i = 0; i < m; i++)
        pdiag[i] = pd.v[i * m + i];

    CGResult pr = conjugate_gradient(csr_matvec, &pc, NULL, pb, px, m, 1e-11, 4 * m);
    CGResult prj = conjugate_gradient(csr_matvec, &pc, pdiag, pb, pxj, m, 1e-11, 4 * m);
    printf("sparse CG: iterations=%d converged=%s error < 1e-7: %s\n", pr.iterations, pr.converged ? "yes" : "NO",
           max_abs_diff(px, pt, m) < 1e-7 ? "yes" : "NO");
    printf("jacobi-PCG: iterations=%d converged=%s error < 1e-7: %s\n", prj.iterations, prj.converged ? "yes" : "NO",
           max_abs_diff(pxj, pt, m) < 1e-7 ? "yes" : "NO");
    h = hash_u32(h, (uint32_t)pr.iterations);
    h = hash_u32(h, (uint32_t)prj.iterations);
    h = hash_vec(h, px, m, 1e4);

    /* direct Cholesky on the Poisson matrix (dense) as reference */
    Dense pl = dense_new(m);
    int pok = cholesky(&pd, &pl);
    cholesky_solve(&pl, pb, pchol);
    printf("poisson cholesky ok: %s  logdet = %.4f  agrees with CG: %s\n", pok ? "yes" : "NO", cholesky_logdet(&pl),
           max_abs_diff(pchol, px, m) < 1e-7 ? "yes" : "NO");
    h = hash_u32(h, (uint32_t)(int32_t)lround(cholesky_logdet(&pl) * 100.0));

    /* energy norm of solution and centre value */
    double *tmp = (double *)xcalloc((size_t)m, sizeof(double));
    csr_matvec(&pc, pchol, tmp);
    double energy = dot(pchol, tmp, m);
    printf("energy x^T A x = %.4f  centre = %.5f\n", energy, pchol[(g / 2) * g + g / 2]);
    h = hash_u32(h, (uint32_t)(int32_t)lround(energy * 10.0));

    free(tmp);
    dense_free(&pl);
    free(pt); free(pb); free(px); free(pxj); free(pdiag); free(pchol);
    csr_free(&pc);
    dense_free(&pd);
    free(xt); free(b); free(x1); free(x2);
    dense_free(&a);
    dense_free(&l);
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
