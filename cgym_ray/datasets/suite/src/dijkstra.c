/* cgym-suite: category=graph; Dijkstra with indexed and lazy binary heaps on generated sparse graphs, checked against O(V^2) Dijkstra */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define INF UINT64_MAX
#define NO_PRED (-1)

typedef struct {
    int to;
    uint32_t w;
} edge_t;

/* compressed adjacency lists */
typedef struct {
    int n;
    int m;
    int *start; /* n + 1 offsets */
    edge_t *edges;
} graph_t;

typedef struct {
    int from, to;
    uint32_t w;
} raw_edge_t;

static uint32_t rng = 2463534242u;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void graph_free(graph_t *g)
{
    free(g->start);
    free(g->edges);
    g->start = NULL;
    g->edges = NULL;
}

/* builds CSR via counting sort on source vertex */
static int graph_build(graph_t *g, int n, const raw_edge_t *raw, int m)
{
    g->n = n;
    g->m = m;
    g->start = calloc((size_t)n + 1, sizeof(int));
    g->edges = malloc(sizeof(edge_t) * (size_t)(m ? m : 1));
    if (!g->start || !g->edges) {
        graph_free(g);
        return -1;
    }
    for (int i = 0; i < m; i++)
        g->start[raw[i].from + 1]++;
    for (int v = 0; v < n; v++)
        g->start[v + 1] += g->start[v];
    int *fill = malloc(sizeof(int) * (size_t)n);
    if (!fill) {
        graph_free(g);
        return -1;
    }
    memcpy(fill, g->start, sizeof(int) * (size_t)n);
    for (int i = 0; i < m; i++) {
        int p = fill[raw[i].from]++;
        g->edges[p].to = raw[i].to;
        g->edges[p].w = raw[i].w;
    }
    free(fill);
    return 0;
}

enum gen_kind { GEN_RANDOM, GEN_GRID, GEN_LAYERED };

static int generate(graph_t *g, enum gen_kind kind, int n_hint)
{
    int cap = n_hint * 8 + 16, m = 0, n = n_hint;
    raw_edge_t *raw = malloc(sizeof(raw_edge_t) * (size_t)cap);
    if (!raw)
        return -1;
    switch (kind) {
    case GEN_RANDOM:
        /* a random spanning path-ish backbone plus random extra arcs */
        for (int v = 1; v < n; v++) {
            int u = (int)(rnd() % (uint32_t)v);
            raw[m++] = (raw_edge_t){ u, v, 1 + rnd() % 1000u };
            raw[m++] = (raw_edge_t){ v, u, 1 + rnd() % 1000u };
        }
        for (int i = 0; i < 2 * n; i++) {
            int u = (int)(rnd() % (uint32_t)n), v = (int)(rnd() % (uint32_t)n);
            if (u != v)
                raw[m++] = (raw_edge_t){ u, v, 1 + rnd() % 5000u };
        }
        break;
    case GEN_GRID: {
        int side = 1;
        while ((side + 1) * (side + 1) <= n_hint)
            side++;
        n = side * side;
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int v = r * side + c;
                if (c + 1 < side) {
                    uint32_t w = 1 + rnd() % 9u;
                    raw[m++] = (raw_edge_t){ v, v + 1, w };
                    raw[m++] = (raw_edge_t){ v + 1, v, w };
                }
                if (r + 1 < side) {
                    uint32_t w = 1 + rnd() % 9u;
                    raw[m++] = (raw_edge_t){ v, v + side, w };
                    raw[m++] = (raw_edge_t){ v + side, v, w };
                }
            }
        }
        break;
    }
    case GEN_LAYERED:
    default: {
        /* DAG-like layers with some back edges; part of the graph unreachable */
        int layer = 40;
        for (int v = 0; v + layer < n; v++) {
            for (int k = 0; k < 3; k++) {
                int to = v + layer + (int)(rnd() % (uint32_t)layer);
                if (to < n)
                    raw[m++] = (raw_edge_t){ v, to, 1 + rnd() % 100u };
            }
            if ((rnd() & 7u) == 0 && v >= layer)
                raw[m++] = (raw_edge_t){ v, v - layer, 1 + rnd() % 50u };
        }
        break;
    }
    }
    int rc = graph_build(g, n, raw, m);
    free(raw);
    return rc;
}

/* ---------- indexed binary heap with decrease-key ---------- */

typedef struct {
    int *heap;
    int *pos;
    const uint64_t *dist;
    int size;
    unsigned long ops;
} iheap_t;

static int iheap_less(const iheap_t *h, int a, int b)
{
    uint64_t da = h->dist[a], db = h->dist[b];
    return da < db || (da == db && a < b);
}

static void iheap_place(iheap_t *h, int i, int v)
{
    h->heap[i] = v;
    h->pos[v] = i;
}

static void iheap_up(iheap_t *h, int i)
{
    int v = h->heap[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!iheap_less(h, v, h->heap[p]))
            break;
        iheap_place(h, i, h->heap[p]);
        i = p;
        h->ops++;
    }
    iheap_place(h, i, v);
}

static void iheap_down(iheap_t *h, int i)
{
    int v = h->heap[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->size)
            break;
        if (c + 1 < h->size && iheap_less(h, h->heap[c + 1], h->heap[c]))
            c++;
        if (!iheap_less(h, h->heap[c], v))
            break;
        iheap_place(h, i, h->heap[c]);
        i = c;
        h->ops++;
    }
    iheap_place(h, i, v);
}

static void iheap_push_or_decrease(iheap_t *h, int v)
{
    if (h->pos[v] < 0) {
        h->heap[h->size] = v;
        h->pos[v] = h->size;
        h->size++;
    }
    iheap_up(h, h->pos[v]);
}

static int iheap_pop(iheap_t *h)
{
    int top = h->heap[0];
    h->size--;
    h->pos[top] = -2; /* settled */
    if (h->size > 0) {
        iheap_place(h, 0, h->heap[h->size]);
        iheap_down(h, 0);
    }
    return top;
}

static int dijkstra_indexed(const graph_t *g, int src, uint64_t *dist, int *pred, unsigned long *heap_ops)
{
    iheap_t h;
    h.heap = malloc(sizeof(int) * (size_t)g->n);
    h.pos = malloc(sizeof(int) * (size_t)g->n);
    h.dist = dist;
    h.size = 0;
    h.ops = 0;
    if (!h.heap || !h.pos) {
        free(h.heap);
        free(h.pos);
        return -1;
    }
    for (int v = 0; v < g->n; v++) {
        dist[v] = INF;
        pred[v] = NO_PRED;
        h.pos[v] = -1;
    }
    dist[src] = 0;
    iheap_push_or_decrease(&h, src);
    while (h.size > 0) {
        int u = iheap_pop(&h);
        for (int e = g->start[u]; e < g->start[u + 1]; e++) {
            int v = g->edges[e].to;
            if (h.pos[v] == -2)
                continue;
            uint64_t nd = dist[u] + g->edges[e].w;
            if (nd < dist[v] || (nd == dist[v] && u < pred[v])) {
                dist[v] = nd;
                pred[v] = u;
                iheap_push_or_decrease(&h, v);
            }
        }
    }
    *heap_ops = h.ops;
    free(h.heap);
    free(h.pos);
    return 0;
}

/* ---------- lazy-deletion heap of (dist, vertex) pairs ---------- */

typedef struct {
    uint64_t d;
    int v;
} entry_t;

static int entry_less(entry_t a, entry_t b)
{
    return a.d < b.d || (a.d == b.d && a.v < b.v);
}

static int dijkstra_lazy(const graph_t *g, int src, uint64_t *dist, unsigned long *stale)
{
    size_t cap = (size_t)g->m + 1, size = 0;
    entry_t *heap = malloc(sizeof(entry_t) * cap);
    unsigned char *done = calloc((size_t)g->n, 1);
    if (!heap || !done) {
        free(heap);
        free(done);
        return -1;
    }
    for (int v = 0; v < g->n; v++)
        dist[v] = INF;
    dist[src] = 0;
    heap[size++] = (entry_t){ 0, src };
    *stale = 0;
    while (size > 0) {
        entry_t top = heap[0];
        heap[0] = heap[--size];
        for (size_t i = 0;;) {
            size_t c = 2 * i + 1;
            if (c >= size)
                break;
            if (c + 1 < size && entry_less(heap[c + 1], heap[c]))
                c++;
            if (!entry_less(heap[c], heap[i]))
                break;
            entry_t t = heap[c];
            heap[c] = heap[i];
            heap[i] = t;
            i = c;
        }
        if (done[top.v]) {
            (*stale)++;
            continue;
        }
        done[top.v] = 1;
        for (int e = g->start[top.v]; e < g->start[top.v + 1]; e++) {
            int v = g->edges[e].to;
            uint64_t nd = top.d + g->edges[e].w;
            if (!done[v] && nd < dist[v]) {
                dist[v] = nd;
                /* each relaxation pushes at most once per edge, so cap suffices */
                size_t i = size++;
                heap[i] = (entry_t){ nd, v };
                while (i > 0 && entry_less(heap[i], heap[(i - 1) / 2])) {
                    entry_t t = heap[i];
                    heap[i] = heap[(i - 1) / 2];
                    heap[(i - 1) / 2] = t;
                    i = (i - 1) / 2;
                }
            }
        }
    }
    free(heap);
    free(done);
    return 0;
}

/* ---------- reference: O(V^2) Dijkstra with array scan ---------- */

static int dijkstra_dense(const graph_t *g, int src, uint64_t *dist)
{
    unsigned char *done = calloc((size_t)g->n, 1);
    if (!done)
        return -1;
    for (int v = 0; v < g->n; v++)
        dist[v] = INF;
    dist[src] = 0;
    for (;;) {
        int u = -1;
        for (int v = 0; v < g->n; v++)
            if (!done[v] && dist[v] != INF && (u < 0 || dist[v] < dist[u]))
                u = v;
        if (u < 0)
            break;
        done[u] = 1;
        for (int e = g->start[u]; e < g->start[u + 1]; e++) {
            uint64_t nd = dist[u] + g->edges[e].w;
            if (nd < dist[g->edges[e].to])
                dist[g->edges[e].to] = nd;
        }
    }
    free(done);
    return 0;
}

/* optimality certificate: no edge can be relaxed, and every predecessor edge is tight */
static int verify_certificate(const graph_t *g, int src, const uint64_t *dist, const int *pred)
{
    if (dist[src] != 0)
        return 0;
    for (int u = 0; u < g->n; u++) {
        if (dist[u] == INF)
            continue;
        for (int e = g->start[u]; e < g->start[u + 1]; e++)
            if (dist[u] + g->edges[e].w < dist[g->edges[e].to])
                return 0;
    }
    for (int v = 0; v < g->n; v++) {
        if (v == src || dist[v] == INF)
            continue;
        int p = pred[v];
        if (p < 0)
            return 0;
        int tight = 0;
        for (int e = g->start[p]; e < g->start[p + 1]; e++)
            if (g->edges[e].to == v && dist[p] + g->edges[e].w == dist[v])
                tight = 1;
        if (!tight)
            return 0;
    }
    return 1;
}

static int path_length(const int *pred, int src, int v, int n)
{
    int hops = 0;
    while (v != src && v >= 0 && hops <= n) {
        v = pred[v];
        hops++;
    }
    return v == src ? hops : -1;
}

int main(void)
{
    static const struct {
        const char *name;
        enum gen_kind kind;
        int n;
    } cases[] = {
        { "random", GEN_RANDOM, 2500 },
        { "grid", GEN_GRID, 2500 },
        { "layered", GEN_LAYERED, 2000 },
    };
    uint32_t checksum = 0x811c9dc5u;
    int all_ok = 1;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        graph_t g = { 0, 0, NULL, NULL };
        if (generate(&g, cases[c].kind, cases[c].n) != 0)
            return 1;
        uint64_t *d1 = malloc(sizeof(uint64_t) * (size_t)g.n);
        uint64_t *d2 = malloc(sizeof(uint64_t) * (size_t)g.n);
        uint64_t *d3 = malloc(sizeof(uint64_t) * (size_t)g.n);
        int *pred = malloc(sizeof(int) * (size_t)g.n);
        if (!d1 || !d2 || !d3 || !pred) {
            free(d1); free(d2); free(d3); free(pred); graph_free(&g);
            return 1;
        }
        for (int s = 0; s < 3; s++) {
            int src = s * (g.n / 5) + 7 * s;
            unsigned long hops_ops = 0, stale = 0;
            dijkstra_indexed(&g, src, d1, pred, &hops_ops);
            dijkstra_lazy(&g, src, d2, &stale);
            int dense_ok = 1;
            if (s == 0) {
                dijkstra_dense(&g, src, d3);
                dense_ok = memcmp(d1, d3, sizeof(uint64_t) * (size_t)g.n) == 0;
            }
            int ok = dense_ok && memcmp(d1, d2, sizeof(uint64_t) * (size_t)g.n) == 0 &&
                     verify_certificate(&g, src, d1, pred);
            int reach = 0, far = src, max_hops = 0;
            uint64_t sum = 0;
            for (int v = 0; v < g.n; v++) {
                if (d1[v] == INF)
                    continue;
                reach++;
                sum += d1[v];
                if (d1[v] > d1[far])
                    far = v;
                checksum = (checksum ^ (uint32_t)d1[v]) * 0x01000193u;
            }
            max_hops = path_length(pred, src, far, g.n);
            if (max_hops < 0)
                ok = 0;
            all_ok &= ok;
            printf("%-8s n=%d m=%d src=%d reach=%d sum=%llu far=%d dist=%llu hops=%d heap_ops=%lu stale=%lu %s\n",
                   cases[c].name, g.n, g.m, src, reach, (unsigned long long)sum, far,
                   (unsigned long long)d1[far], max_hops, hops_ops, stale, ok ? "OK" : "FAIL");
        }
        free(d1); free(d2); free(d3); free(pred);
        graph_free(&g);
    }
    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
