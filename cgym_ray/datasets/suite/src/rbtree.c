/* cgym-suite: category=data_structure; order-statistic red-black tree with insert/delete, invariant checks and Fenwick-tree cross-checks */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef enum { RED, BLACK } Color;

typedef struct Node {
    int32_t key;
    uint32_t value;
    Color color;
    int size; /* number of nodes in this subtree */
    struct Node *left, *right, *parent;
} Node;

typedef struct {
    Node *root;
    Node nil; /* sentinel: black, size 0 */
    long rotations;
    long fixups;
} Tree;

static void tree_init(Tree *t)
{
    memset(&t->nil, 0, sizeof(t->nil));
    t->nil.color = BLACK;
    t->nil.size = 0;
    t->nil.left = t->nil.right = t->nil.parent = &t->nil;
    t->root = &t->nil;
    t->rotations = 0;
    t->fixups = 0;
}

static Node *NIL_OF(Tree *t)
{
    return &t->nil;
}

static void update_size(Node *x)
{
    x->size = x->left->size + x->right->size + 1;
}

static void left_rotate(Tree *t, Node *x)
{
    Node *y = x->right;
    x->right = y->left;
    if (y->left != NIL_OF(t))
        y->left->parent = x;
    y->parent = x->parent;
    if (x->parent == NIL_OF(t))
        t->root = y;
    else if (x == x->parent->left)
        x->parent->left = y;
    else
        x->parent->right = y;
    y->left = x;
    x->parent = y;
    y->size = x->size;
    update_size(x);
    t->rotations++;
}

static void right_rotate(Tree *t, Node *x)
{
    Node *y = x->left;
    x->left = y->right;
    if (y->right != NIL_OF(t))
        y->right->parent = x;
    y->parent = x->parent;
    if (x->parent == NIL_OF(t))
        t->root = y;
    else if (x == x->parent->right)
        x->parent->right = y;
    else
        x->parent->left = y;
    y->right = x;
    x->parent = y;
    y->size = x->size;
    update_size(x);
    t->rotations++;
}

static Node *tree_search(Tree *t, int32_t key)
{
    Node *x = t->root;
    while (x != NIL_OF(t) && x->key != key)
        x = key < x->key ? x->left : x->right;
    return x == NIL_OF(t) ? NULL : x;
}

static void insert_fixup(Tree *t, Node *z)
{
    while (z->parent->color == RED) {
        t->fixups++;
        Node *gp = z->parent->parent;
        if (z->parent == gp->left) {
            Node *uncle = gp->right;
            if (uncle->color == RED) {
                z->parent->color = BLACK;
                uncle->color = BLACK;
                gp->color = RED;
                z = gp;
            } else {
                if (z == z->parent->right) {
                    z = z->parent;
                    left_rotate(t, z);
                }
                z->parent->color = BLACK;
                z->parent->parent->color = RED;
                right_rotate(t, z->parent->parent);
            }
        } else {
            Node *uncle = gp->left;
            if (uncle->color == RED) {
                z->parent->color = BLACK;
                uncle->color = BLACK;
                gp->color = RED;
                z = gp;
            } else {
                if (z == z->parent->left) {
                    z = z->parent;
                    right_rotate(t, z);
                }
                z->parent->color = BLACK;
                z->parent->parent->color = RED;
                left_rotate(t, z->parent->parent);
            }
        }
    }
    t->root->color = BLACK;
}

/* returns 1 if inserted, 0 if the key existed (value updated) */
static int tree_insert(Tree *t, int32_t key, uint32_t value)
{
    Node *existing = tree_search(t, key);
    if (existing) {
        existing->value = value;
        return 0;
    }
    Node *z = (Node *)malloc(sizeof(Node));
    if (!z)
        exit(1);
    z->key = key;
    z->value = value;
    z->left = z->right = NIL_OF(t);
    z->color = RED;
    z->size = 1;
    Node *y = NIL_OF(t);
    Node *x = t->root;
    while (x != NIL_OF(t)) {
        y = x;
        x->size++;
        x = key < x->key ? x->left : x->right;
    }
    z->parent = y;
    if (y == NIL_OF(t))
        t->root = z;
    else if (key < y->key)
        y->left = z;
    else
        y->right = z;
    insert_fixup(t, z);
    return 1;
}

static void transplant(Tree *t, Node *u, Node *v)
{
    if (u->parent == NIL_OF(t))
        t->root = v;
    else if (u == u->parent->left)
        u->parent->left = v;
    else
        u->parent->right = v;
    v->parent = u->parent;
}

static Node *tree_minimum(Tree *t, Node *x)
{
    while (x->left != NIL_OF(t))
        x = x->left;
    return x;
}

static void delete_fixup(Tree *t, Node *x)
{
    while (x != t->root && x->color == BLACK) {
        t->fixups++;
        if (x == x->parent->left) {
            Node *w = x->parent->right;
            if (w->color == RED) {
                w->color = BLACK;
                x->parent->color = RED;
                left_rotate(t, x->parent);
                w = x->parent->right;
            }
            if (w->left->color == BLACK && w->right->color == BLACK) {
                w->color = RED;
                x = x->parent;
            } else {
                if (w->right->color == BLACK) {
                    w->left->color = BLACK;
                    w->color = RED;
                    right_rotate(t, w);
                    w = x->parent->right;
                }
                w->color = x->parent->color;
                x->parent->color = BLACK;
                w->right->color = BLACK;
                left_rotate(t, x->parent);
                x = t->root;
            }
        } else {
            Node *w = x->parent->left;
            if (w->color == RED) {
                w->color = BLACK;
                x->parent->color = RED;
                right_rotate(t, x->parent);
                w = x->parent->left;
            }
            if (w->right->color == BLACK && w->left->color == BLACK) {
                w->color = RED;
                x = x->parent;
            } else {
                if (w->left->color == BLACK) {
                    w->right->color = BLACK;
                    w->color = RED;
                    left_rotate(t, w);
                    w = x->parent->left;
                }
                w->color = x->parent->color;
                x->parent->color = BLACK;
                w->left->color = BLACK;
                right_rotate(t, x->parent);
                x = t->root;
            }
        }
    }
    x->color = BLACK;
}

static int tree_delete(Tree *t, int32_t key)
{
    Node *z = tree_search(t, key);
    if (!z)
        return 0;
    Node *y = z;
    Node *x;
    Color y_orig = y->color;
    if (z->left == NIL_OF(t)) {
        x = z->right;
        transplant(t, z, z->right);
    } else if (z->right == NIL_OF(t)) {
        x = z->left;
        transplant(t, z, z->left);
    } else {
        y = tree_minimum(t, z->right);
        y_orig = y->color;
        x = y->right;
        if (y->parent == z) {
            x->parent = y; /* may write the sentinel's parent, as intended */
        } else {
            transplant(t, y, y->right);
            y->right = z->right;
            y->right->parent = y;
        }
        transplant(t, z, y);
        y->left = z->left;
        y->left->parent = y;
        y->color = z->color;
    }
    /* recompute subtree sizes on the path from the splice point to the root */
    for (Node *p = x->parent; p != NIL_OF(t); p = p->parent)
        update_size(p);
    if (y_orig == BLACK)
        delete_fixup(t, x);
    t->nil.parent = &t->nil;
    free(z);
    return 1;
}

/* k-th smallest, 1-based */
static Node *tree_select(Tree *t, int k)
{
    Node *x = t->root;
    while (x != NIL_OF(t)) {
        int r = x->left->size + 1;
        if (k == r)
            return x;
        if (k < r) {
            x = x->left;
        } else {
            k -= r;
            x = x->right;
        }
    }
    return NULL;
}

/* number of keys < key */
static int tree_rank(Tree *t, int32_t key)
{
    int r = 0;
    Node *x = t->root;
    while (x != NIL_OF(t)) {
        if (key <= x->key) {
            x = x->left;
        } else {
            r += x->left->size + 1;
            x = x->right;
        }
    }
    return r;
}

/* returns black height, or -1 on any violation */
static int check_node(Tree *t, Node *x, int64_t lo, int64_t hi, int *count)
{
    if (x == NIL_OF(t))
        return 1;
    (*count)++;
    if (x->key <= lo || x->key >= hi)
        return -1;
    if (x->left != NIL_OF(t) && x->left->parent != x)
        return -1;
    if (x->right != NIL_OF(t) && x->right->parent != x)
        return -1;
    if (x->color == RED && (x->left->color == RED || x->right->color == RED))
        return -1;
    if (x->size != x->left->size + x->right->size + 1)
        return -1;
    int bl = check_node(t, x->left, lo, x->key, count);
    int br = check_node(t, x->right, x->key, hi, count);
    if (bl < 0 || br < 0 || bl != br)
        return -1;
    return bl + (x->color == BLACK ? 1 : 0);
}

static int tree_check(Tree *t, int expected_count, int *black_height)
{
    int count = 0;
    if (t->root->color != BLACK || t->nil.color != BLACK || t->nil.size != 0)
        return 0;
    if (t->root != NIL_OF(t) && t->root->parent != NIL_OF(t))
        return 0;
    int bh = check_node(t, t->root, INT64_MIN, INT64_MAX, &count);
    *black_height = bh;
    return bh > 0 && count == expected_count && t->root->size == expected_count;
}

static int tree_height(Tree *t, Node *x)
{
    if (x == NIL_OF(t))
        return 0;
    int l = tree_height(t, x->left), r = tree_height(t, x->right);
    return 1 + (l > r ? l : r);
}

typedef struct {
    int32_t prev;
    int ok;
    int n;
    uint64_t hash;
} Walk;

static void inorder(Tree *t, Node *x, Walk *w)
{
    /* iterative using parent pointers would also work; recursion is natural here */
    if (x == NIL_OF(t))
        return;
    inorder(t, x->left, w);
    if (w->n > 0 && x->key <= w->prev)
        w->ok = 0;
    w->prev = x->key;
    w->n++;
    w->hash = (w->hash ^ (uint64_t)(uint32_t)x->key ^ ((uint64_t)x->value << 32)) * 0x100000001b3ull;
    inorder(t, x->right, w);
}

/* successor via parent pointers, used to cross-check the recursive walk */
static Node *tree_successor(Tree *t, Node *x)
{
    if (x->right != NIL_OF(t))
        return tree_minimum(t, x->right);
    Node *y = x->parent;
    while (y != NIL_OF(t) && x == y->right) {
        x = y;
        y = y->parent;
    }
    return y == NIL_OF(t) ? NULL : y;
}

static void tree_free_rec(Tree *t, Node *x)
{
    if (x == NIL_OF(t))
        return;
    tree_free_rec(t, x->left);
    tree_free_rec(t, x->right);
    free(x);
}

/* ------------------------------------------------------------------------- */
/* Reference: Fenwick tree over the key universe                             */
/* ------------------------------------------------------------------------- */

#define KEY_BITS 15
#define KEYSPACE (1 << KEY_BITS)

typedef struct {
    int bit[KEYSPACE + 1];
    uint8_t present[KEYSPACE];
    uint32_t value[KEYSPACE];
    int count;
} Fenwick;

static void fw_add(Fenwick *f, int idx, int delta)
{
    for (int i = idx + 1; i <= KEYSPACE; i += i & (-i))
        f->bit[i] += delta;
}

static int fw_prefix(const Fenwick *f, int idx) /* count of keys < idx */
{
    int s = 0;
    for (int i = idx; i > 0; i -= i & (-i))
        s += f->bit[i];
    return s;
}

static int fw_select(const Fenwick *f, int k) /* k-th smallest key, 1-based */
{
    int pos = 0;
    for (int step = KEYSPACE; step > 0; step >>= 1) {
        if (pos + step <= KEYSPACE && f->bit[pos + step] < k) {
            pos += step;
            k -= f->bit[pos];
        }
    }
    return pos; /* 0-based key */
}

static uint32_t rng_state = 2463534242u;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

int main(void)
{
    Tree t;
    static Fenwick fw;
    tree_init(&t);
    memset(&fw, 0, sizeof(fw));
    uint64_t checksum = 0xcbf29ce484222325ull;
    int errors = 0;
    long inserts = 0, deletes = 0, queries = 0;

    const int rounds = 8;
    for (int round = 0; round < rounds; round++) {
        int n_ops = 4000;
        int insert_bias = (round < rounds / 2) ? 70 : 35;
        for (int i = 0; i < n_ops; i++) {
            /* keys are centred around zero to exercise negative keys too */
            int raw = (int)(xorshift32() & (KEYSPACE - 1));
            int32_t key = raw - KEYSPACE / 2;
            uint32_t r = xorshift32() % 100;
            if ((int)r < insert_bias) {
                uint32_t v = xorshift32();
                int ins = tree_insert(&t, key, v);
                if (ins != !fw.present[raw])
                    errors++;
                if (!fw.present[raw]) {
                    fw.present[raw] = 1;
                    fw_add(&fw, raw, 1);
                    fw.count++;
                    inserts++;
                }
                fw.value[raw] = v;
            } else if (r < 90) {
                int del = tree_delete(&t, key);
                if (del != fw.present[raw])
                    errors++;
                if (fw.present[raw]) {
                    fw.present[raw] = 0;
                    fw_add(&fw, raw, -1);
                    fw.count--;
                    deletes++;
                }
            } else {
                queries++;
                Node *n = tree_search(&t, key);
                if ((n != NULL) != fw.present[raw] || (n && n->value != fw.value[raw]))
                    errors++;
                if (tree_rank(&t, key) != fw_prefix(&fw, raw))
                    errors++;
                if (fw.count > 0) {
                    int k = 1 + (int)(xorshift32() % (uint32_t)fw.count);
                    Node *s = tree_select(&t, k);
                    if (!s || s->key != fw_select(&fw, k) - KEYSPACE / 2)
                        errors++;
                    else
                        checksum = (checksum ^ (uint32_t)s->key) * 0x100000001b3ull;
                }
            }
        }
        int bh = 0;
        if (!tree_check(&t, fw.count, &bh))
            errors++;
        Walk w = {0, 1, 0, 0xcbf29ce484222325ull};
        inorder(&t, t.root, &w);
        if (!w.ok || w.n != fw.count)
            errors++;
        /* successor walk must visit the same sequence */
        int steps = 0;
        Node *it = t.root == NIL_OF(&t) ? NULL : tree_minimum(&t, t.root);
        int32_t prev = INT32_MIN;
        int succ_ok = 1;
        while (it) {
            if (steps > 0 && it->key <= prev)
                succ_ok = 0;
            prev = it->key;
            steps++;
            it = tree_successor(&t, it);
        }
        if (!succ_ok || steps != fw.count)
            errors++;
        checksum ^= w.hash;
        checksum *= 0x100000001b3ull;
        printf("round %d: size=%5d height=%2d black-height=%2d rotations=%6ld fixups=%6ld inorder=%016llx\n",
               round, t.root->size, tree_height(&t, t.root), bh, t.rotations, t.fixups,
               (unsigned long long)w.hash);
    }

    /* delete every remaining key in descending order, checking periodically */
    int remaining = fw.count;
    for (int raw = KEYSPACE - 1; raw >= 0; raw--) {
        if (!fw.present[raw])
            continue;
        if (!tree_delete(&t, raw - KEYSPACE / 2))
            errors++;
        fw.present[raw] = 0;
        fw_add(&fw, raw, -1);
        fw.count--;
        if ((fw.count & 511) == 0) {
            int bh;
            if (!tree_check(&t, fw.count, &bh))
                errors++;
        }
    }
    if (t.root != NIL_OF(&t))
        errors++;
    printf("drained %d keys; ops: inserts=%ld deletes=%ld queries=%ld\n", remaining, inserts,
           deletes, queries);
    printf("total rotations=%ld fixups=%ld\n", t.rotations, t.fixups);
    printf("errors: %d\n", errors);
    checksum ^= (uint64_t)t.rotations * 2654435761u;
    printf("checksum: 0x%08x\n", (unsigned)(checksum ^ (checksum >> 32)));
    tree_free_rec(&t, t.root);
    return 0;
}
