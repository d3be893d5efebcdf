/* cgym-suite: category=graph; maximum flow by Edmonds-Karp and Dinic cross-checked, min-cut certificate and bipartite matching */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef struct {
    int to;
    int next;     /* next arc out of the same tail */
    int64_t cap;  /* capacity (reverse arcs have 0) */
    int64_t flow; /* may be negative on reverse arcs */
} arc_t;

typedef struct {
    int n;
    int m; /* number of arcs, always even */
    int cap_arcs;
    int *head;
    arc_t *arcs;
} network_t;

static uint32_t seed = 0x1234567u;

static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) ^ (seed << 20);
}

static int net_init(network_t *g, int n, int max_edges)
{
    g->n = n;
    g->m = 0;
    g->cap_arcs = 2 * max_edges;
    g->head = malloc(sizeof(int) * (size_t)n);
    g->arcs = malloc(sizeof(arc_t) * (size_t)g->cap_arcs);
    if (!g->head || !g->arcs)
        return -1;
    for (int v = 0; v < n; v++)
        g->head[v] = -1;
    return 0;
}

static void net_free(network_t *g)
{
    free(g->head);
    free(g->arcs);
}

static int net_add(network_t *g, int u, int v, int64_t cap)
{
    if (g->m + 2 > g->cap_arcs || u == v)
        return -1;
    arc_t *a = &g->arcs[g->m];
    a->to = v;
    a->cap = cap;
    a->flow = 0;
    a->next = g->head[u];
    g->head[u] = g->m++;
    arc_t *b = &g->arcs[g->m];
    b->to = u;
    b->cap = 0;
    b->flow = 0;
    b->next = g->head[v];
    g->head[v] = g->m++;
    return 0;
}

static void net_reset(network_t *g)
{
    for (int e = 0; e < g->m; e++)
        g->arcs[e].flow = 0;
}

static int64_t residual(const arc_t *a)
{
    return a->cap - a->flow;
}

static void push(network_t *g, int e, int64_t f)
{
    g->arcs[e].flow += f;
    g->arcs[e ^ 1].flow -= f;
}

/* ---------- Edmonds-Karp ---------- */

static int64_t edmonds_karp(network_t *g, int s, int t, int *augmentations)
{
    int *parent_arc = malloc(sizeof(int) * (size_t)g->n);
    int *queue = malloc(sizeof(int) * (size_t)g->n);
    int64_t total = 0;
    *augmentations = 0;
    if (!parent_arc || !queue) {
        free(parent_arc);
        free(queue);
        return -1;
    }
    for (;;) {
        for (int v = 0; v < g->n; v++)
            parent_arc[v] = -1;
        int qh = 0, qt = 0;
        queue[qt++] = s;
        parent_arc[s] = -2;
        while (qh < qt && parent_arc[t] == -1) {
            int u = queue[qh++];
            for (int e = g->head[u]; e >= 0; e = g->arcs[e].next) {
                int v = g->arcs[e].to;
                if (parent_arc[v] == -1 && residual(&g->arcs[e]) > 0) {
                    parent_arc[v] = e;
                    queue[qt++] = v;
                }
            }
        }
        if (parent_arc[t] == -1)
            break;
        int64_t bottleneck = INT64_MAX;
        for (int v = t; v != s; v = g->arcs[parent_arc[v] ^ 1].to) {
            int64_t r = residual(&g->arcs[parent_arc[v]]);
            if (r < bottleneck)
                bottleneck = r;
        }
        for (int v = t; v != s; v = g->arcs[parent_arc[v] ^ 1].to)
            push(g, parent_arc[v], bottleneck);
        total += bottleneck;
        (*augmentations)++;
    }
    free(parent_arc);
    free(queue);
    return total;
}

/* ---------- Dinic ---------- */

typedef struct {
    network_t *g;
    int *level;
    int *iter;
    int *queue;
    int t;
    int phases;
} dinic_t;

static int dinic_bfs(dinic_t *d, int s)
{
    network_t *g = d->g;
    for (int v = 0; v < g->n; v++)
        d->level[v] = -1;
    int qh = 0, qt = 0;
    d->level[s] = 0;
    d->queue[qt++] = s;
    while (qh < qt) {
        int u = d->queue[qh++];
        for (int e = g->head[u]; e >= 0; e = g->arcs[e].next) {
            int v = g->arcs[e].to;
            if (d->level[v] < 0 && residual(&g->arcs[e]) > 0) {
                d->level[v] = d->level[u] + 1;
                d->queue[qt++] = v;
            }
        }
    }
    return d->level[d->t] >= 0;
}

static int64_t dinic_dfs(dinic_t *d, int u, int64_t limit)
{
    if (u == d->t)
        return limit;
    network_t *g = d->g;
    for (; d->iter[u] >= 0; d->iter[u] = g->arcs[d->iter[u]].next) {
        int e = d->iter[u];
        int v = g->arcs[e].to;
        int64_t r = residual(&g->arcs[e]);
        if (r <= 0 || d->level[v] != d->level[u] + 1)
            continue;
        int64_t got = dinic_dfs(d, v, limit < r ? limit : r);
        if (got > 0) {
            push(g, e, got);
            return got;
        }
    }
    return 0;
}

static int64_t dinic(network_t *g, int s, int t, int *phases)
{
    dinic_t d;
    d.g = g;
    d.t = t;
    d.phases = 0;
    d.level = malloc(sizeof(int) * (size_t)g->n);
    d.iter = malloc(sizeof(int) * (size_t)g->n);
    d.queue = malloc(sizeof(int) * (size_t)g->n);
    int64_t total = 0;
    if (!d.level || !d.iter || !d.queue) {
        free(d.level);
        free(d.iter);
        free(d.queue);
        return -1;
    }
    while (dinic_bfs(&d, s)) {
        d.phases++;
        memcpy(d.iter, g->head, sizeof(int) * (size_t)g->n);
        int64_t f;
        while ((f = dinic_dfs(&d, s, INT64_MAX)) > 0)
            total += f;
    }
    *phases = d.phases;
    free(d.level);
    free(d.iter);
    free(d.queue);
    return total;
}

/* ---------- validation ---------- */

static int check_flow(const network_t *g, int s, int t, int64_t value)
{
    int64_t *excess = calloc((size_t)g->n, sizeof(int64_t));
    int ok = 1;
    if (!excess)
        return 0;
    for (int e = 0; e < g->m; e++) {
        const arc_t *a = &g->arcs[e];
        if (a->flow > a->cap)
            ok = 0;
        if (g->arcs[e ^ 1].flow != -a->flow)
            ok = 0;
        if ((e & 1) == 0) {
            if (a->flow < 0)
                ok = 0;
            int tail = g->arcs[e ^ 1].to;
            excess[a->to] += a->flow;
            excess[tail] -= a->flow;
        }
    }
    for (int v = 0; v < g->n; v++) {
        if (v == s) {
            if (excess[v] != -value)
                ok = 0;
        } else if (v == t) {
            if (excess[v] != value)
                ok = 0;
        } else if (excess[v] != 0) {
            ok = 0;
        }
    }
    free(excess);
    return ok;
}

/* min cut: vertices reachable from s in the residual graph; returns cut capacity */
static int64_t min_cut(const network_t *g, int s, unsigned char *side, int *cut_edges)
{
    int *stack = malloc(sizeof(int) * (size_t)g->n);
    int sp = 0;
    int64_t cap = 0;
    *cut_edges = 0;
    if (!stack)
        return -1;
    memset(side, 0, (size_t)g->n);
    side[s] = 1;
    stack[sp++] = s;
    while (sp > 0) {
        int u = stack[--sp];
        for (int e = g->head[u]; e >= 0; e = g->arcs[e].next) {
            int v = g->arcs[e].to;
            if (!side[v] && residual(&g->arcs[e]) > 0) {
                side[v] = 1;
                stack[sp++] = v;
            }
        }
    }
    for (int e = 0; e < g->m; e += 2) {
        int tail = g->arcs[e + 1].to, h = g->arcs[e].to;
        if (side[tail] && !side[h]) {
            cap += g->arcs[e].cap;
            (*cut_edges)++;
        }
    }
    free(stack);
    return cap;
}

/* ---------- generators ---------- */

enum { NET_RANDOM, NET_LAYERED, NET_GRID, NET_MATCHING };

static int build(network_t *g, int kind, int *s, int *t, int *left_n, int *right_n)
{
    switch (kind) {
    case NET_RANDOM: {
        int n = 300;
        if (net_init(g, n, 3000))
            return -1;
        for (int i = 0; i < 2400; i++) {
            int u = (int)(rnd() % (uint32_t)n), v = (int)(rnd() % (uint32_t)n);
            net_add(g, u, v, 1 + (int64_t)(rnd() % 100u));
        }
        *s = 0;
        *t = n - 1;
        /* give source and sink a wide fan so the cut lies inside the graph */
        for (int i = 0; i < 30; i++) {
            int a = 1 + (int)(rnd() % (uint32_t)(n - 2));
            int b = 1 + (int)(rnd() % (uint32_t)(n - 2));
            net_add(g, *s, a, 150);
            net_add(g, b, *t, 150);
        }
        break;
    }
    case NET_LAYERED: {
        int layers = 12, width = 25, n = layers * width + 2;
        if (net_init(g, n, 4000))
            return -1;
        *s = n - 2;
        *t = n - 1;
        for (int i = 0; i < width; i++) {
            net_add(g, *s, i, 50 + (int64_t)(rnd() % 50u));
            net_add(g, (layers - 1) * width + i, *t, 50 + (int64_t)(rnd() % 50u));
        }
        for (int l = 0; l + 1 < layers; l++)
            for (int i = 0; i < width; i++)
                for (int k = 0; k < 4; k++) {
                    int to = (l + 1) * width + (int)(rnd() % (uint32_t)width);
                    int64_t cap = 1 + (int64_t)(rnd() % 30u);
                    net_add(g, l * width + i, to, cap);
                }
        break;
    }
    case NET_GRID: {
        int side = 18, n = side * side + 2;
        if (net_init(g, n, 4 * n))
            return -1;
        *s = n - 2;
        *t = n - 1;
        for (int r = 0; r < side; r++) {
            net_add(g, *s, r * side, 40);
            net_add(g, r * side + side - 1, *t, 40);
        }
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int v = r * side + c;
                if (c + 1 < side) {
                    net_add(g, v, v + 1, 1 + (int64_t)(rnd() % 20u));
                    net_add(g, v + 1, v, 1 + (int64_t)(rnd() % 20u));
                }
                if (r + 1 < side) {
                    net_add(g, v, v + side, 1 + (int64_t)(rnd() % 20u));
                    net_add(g, v + side, v, 1 + (int64_t)(rnd() % 20u));
                }
            }
        }
        break;
    }
    case NET_MATCHING:
    default: {
        int L = 150, R = 140, n = L + R + 2;
        if (net_init(g, n, L * 6 + L + R))
            return -1;
        *s = L + R;
        *t = L + R + 1;
        *left_n = L;
        *right_n = R;
        for (int i = 0; i < L; i++)
            net_add(g, *s, i, 1);
        for (int j = 0; j < R; j++)
            net_add(g, L + j, *t, 1);
        for (int i = 0; i < L; i++) {
            int deg = 1 + (int)(rnd() % 5u);
            for (int k = 0; k < deg; k++) {
                /* biased towards low-numbered right vertices to create contention */
                uint32_t x = rnd() % (uint32_t)R;
                uint32_t y = rnd() % (uint32_t)R;
                net_add(g, i, L + (int)(x < y ? x : y), 1);
            }
        }
        break;
    }
    }
    return 0;
}

/* Kuhn's augmenting-path matching on the bipartite part of the network */
static int kuhn_try(const network_t *g, int u, int L, int R, int *match_r, unsigned char *vis)
{
    for (int e = g->head[u]; e >= 0; e = g->arcs[e].next) {
        if (e & 1)
            continue; /* reverse arc */
        int v = g->arcs[e].to - L;
        if (v < 0 || v >= R || vis[v])
            continue;
        vis[v] = 1;
        if (match_r[v] < 0 || kuhn_try(g, match_r[v], L, R, match_r, vis)) {
            match_r[v] = u;
            return 1;
        }
    }
    return 0;
}

static int kuhn_matching(const network_t *g, int L, int R)
{
    int *match_r = malloc(sizeof(int) * (size_t)R);
    unsigned char *vis = malloc((size_t)R);
    int size = 0;
    if (!match_r || !vis) {
        free(match_r);
        free(vis);
        return -1;
    }
    for (int j = 0; j < R; j++)
        match_r[j] = -1;
    for (int u = 0; u < L; u++) {
        memset(vis, 0, (size_t)R);
        size += kuhn_try(g, u, L, R, match_r, vis);
    }
    free(match_r);
    free(vis);
    return size;
}

int main(void)
{
    static const char *names[] = { "random", "layered", "grid", "matching" };
    uint32_t checksum = 0x811c9dc5u;
    int all_ok = 1;

    for (int kind = NET_RANDOM; kind <= NET_MATCHING; kind++) {
        network_t g;
        int s = 0, t = 0, L = 0, R = 0;
        memset(&g, 0, sizeof g);
        if (build(&g, kind, &s, &t, &L, &R) != 0) {
            net_free(&g);
            return 1;
        }
        int aug = 0, phases = 0, cut_edges = 0;
        int64_t f1 = edmonds_karp(&g, s, t, &aug);
        int ok1 = check_flow(&g, s, t, f1);
        unsigned char *side = malloc((size_t)g.n);
        if (!side) {
            net_free(&g);
            return 1;
        }
        int64_t cut1 = min_cut(&g, s, side, &cut_edges);
        int s_side = 0;
        for (int v = 0; v < g.n; v++)
            s_side += side[v];
        net_reset(&g);
        int64_t f2 = dinic(&g, s, t, &phases);
        int ok2 = check_flow(&g, s, t, f2);
        int cut_edges2 = 0;
        int64_t cut2 = min_cut(&g, s, side, &cut_edges2);
        int ok = ok1 && ok2 && f1 == f2 && cut1 == f1 && cut2 == f2 && !side[t];
        char extra[64] = "";
        if (kind == NET_MATCHING) {
            int km = kuhn_matching(&g, L, R);
            if ((int64_t)km != f1)
                ok = 0;
            snprintf(extra, sizeof extra, " kuhn=%d", km);
        }
        all_ok &= ok;
        printf("%-8s n=%d arcs=%d maxflow=%lld ek_augment=%d dinic_phases=%d cut_edges=%d s_side=%d%s %s\n",
               names[kind], g.n, g.m / 2, (long long)f1, aug, phases, cut_edges, s_side, extra,
               ok ? "OK" : "FAIL");
        checksum = (checksum ^ (uint32_t)f1) * 0x01000193u;
        checksum = (checksum ^ (uint32_t)aug) * 0x01000193u;
        checksum = (checksum ^ (uint32_t)phases) * 0x01000193u;
        for (int e = 0; e < g.m; e += 2)
            checksum = (checksum ^ (uint32_t)g.arcs[e].flow) * 0x01000193u;
        free(side);
        net_free(&g);
    }
    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
