/* cgym-suite: category=interpreter; small Lisp with s-expression reader, mark-sweep GC, closures, tail calls and list programs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* ------------------------------------------------------------------------- */
/* Cell heap with mark-sweep garbage collection                              */
/* ------------------------------------------------------------------------- */

#define NCELLS 12000
#define MAX_ROOTS 16384
#define MAX_SYMS 256
#define SYM_LEN 24
#define MAX_DEPTH 2500

typedef enum { T_FREE, T_NIL, T_TRUE, T_INT, T_SYM, T_CONS, T_PRIM, T_LAMBDA } CellType;

typedef struct {
    uint8_t type;
    uint8_t mark;
    int car; /* cons: car, lambda: params */
    int cdr; /* cons: cdr, lambda: body, free: next */
    int env; /* lambda: captured environment */
    int64_t num;
} Cell;

static Cell cells[NCELLS];
static int free_list = -1;
static long free_count;
static long gc_runs;
static long gc_collected;
static long allocs;

static int *roots[MAX_ROOTS];
static int nroots;

#define NIL 0
#define TRUE_CELL 1

static char sym_names[MAX_SYMS][SYM_LEN];
static int sym_cells[MAX_SYMS];
static int nsyms;

static int global_env = NIL;

static int lisp_err;
static char lisp_errmsg[96];
static long eval_steps;
static int depth;

static void push_root(int *p)
{
    if (nroots >= MAX_ROOTS) {
        fprintf(stderr, "root stack overflow\n");
        exit(1);
    }
    roots[nroots++] = p;
}

static void set_error(const char *msg, const char *detail)
{
    if (lisp_err)
        return;
    lisp_err = 1;
    if (detail)
        snprintf(lisp_errmsg, sizeof(lisp_errmsg), "%s %s", msg, detail);
    else
        snprintf(lisp_errmsg, sizeof(lisp_errmsg), "%s", msg);
}

static void mark(int c)
{
    while (c > TRUE_CELL && !cells[c].mark) {
        cells[c].mark = 1;
        switch (cells[c].type) {
        case T_CONS:
            mark(cells[c].car);
            c = cells[c].cdr;
            break;
        case T_LAMBDA:
            mark(cells[c].car);
            mark(cells[c].cdr);
            c = cells[c].env;
            break;
        default:
            return;
        }
    }
}

static void gc(void)
{
    gc_runs++;
    for (int i = 0; i < nsyms; i++)
        mark(sym_cells[i]);
    mark(global_env);
    for (int i = 0; i < nroots; i++)
        mark(*roots[i]);
    free_list = -1;
    free_count = 0;
    for (int i = NCELLS - 1; i > TRUE_CELL; i--) {
        if (cells[i].mark) {
            cells[i].mark = 0;
        } else {
            if (cells[i].type != T_FREE)
                gc_collected++;
            cells[i].type = T_FREE;
            cells[i].cdr = free_list;
            free_list = i;
            free_count++;
        }
    }
}

static int alloc_cell(CellType t)
{
    if (free_list < 0)
        gc();
    if (free_list < 0) {
        fprintf(stderr, "heap exhausted\n");
        exit(1);
    }
    int c = free_list;
    free_list = cells[c].cdr;
    free_count--;
    allocs++;
    cells[c].type = (uint8_t)t;
    cells[c].mark = 0;
    cells[c].car = NIL;
    cells[c].cdr = NIL;
    cells[c].env = NIL;
    cells[c].num = 0;
    return c;
}

static void heap_init(void)
{
    memset(cells, 0, sizeof(cells));
    cells[NIL].type = T_NIL;
    cells[TRUE_CELL].type = T_TRUE;
    free_list = -1;
    free_count = 0;
    for (int i = NCELLS - 1; i > TRUE_CELL; i--) {
        cells[i].type = T_FREE;
        cells[i].cdr = free_list;
        free_list = i;
        free_count++;
    }
}

/* cons protects its own arguments while allocating */
static int cons(int a, int b)
{
    push_root(&a);
    push_root(&b);
    int c = alloc_cell(T_CONS);
    nroots -= 2;
    cells[c].car = a;
    cells[c].cdr = b;
    return c;
}

static int make_int(int64_t v)
{
    int c = alloc_cell(T_INT);
    cells[c].num = v;
    return c;
}

static int type_of(int c)
{
    return cells[c].type;
}

static int car(int c)
{
    if (type_of(c) != T_CONS) {
        set_error("car of non-pair", NULL);
        return NIL;
    }
    return cells[c].car;
}

static int cdr(int c)
{
    if (type_of(c) != T_CONS) {
        set_error("cdr of non-pair", NULL);
        return NIL;
    }
    return cells[c].cdr;
}

static int intern(const char *name)
{
    for (int i = 0; i < nsyms; i++)
        if (strcmp(sym_names[i], name) == 0)
            return sym_cells[i];
    if (nsyms >= MAX_SYMS) {
        fprintf(stderr, "symbol table full\n");
        exit(1);
    }
    int c = alloc_cell(T_SYM);
    snprintf(sym_names[nsyms], SYM_LEN, "%s", name);
    cells[c].num = nsyms;
    sym_cells[nsyms++] = c;
    return c;
}

/* ------------------------------------------------------------------------- */
/* Printer                                                                   */
/* ------------------------------------------------------------------------- */

typedef struct {
    char buf[2048];
    size_t len;
} Text;

static void text_reset(Text *t)
{
    t->len = 0;
    t->buf[0] = '\0';
}

static void text_puts(Text *t, const char *s)
{
    while (*s && t->len + 1 < sizeof(t->buf))
        t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

static const char *const prim_names[];

static void print_cell(Text *t, int c)
{
    char tmp[32];
    switch (type_of(c)) {
    case T_NIL:
        text_puts(t, "()");
        break;
    case T_TRUE:
        text_puts(t, "t");
        break;
    case T_INT:
        snprintf(tmp, sizeof(tmp), "%lld", (long long)cells[c].num);
        text_puts(t, tmp);
        break;
    case T_SYM:
        text_puts(t, sym_names[cells[c].num]);
        break;
    case T_PRIM:
        text_puts(t, "#<prim:");
        text_puts(t, prim_names[cells[c].num]);
        text_puts(t, ">");
        break;
    case T_LAMBDA:
        text_puts(t, "#<lambda>");
        break;
    case T_CONS:
        text_puts(t, "(");
        for (;;) {
            print_cell(t, cells[c].car);
            c = cells[c].cdr;
            if (type_of(c) == T_CONS) {
                text_puts(t, " ");
                continue;
            }
            if (c != NIL) {
                text_puts(t, " . ");
                print_cell(t, c);
            }
            break;
        }
        text_puts(t, ")");
        break;
    default:
        text_puts(t, "#<free>");
        break;
    }
}

/* ------------------------------------------------------------------------- */
/* Reader                                                                    */
/* ------------------------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t pos;
    int err;
} Reader;

static int s_quote, s_if, s_define, s_lambda, s_let, s_begin, s_cond, s_else, s_and, s_or,
    s_set;

static void skip_space(Reader *r)
{
    for (;;) {
        char c = r->s[r->pos];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            r->pos++;
        } else if (c == ';') {
            while (r->s[r->pos] && r->s[r->pos] != '\n')
                r->pos++;
        } else {
            return;
        }
    }
}

static int is_delim(char c)
{
    return c == '\0' || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '(' ||
           c == ')' || c == '\'' || c == ';';
}

static int read_form(Reader *r);

static int read_list(Reader *r)
{
    int head = NIL, tail = NIL;
    int base = nroots;
    push_root(&head);
    push_root(&tail);
    for (;;) {
        skip_space(r);
        char c = r->s[r->pos];
        if (c == '\0') {
            r->err = 1;
            break;
        }
        if (c == ')') {
            r->pos++;
            break;
        }
        if (c == '.' && is_delim(r->s[r->pos + 1]) && head != NIL) {
            r->pos++;
            int rest = read_form(r);
            cells[tail].cdr = rest;
            skip_space(r);
            if (r->s[r->pos] != ')')
                r->err = 1;
            else
                r->pos++;
            break;
        }
        int item = read_form(r);
        if (r->err)
            break;
        int cell = cons(item, NIL);
        if (head == NIL)
            head = cell;
        else
            cells[tail].cdr = cell;
        tail = cell;
    }
    nroots = base;
    return head;
}

static int parse_int(const char *tok, int64_t *out)
{
    const char *p = tok;
    int neg = 0;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (!*p)
        return 0;
    int64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        if (v > (INT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

static int read_form(Reader *r)
{
    skip_space(r);
    char c = r->s[r->pos];
    if (c == '\0' || c == ')') {
        r->err = 1;
        return NIL;
    }
    if (c == '(') {
        r->pos++;
        return read_list(r);
    }
    if (c == '\'') {
        r->pos++;
        int q = read_form(r);
        return cons(s_quote, cons(q, NIL));
    }
    char tok[SYM_LEN];
    size_t n = 0;
    while (!is_delim(r->s[r->pos])) {
        if (n < SYM_LEN - 1)
            tok[n++] = r->s[r->pos];
        r->pos++;
    }
    tok[n] = '\0';
    int64_t v;
    if (parse_int(tok, &v))
        return make_int(v);
    if (strcmp(tok, "#t") == 0 || strcmp(tok, "t") == 0)
        return TRUE_CELL;
    if (strcmp(tok, "#f") == 0 || strcmp(tok, "nil") == 0)
        return NIL;
    return intern(tok);
}

/* ------------------------------------------------------------------------- */
/* Environment                                                               */
/* ------------------------------------------------------------------------- */

/* env = (frame . parent), frame = ((sym . value) ...) */
static int lookup(int sym, int env)
{
    for (int e = env; e != NIL; e = cells[e].cdr) {
        for (int f = cells[e].car; f != NIL; f = cells[f].cdr) {
            int pair = cells[f].car;
            if (cells[pair].car == sym)
                return pair;
        }
    }
    return NIL;
}

static void define_in(int env, int sym, int val)
{
    int pair = NIL;
    push_root(&env);
    push_root(&val);
    push_root(&pair);
    /* redefinition replaces the binding in the same frame */
    for (int f = cells[env].car; f != NIL; f = cells[f].cdr) {
        if (cells[cells[f].car].car == sym) {
            cells[cells[f].car].cdr = val;
            nroots -= 3;
            return;
        }
    }
    pair = cons(sym, val);
    int frame = cons(pair, cells[env].car);
    cells[env].car = frame;
    nroots -= 3;
}

/* ------------------------------------------------------------------------- */
/* Primitives                                                                */
/* ------------------------------------------------------------------------- */

enum {
    P_ADD,
    P_SUB,
    P_MUL,
    P_DIV,
    P_MOD,
    P_LT,
    P_GT,
    P_LE,
    P_GE,
    P_NUMEQ,
    P_CAR,
    P_CDR,
    P_CONS,
    P_LIST,
    P_NULLP,
    P_PAIRP,
    P_NUMBERP,
    P_EQP,
    P_NOT,
    P_DISPLAY,
    P_COUNT
};

static const char *const prim_names[P_COUNT] = {
    "+", "-", "*", "/", "mod", "<", ">", "<=", ">=", "=", "car", "cdr", "cons", "list",
    "null?", "pair?", "number?", "eq?", "not", "display"};

static Text display_out;

static int64_t wrap_add(int64_t a, int64_t b)
{
    uint64_t r = (uint64_t)a + (uint64_t)b;
    return r >= 0x8000000000000000ull ? (int64_t)(r - 0x8000000000000000ull) - INT64_MAX - 1
                                      : (int64_t)r;
}

static int64_t wrap_mul(int64_t a, int64_t b)
{
    uint64_t r = (uint64_t)a * (uint64_t)b;
    return r >= 0x8000000000000000ull ? (int64_t)(r - 0x8000000000000000ull) - INT64_MAX - 1
                                      : (int64_t)r;
}

static int64_t wrap_neg(int64_t a)
{
    return wrap_mul(a, -1);
}

static int arg_int(int args, int idx, int64_t *out)
{
    int a = args;
    for (int i = 0; i < idx && a != NIL; i++)
        a = cells[a].cdr;
    if (a == NIL || type_of(cells[a].car) != T_INT) {
        set_error("expected number argument", NULL);
        return 0;
    }
    *out = cells[cells[a].car].num;
    return 1;
}

static int list_length(int l)
{
    int n = 0;
    while (type_of(l) == T_CONS) {
        n++;
        l = cells[l].cdr;
    }
    return n;
}

static int bool_cell(int b)
{
    return b ? TRUE_CELL : NIL;
}

static int apply_prim(int id, int args)
{
    int nargs = list_length(args);
    int64_t a = 0, b = 0, acc;
    switch (id) {
    case P_ADD:
    case P_MUL:
        acc = id == P_ADD ? 0 : 1;
        for (int p = args; p != NIL; p = cells[p].cdr) {
            if (type_of(cells[p].car) != T_INT) {
                set_error("expected number argument", NULL);
                return NIL;
            }
            acc = id == P_ADD ? wrap_add(acc, cells[cells[p].car].num)
                              : wrap_mul(acc, cells[cells[p].car].num);
        }
        return make_int(acc);
    case P_SUB:
        if (!arg_int(args, 0, &acc))
            return NIL;
        if (nargs == 1)
            return make_int(wrap_neg(acc));
        for (int p = cells[args].cdr; p != NIL; p = cells[p].cdr) {
            if (type_of(cells[p].car) != T_INT) {
                set_error("expected number argument", NULL);
                return NIL;
            }
            acc = wrap_add(acc, wrap_neg(cells[cells[p].car].num));
        }
        return make_int(acc);
    case P_DIV:
    case P_MOD:
        if (nargs != 2 || !arg_int(args, 0, &a) || !arg_int(args, 1, &b)) {
            set_error("bad arguments to", prim_names[id]);
            return NIL;
        }
        if (b == 0) {
            set_error("division by zero", NULL);
            return NIL;
        }
        if (b == -1)
            return make_int(id == P_DIV ? wrap_neg(a) : 0);
        if (id == P_DIV)
            return make_int(a / b);
        /* Scheme-style modulo: result has the sign of the divisor */
        acc = a % b;
        if (acc != 0 && ((acc < 0) != (b < 0)))
            acc += b;
        return make_int(acc);
    case P_LT:
    case P_GT:
    case P_LE:
    case P_GE:
    case P_NUMEQ:
        if (nargs != 2 || !arg_int(args, 0, &a) || !arg_int(args, 1, &b)) {
            set_error("bad arguments to", prim_names[id]);
            return NIL;
        }
        switch (id) {
        case P_LT:
            return bool_cell(a < b);
        case P_GT:
            return bool_cell(a > b);
        case P_LE:
            return bool_cell(a <= b);
        case P_GE:
            return bool_cell(a >= b);
        default:
            return bool_cell(a == b);
        }
    case P_CAR:
        if (nargs != 1)
            break;
        return car(cells[args].car);
    case P_CDR:
        if (nargs != 1)
            break;
        return cdr(cells[args].car);
    case P_CONS:
        if (nargs != 2)
            break;
        return cons(cells[args].car, cells[cells[args].cdr].car);
    case P_LIST:
        return args;
    case P_NULLP:
        if (nargs != 1)
            break;
        return bool_cell(cells[args].car == NIL);
    case P_PAIRP:
        if (nargs != 1)
            break;
        return bool_cell(type_of(cells[args].car) == T_CONS);
    case P_NUMBERP:
        if (nargs != 1)
            break;
        return bool_cell(type_of(cells[args].car) == T_INT);
    case P_EQP: {
        if (nargs != 2)
            break;
        int x = cells[args].car, y = cells[cells[args].cdr].car;
        if (type_of(x) == T_INT && type_of(y) == T_INT)
            return bool_cell(cells[x].num == cells[y].num);
        return bool_cell(x == y);
    }
    case P_NOT:
        if (nargs != 1)
            break;
        return bool_cell(cells[args].car == NIL);
    case P_DISPLAY:
        for (int p = args; p != NIL; p = cells[p].cdr)
            print_cell(&display_out, cells[p].car);
        return NIL;
    default:
        break;
    }
    set_error("wrong number of arguments to", prim_names[id]);
    return NIL;
}

/* ------------------------------------------------------------------------- */
/* Evaluator with proper tail calls                                          */
/* ------------------------------------------------------------------------- */

static int make_lambda(int params, int body, int env)
{
    push_root(&params);
    push_root(&body);
    push_root(&env);
    int c = alloc_cell(T_LAMBDA);
    nroots -= 3;
    cells[c].car = params;
    cells[c].cdr = body;
    cells[c].env = env;
    return c;
}

static int bind_params(int params, int args)
{
    int frame = NIL;
    push_root(&params);
    push_root(&args);
    push_root(&frame);
    while (type_of(params) == T_CONS) {
        if (args == NIL) {
            set_error("too few arguments", NULL);
            break;
        }
        frame = cons(cons(cells[params].car, cells[args].car), frame);
        params = cells[params].cdr;
        args = cells[args].cdr;
    }
    if (!lisp_err) {
        if (type_of(params) == T_SYM)
            frame = cons(cons(params, args), frame); /* rest parameter */
        else if (args != NIL)
            set_error("too many arguments", NULL);
    }
    nroots -= 3;
    return frame;
}

static int eval(int x, int env);

/* evaluates all but the last expression of body; returns the last one */
static int eval_body_prefix(int body, int env)
{
    push_root(&body);
    push_root(&env);
    while (!lisp_err && type_of(body) == T_CONS && cells[body].cdr != NIL) {
        eval(cells[body].car, env);
        body = cells[body].cdr;
    }
    nroots -= 2;
    if (type_of(body) != T_CONS)
        return NIL;
    return cells[body].car;
}

static int eval(int x, int env)
{
    int base = nroots;
    int result = NIL, f = NIL, args = NIL, tail = NIL, v = NIL;
    push_root(&x);
    push_root(&env);
    push_root(&f);
    push_root(&args);
    push_root(&tail);
    push_root(&v);
    if (++depth > MAX_DEPTH) {
        set_error("recursion too deep", NULL);
        goto done;
    }
    for (;;) {
        if (lisp_err)
            goto done;
        eval_steps++;
        switch (type_of(x)) {
        case T_NIL:
        case T_TRUE:
        case T_INT:
        case T_PRIM:
        case T_LAMBDA:
            result = x;
            goto done;
        case T_SYM: {
            int b = lookup(x, env);
            if (b == NIL) {
                set_error("unbound symbol", sym_names[cells[x].num]);
                goto done;
            }
            result = cells[b].cdr;
            goto done;
        }
        case T_CONS:
            break;
        default:
            set_error("cannot evaluate", NULL);
            goto done;
        }
        int head = cells[x].car;
        int rest = cells[x].cdr;
        if (head == s_quote) {
            result = car(rest);
            goto done;
        }
        if (head == s_if) {
            v = eval(car(rest), env);
            if (lisp_err)
                goto done;
            int branches = cdr(rest);
            if (v != NIL) {
                x = car(branches);
            } else {
                int alt = cdr(branches);
                if (alt == NIL) {
                    result = NIL;
                    goto done;
                }
                x = car(alt);
            }
            continue;
        }
        if (head == s_define) {
            int target = car(rest);
            if (type_of(target) == T_CONS) {
                /* (define (name . params) body...) */
                v = make_lambda(cells[target].cdr, cdr(rest), env);
                define_in(env, cells[target].car, v);
                result = cells[target].car;
            } else {
                v = eval(car(cdr(rest)), env);
                if (lisp_err)
                    goto done;
                define_in(env, target, v);
                result = target;
            }
            goto done;
        }
        if (head == s_lambda) {
            result = make_lambda(car(rest), cdr(rest), env);
            goto done;
        }
        if (head == s_set) {
            int b = lookup(car(rest), env);
            if (b == NIL) {
                set_error("set! of unbound symbol", NULL);
                goto done;
            }
            tail = b;
            v = eval(car(cdr(rest)), env);
            if (lisp_err)
                goto done;
            cells[tail].cdr = v;
            result = v;
            goto done;
        }
        if (head == s_begin) {
            x = eval_body_prefix(rest, env);
            continue;
        }
        if (head == s_let) {
            /* evaluate inits in the outer env, then body in the new frame */
            args = NIL;
            for (int b = car(rest); b != NIL && !lisp_err; b = cdr(b)) {
                int binding = car(b);
                v = eval(car(cdr(binding)), env);
                if (lisp_err)
                    goto done;
                args = cons(cons(car(binding), v), args);
            }
            env = cons(args, env);
            x = eval_body_prefix(cdr(rest), env);
            continue;
        }
        if (head == s_cond) {
            int clause = NIL;
            int matched = 0;
            for (int cl = rest; cl != NIL && !lisp_err; cl = cdr(cl)) {
                clause = car(cl);
                if (car(clause) == s_else) {
                    matched = 1;
                    break;
                }
                v = eval(car(clause), env);
                if (lisp_err)
                    goto done;
                if (v != NIL) {
                    matched = 1;
                    break;
                }
            }
            if (!matched) {
                result = NIL;
                goto done;
            }
            if (cdr(clause) == NIL) {
                result = v;
                goto done;
            }
            x = eval_body_prefix(cdr(clause), env);
            continue;
        }
        if (head == s_and || head == s_or) {
            int is_and = head == s_and;
            if (rest == NIL) {
                result = is_and ? TRUE_CELL : NIL;
                goto done;
            }
            int p = rest;
            while (cdr(p) != NIL && !lisp_err) {
                v = eval(car(p), env);
                if (lisp_err)
                    goto done;
                if (is_and ? v == NIL : v != NIL) {
                    result = v;
                    goto done;
                }
                p = cdr(p);
            }
            x = car(p);
            continue;
        }
        /* application */
        f = eval(head, env);
        if (lisp_err)
            goto done;
        args = NIL;
        tail = NIL;
        for (int p = rest; p != NIL; p = cdr(p)) {
            v = eval(car(p), env);
            if (lisp_err)
                goto done;
            int c = cons(v, NIL);
            if (args == NIL)
                args = c;
            else
                cells[tail].cdr = c;
            tail = c;
        }
        if (type_of(f) == T_PRIM) {
            result = apply_prim((int)cells[f].num, args);
            goto done;
        }
        if (type_of(f) != T_LAMBDA) {
            set_error("not a function", NULL);
            goto done;
        }
        v = bind_params(cells[f].car, args);
        if (lisp_err)
            goto done;
        env = cons(v, cells[f].env);
        x = eval_body_prefix(cells[f].cdr, env);
    }
done:
    depth--;
    nroots = base;
    return result;
}

/* ------------------------------------------------------------------------- */
/* Setup and test programs                                                   */
/* ------------------------------------------------------------------------- */

static void lisp_init(void)
{
    heap_init();
    nsyms = 0;
    nroots = 0;
    s_quote = intern("quote");
    s_if = intern("if");
    s_define = intern("define");
    s_lambda = intern("lambda");
    s_let = intern("let");
    s_begin = intern("begin");
    s_cond = intern("cond");
    s_else = intern("else");
    s_and = intern("and");
    s_or = intern("or");
    s_set = intern("set!");
    global_env = cons(NIL, NIL);
    for (int i = 0; i < P_COUNT; i++) {
        int sym = intern(prim_names[i]); /* symbols are permanent roots */
        int p = alloc_cell(T_PRIM);
        cells[p].num = i;
        define_in(global_env, sym, p);
    }
}

typedef struct {
    const char *src;
    const char *expect; /* NULL: computed at runtime */
} LispTest;

static const char prelude[] =
    "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n"
    "(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))\n"
    "(define (range a b) (if (>= a b) '() (cons a (range (+ a 1) b))))\n"
    "(define (map f l) (if (null? l) '() (cons (f (car l)) (map f (cdr l)))))\n"
    "(define (filter p l)\n"
    "  (cond ((null? l) '())\n"
    "        ((p (car l)) (cons (car l) (filter p (cdr l))))\n"
    "        (else (filter p (cdr l)))))\n"
    "(define (foldl f acc l) (if (null? l) acc (foldl f (f acc (car l)) (cdr l))))\n"
    "(define (reverse l) (foldl (lambda (acc x) (cons x acc)) '() l))\n"
    "(define (length l) (foldl (lambda (n x) (+ n 1)) 0 l))\n"
    "(define (append a b) (if (null? a) b (cons (car a) (append (cdr a) b))))\n"
    "(define (sum l) (foldl + 0 l))\n"
    "(define (insert x l)\n"
    "  (if (null? l) (list x)\n"
    "      (if (<= x (car l)) (cons x l) (cons (car l) (insert x (cdr l))))))\n"
    "(define (isort l) (foldl (lambda (acc x) (insert x acc)) '() l))\n"
    "(define (qsort l)\n"
    "  (if (null? l) '()\n"
    "      (let ((p (car l)) (rest (cdr l)))\n"
    "        (append (qsort (filter (lambda (x) (< x p)) rest))\n"
    "                (cons p (qsort (filter (lambda (x) (>= x p)) rest)))))))\n"
    "(define (equal? a b)\n"
    "  (cond ((and (pair? a) (pair? b)) (and (equal? (car a) (car b)) (equal? (cdr a) (cdr b))))\n"
    "        (else (eq? a b))))\n"
    "(define (take l n) (if (or (= n 0) (null? l)) '() (cons (car l) (take (cdr l) (- n 1)))))\n"
    "(define (divides-any? n d)\n"
    "  (cond ((> (* d d) n) #f) ((= (mod n d) 0) t) (else (divides-any? n (+ d 1)))))\n"
    "(define (prime? n) (and (> n 1) (not (divides-any? n 2))))\n"
    "(define (make-counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))\n"
    "(define (compose f g) (lambda (x) (f (g x))))\n"
    "(define seed 42)\n"
    "(define (next-rand) (set! seed (mod (+ (* seed 1103515245) 12345) 2147483648)) seed)\n"
    "(define (rand-list n) (if (= n 0) '() (cons (mod (next-rand) 1000) (rand-list (- n 1)))))\n";

static const LispTest tests[] = {
    {"(fib 15)", "610"},
    {"(fact 20)", "2432902008176640000"},
    {"(range 0 10)", "(0 1 2 3 4 5 6 7 8 9)"},
    {"(map (lambda (x) (* x x)) (range 1 8))", "(1 4 9 16 25 36 49)"},
    {"(sum (map (lambda (x) (* x x)) (range 0 100)))", "328350"},
    {"(reverse (range 0 5))", "(4 3 2 1 0)"},
    {"(filter prime? (range 2 60))", "(2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59)"},
    {"(length (filter prime? (range 2 700)))", "125"},
    {"(define c (make-counter)) (c) (c) (c)", "3"},
    {"(define data (rand-list 80)) (equal? (qsort data) (isort data))", "t"},
    {"(take (qsort data) 8)", NULL},
    {"(define (ack m n) (cond ((= m 0) (+ n 1)) ((= n 0) (ack (- m 1) 1))"
     " (else (ack (- m 1) (ack m (- n 1)))))) (ack 2 3)",
     "9"},
    {"(define (hanoi n from to via) (if (= n 0) 0 (+ (hanoi (- n 1) from via to) 1"
     " (hanoi (- n 1) via to from)))) (hanoi 9 1 3 2)",
     "511"},
    {"(define (count-down n acc) (if (= n 0) acc (count-down (- n 1) (+ acc 1))))"
     " (count-down 3000 0)",
     "3000"},
    {"(let ((a 3) (b 4)) (+ (* a a) (* b b)))", "25"},
    {"(begin (define z 10) (set! z (+ z 5)) z)", "15"},
    {"(cons 1 2)", "(1 . 2)"},
    {"'(a b (c d) . e)", "(a b (c d) . e)"},
    {"(car '((1 2) 3))", "(1 2)"},
    {"((lambda args (length args)) 1 2 3 4)", "4"},
    {"((compose (lambda (x) (* x 2)) (lambda (x) (+ x 3))) 5)", "16"},
    {"(define (fib-iter n a b) (if (= n 0) a (fib-iter (- n 1) b (+ a b)))) (fib-iter 90 0 1)",
     "2880067194370816120"},
    {"(list (mod -7 3) (mod 7 -3) (/ -7 2) (- 5) (- 10 1 2 3))", "(2 -2 -3 -5 4)"},
    {"(begin (display 42) (display '(1 2)) 'done)", "done"},
    {"(and 1 2 3)", "3"},
    {"(or #f (> 1 2) 7)", "7"},
    {"(cond ((> 1 2) 'no) ((< 1 2)))", "t"},
    {"(undefined-fn 3)", "error: unbound symbol undefined-fn"},
    {"(car 5)", "error: car of non-pair"},
    {"(/ 1 0)", "error: division by zero"},
    {"((lambda (a b) a) 1)", "error: too few arguments"},
    {"(fib 16)", "987"},
};

static uint32_t fnv(uint32_t h, const char *s)
{
    while (*s) {
        h ^= (uint8_t)*s++;
        h *= 16777619u;
    }
    return h;
}

/* Evaluates every form in src; leaves the printed result of the last one in out. */
static void run_source(const char *src, Text *out)
{
    Reader r;
    r.s = src;
    r.pos = 0;
    r.err = 0;
    text_reset(out);
    for (;;) {
        skip_space(&r);
        if (r.s[r.pos] == '\0')
            break;
        lisp_err = 0;
        depth = 0;
        nroots = 0;
        int form = read_form(&r);
        if (r.err) {
            text_reset(out);
            text_puts(out, "error: read error");
            break;
        }
        push_root(&form);
        int val = eval(form, global_env);
        nroots = 0;
        text_reset(out);
        if (lisp_err) {
            text_puts(out, "error: ");
            text_puts(out, lisp_errmsg);
        } else {
            print_cell(out, val);
        }
    }
    lisp_err = 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Computes the expected output of the sorted random-list test in C. */
static void expected_sorted_prefix(char *buf, size_t cap)
{
    int64_t seed = 42;
    int64_t v[80];
    for (int i = 0; i < 80; i++) {
        seed = (int64_t)(((uint64_t)seed * 1103515245u + 12345u) % 2147483648u);
        v[i] = seed % 1000;
    }
    qsort(v, 80, sizeof(v[0]), cmp_i64);
    size_t len = 0;
    len += (size_t)snprintf(buf + len, cap - len, "(");
    for (int i = 0; i < 8; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? " %lld" : "%lld", (long long)v[i]);
    snprintf(buf + len, cap - len, ")");
}

int main(void)
{
    static Text out;
    char expect_buf[128];
    uint32_t h = 2166136261u;
    int failures = 0;

    lisp_init();
    text_reset(&display_out);
    run_source(prelude, &out);
    printf("prelude loaded: %s, symbols=%d\n", out.buf, nsyms);

    size_t ntests = sizeof(tests) / sizeof(tests[0]);
    for (size_t i = 0; i < ntests; i++) {
        run_source(tests[i].src, &out);
        const char *expect = tests[i].expect;
        if (!expect) {
            expected_sorted_prefix(expect_buf, sizeof(expect_buf));
            expect = expect_buf;
        }
        int ok = strcmp(out.buf, expect) == 0;
        if (!ok)
            failures++;
        printf("%-4s %.60s%s => %s\n", ok ? "ok" : "FAIL", tests[i].src,
               strlen(tests[i].src) > 60 ? "..." : "", out.buf);
        h = fnv(h, out.buf);
    }
    if (strcmp(display_out.buf, "42(1 2)") != 0)
        failures++;
    printf("display output: %s\n", display_out.buf);
    /* final collection: only the global environment and symbols stay alive */
    nroots = 0;
    gc();
    printf("eval steps: %ld, allocations: %ld, gc runs: %ld, collected: %ld, live after gc: %ld\n",
           eval_steps, allocs, gc_runs, gc_collected, (long)(NCELLS - 2) - free_count);
    h ^= (uint32_t)eval_steps;
    h *= 16777619u;
    h ^= (uint32_t)allocs;
    h *= 16777619u;
    h ^= (uint32_t)gc_runs;
    h *= 16777619u;
    printf("failures: %d\n", failures);
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
