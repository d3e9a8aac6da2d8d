/*
 * upskit.server._fastpath: the NUT server's connections served from a native thread.
 *
 * The thread owns the client sockets handed to it (Linux epoll, non-blocking) and
 * answers every request line whose reply the Python side has shared, byte for byte,
 * from a table keyed by the request line.  Any other line (and an over-long one) is
 * posted to Python, which answers it with respond(); the connection reads nothing
 * more until then, so replies always leave in request order.  The thread never
 * touches a Python object: it shares only C state with the Python thread, under one
 * mutex, and wakes the event loop through an eventfd.
 *
 * Every buffer is bounded as in the Python session: a connection reads READ_SIZE
 * bytes at a time, holds at most one read of unanswered input while Python works,
 * and stops answering and reading while HIGH_WATER bytes of its replies are unsent
 * (until they drain below LOW_WATER).  The table holds at most CACHE_MAX_ENTRIES
 * replies and CACHE_MAX_BYTES bytes; beyond either it is emptied.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE 4096
#define BATCH 8192
#define HIGH_WATER (32 * 1024)
#define LOW_WATER (8 * 1024)
#define MAX_EVENTS 256
#define CACHE_BUCKETS 4096
#define CACHE_MAX_ENTRIES 4096
#define CACHE_MAX_BYTES (4 * 1024 * 1024)
#define FD_BITS 24
#define FD_MASK ((1u << FD_BITS) - 1)
#define WAKE_ID UINT64_MAX

enum {
    C_WAITING = 1,     /* a line is with Python: read and answer nothing more */
    C_EOF = 2,         /* the client will send no more */
    C_DISCARD = 4,     /* dropping the rest of an over-long line */
    C_CLOSING = 8,     /* close once the unsent replies are out */
    C_PAUSED = 16,     /* too many unsent replies: wait for them to drain */
};

enum { MSG_LINE = 0, MSG_OVERLONG = 1, MSG_CLOSED = 2 };

typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

typedef struct {
    int fd;
    unsigned flags;
    uint32_t events;
    uint64_t id;
    double last_active;
    double paused_since;
    buf_t in;
    buf_t out;
} conn_t;

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    long long tag;
    double deadline;
    size_t klen, rlen;
    char data[]; /* key, then reply */
} entry_t;

typedef struct {
    uint64_t id;
    int kind;
    size_t len;
    char data[];
} msg_t;

typedef struct {
    PyObject_HEAD
    pthread_mutex_t lock;
    pthread_t thread;
    int inited;
    int started;
    int stopping;
    int ep;
    int wake_fd;
    int notify_fd;
    size_t max_line;
    conn_t **conns;
    size_t conns_cap;
    size_t count;
    uint64_t serial;
    entry_t *buckets[CACHE_BUCKETS];
    size_t entries;
    size_t cache_bytes;
    msg_t **queue;
    size_t qlen, qcap;
    int notified;
    buf_t batch;
    char rbuf[READ_SIZE];
    unsigned long long hits, posted;
} FastPath;

/* ------------------------------------------------------------------ helpers */

static double monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int buf_reserve(buf_t *b, size_t extra) {
    size_t need = b->len + extra;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (data == NULL)
        return -1;
    b->data = data;
    b->cap = cap;
    return 0;
}

static int buf_append(buf_t *b, const char *data, size_t len) {
    if (len == 0)
        return 0;
    if (buf_reserve(b, len) < 0)
        return -1;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static void buf_consume(buf_t *b, size_t len) {
    if (len >= b->len) {
        b->len = 0;
    } else {
        memmove(b->data, b->data + len, b->len - len);
        b->len -= len;
    }
}

static void buf_free(buf_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* An idle connection keeps no buffer memory: 5,000 of them cost only their conn_t. */
static void buf_shrink(buf_t *b) {
    if (b->len == 0 && b->cap > 0)
        buf_free(b);
}

static uint64_t fnv1a(const char *data, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* -------------------------------------------------------------- reply table */

static entry_t *cache_find(FastPath *fp, const char *key, size_t klen, uint64_t hash) {
    for (entry_t *e = fp->buckets[hash % CACHE_BUCKETS]; e != NULL; e = e->next) {
        if (e->hash == hash && e->klen == klen && memcmp(e->data, key, klen) == 0)
            return e;
    }
    return NULL;
}

static void cache_clear(FastPath *fp) {
    for (size_t i = 0; i < CACHE_BUCKETS; i++) {
        entry_t *e = fp->buckets[i];
        while (e != NULL) {
            entry_t *next = e->next;
            free(e);
            e = next;
        }
        fp->buckets[i] = NULL;
    }
    fp->entries = 0;
    fp->cache_bytes = 0;
}

static size_t cache_drop(FastPath *fp, long long tag) {
    size_t dropped = 0;
    for (size_t i = 0; i < CACHE_BUCKETS; i++) {
        entry_t **link = &fp->buckets[i];
        while (*link != NULL) {
            entry_t *e = *link;
            if (e->tag == tag) {
                *link = e->next;
                fp->entries--;
                fp->cache_bytes -= e->klen + e->rlen;
                free(e);
                dropped++;
            } else {
                link = &e->next;
            }
        }
    }
    return dropped;
}

static int cache_put(FastPath *fp, const char *key, size_t klen, const char *reply,
                     size_t rlen, long long tag, double deadline) {
    uint64_t hash = fnv1a(key, klen);
    entry_t **link = &fp->buckets[hash % CACHE_BUCKETS];
    for (; *link != NULL; link = &(*link)->next) {
        entry_t *e = *link;
        if (e->hash == hash && e->klen == klen && memcmp(e->data, key, klen) == 0) {
            *link = e->next;
            fp->entries--;
            fp->cache_bytes -= e->klen + e->rlen;
            free(e);
            break;
        }
    }
    if (fp->entries >= CACHE_MAX_ENTRIES || fp->cache_bytes + klen + rlen > CACHE_MAX_BYTES)
        cache_clear(fp);
    if (klen + rlen > CACHE_MAX_BYTES)
        return 0;
    entry_t *e = malloc(sizeof(entry_t) + klen + rlen);
    if (e == NULL)
        return -1;
    e->hash = hash;
    e->tag = tag;
    e->deadline = deadline;
    e->klen = klen;
    e->rlen = rlen;
    memcpy(e->data, key, klen);
    memcpy(e->data + klen, reply, rlen);
    e->next = fp->buckets[hash % CACHE_BUCKETS];
    fp->buckets[hash % CACHE_BUCKETS] = e;
    fp->entries++;
    fp->cache_bytes += klen + rlen;
    return 0;
}

/* ------------------------------------------------------------ Python queue */

static void post(FastPath *fp, uint64_t id, int kind, const char *data, size_t len) {
    if (fp->qlen == fp->qcap) {
        size_t cap = fp->qcap ? fp->qcap * 2 : 64;
        msg_t **queue = realloc(fp->queue, cap * sizeof(msg_t *));
        if (queue == NULL)
            return; /* out of memory: the line stays unanswered until the client gives up */
        fp->queue = queue;
        fp->qcap = cap;
    }
    msg_t *m = malloc(sizeof(msg_t) + len);
    if (m == NULL)
        return;
    m->id = id;
    m->kind = kind;
    m->len = len;
    if (len)
        memcpy(m->data, data, len);
    fp->queue[fp->qlen++] = m;
    if (!fp->notified) {
        uint64_t one = 1;
        ssize_t ignored = write(fp->notify_fd, &one, sizeof(one));
        (void)ignored;
        fp->notified = 1;
    }
}

/* ------------------------------------------------------------ connections */

static conn_t *conn_get(FastPath *fp, uint64_t id) {
    size_t fd = (size_t)(id & FD_MASK);
    if (fd >= fp->conns_cap)
        return NULL;
    conn_t *c = fp->conns[fd];
    return (c != NULL && c->id == id) ? c : NULL;
}

static void conn_close(FastPath *fp, conn_t *c) {
    fp->conns[c->fd] = NULL;
    fp->count--;
    close(c->fd);
    post(fp, c->id, MSG_CLOSED, NULL, 0);
    buf_free(&c->in);
    buf_free(&c->out);
    free(c);
}

static void conn_events(FastPath *fp, conn_t *c) {
    uint32_t want = 0;
    if (!(c->flags & (C_WAITING | C_EOF | C_PAUSED | C_CLOSING)))
        want |= EPOLLIN;
    if (c->out.len)
        want |= EPOLLOUT;
    if (want == c->events)
        return;
    struct epoll_event ev;
    ev.events = want;
    ev.data.u64 = c->id;
    if (epoll_ctl(fp->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->events = want;
}

/* Send what the connection owes: its unsent replies, then the batch.  -1: it broke. */
static int conn_send(FastPath *fp, conn_t *c, double now) {
    buf_t *batch = &fp->batch;
    if (c->out.len == 0 && batch->len) {
        ssize_t n = send(c->fd, batch->data, batch->len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                batch->len = 0;
                return -1;
            }
            n = 0;
        }
        if ((size_t)n < batch->len && buf_append(&c->out, batch->data + n, batch->len - n) < 0) {
            batch->len = 0;
            return -1;
        }
        batch->len = 0;
    } else if (batch->len) {
        int failed = buf_append(&c->out, batch->data, batch->len);
        batch->len = 0;
        if (failed < 0)
            return -1;
    }
    if (c->out.len >= HIGH_WATER && !(c->flags & C_PAUSED)) {
        c->flags |= C_PAUSED;
        c->paused_since = now;
    }
    return 0;
}

static int conn_drain(FastPath *fp, conn_t *c, double now) {
    while (c->out.len) {
        ssize_t n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        buf_consume(&c->out, (size_t)n);
    }
    buf_shrink(&c->out);
    if ((c->flags & C_PAUSED) && c->out.len < LOW_WATER) {
        c->flags &= ~C_PAUSED;
        c->paused_since = 0;
    }
    (void)now;
    return 0;
}

/* Answer the complete lines of data[0:len] that the table knows, in order, into the
 * batch; stop at the first one that needs Python (posted) or when replies pile up.
 * Returns the bytes consumed. */
static size_t serve(FastPath *fp, conn_t *c, const char *data, size_t len, double now) {
    size_t pos = 0;
    buf_t *batch = &fp->batch;
    while (pos < len) {
        if (c->flags & (C_WAITING | C_CLOSING))
            break;
        if (c->out.len + batch->len >= HIGH_WATER)
            break;
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        if (nl == NULL) {
            size_t rest = len - pos;
            if (c->flags & C_DISCARD) {
                pos = len;
            } else if (rest > fp->max_line) {
                c->flags |= C_DISCARD | C_WAITING;
                fp->posted++;
                post(fp, c->id, MSG_OVERLONG, NULL, 0);
                pos = len;
            }
            break;
        }
        size_t n = (size_t)(nl - line);
        pos += n + 1;
        c->last_active = now;
        if (c->flags & C_DISCARD) {
            c->flags &= ~C_DISCARD;
            continue;
        }
        if (n > fp->max_line) {
            c->flags |= C_WAITING;
            fp->posted++;
            post(fp, c->id, MSG_OVERLONG, NULL, 0);
            break;
        }
        uint64_t hash = fnv1a(line, n);
        entry_t *e = cache_find(fp, line, n, hash);
        if (e != NULL && e->deadline > now) {
            fp->hits++;
            if (buf_append(batch, e->data + e->klen, e->rlen) < 0)
                break;
            if (batch->len >= BATCH && conn_send(fp, c, now) < 0)
                break;
            continue;
        }
        c->flags |= C_WAITING;
        fp->posted++;
        post(fp, c->id, MSG_LINE, line, n);
        break;
    }
    return pos;
}

/* Answer what the connection holds, send, and close or re-arm it.  Frees c when it closes. */
static void conn_run(FastPath *fp, conn_t *c, double now) {
    for (;;) {
        size_t used = c->in.len ? serve(fp, c, c->in.data, c->in.len, now) : 0;
        buf_consume(&c->in, used);
        if (conn_send(fp, c, now) < 0) {
            conn_close(fp, c);
            return;
        }
        if (used == 0 || c->out.len || (c->flags & (C_WAITING | C_CLOSING | C_PAUSED)))
            break;
    }
    if ((c->flags & C_EOF) && !(c->flags & C_WAITING) && c->in.len
            && memchr(c->in.data, '\n', c->in.len) == NULL)
        c->in.len = 0; /* an unfinished last line gets no reply */
    int done = (c->flags & C_CLOSING)
        || ((c->flags & C_EOF) && !(c->flags & C_WAITING) && c->in.len == 0);
    if (done) {
        c->flags |= C_CLOSING;
        c->in.len = 0;
        if (c->out.len == 0) {
            conn_close(fp, c);
            return;
        }
    }
    buf_shrink(&c->in);
    conn_events(fp, c);
}

static void conn_readable(FastPath *fp, conn_t *c, double now) {
    ssize_t n = recv(c->fd, fp->rbuf, READ_SIZE, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        conn_close(fp, c);
        return;
    }
    if (n == 0) {
        c->flags |= C_EOF;
    } else if (c->in.len == 0) {
        size_t used = serve(fp, c, fp->rbuf, (size_t)n, now);
        if (used < (size_t)n && buf_append(&c->in, fp->rbuf + used, (size_t)n - used) < 0) {
            conn_close(fp, c);
            return;
        }
    } else if (buf_append(&c->in, fp->rbuf, (size_t)n) < 0) {
        conn_close(fp, c);
        return;
    }
    conn_run(fp, c, now);
}

static void conn_event(FastPath *fp, uint64_t id, uint32_t events, double now) {
    conn_t *c = conn_get(fp, id);
    if (c == NULL)
        return;
    if (events & (EPOLLERR | EPOLLHUP)) {
        conn_close(fp, c);
        return;
    }
    if (events & EPOLLOUT) {
        if (conn_drain(fp, c, now) < 0) {
            conn_close(fp, c);
            return;
        }
        if (c->out.len == 0 || !(c->flags & C_PAUSED)) {
            conn_run(fp, c, now);
            return;
        }
    }
    if ((events & EPOLLIN) && !(c->flags & (C_WAITING | C_EOF | C_PAUSED | C_CLOSING)))
        conn_readable(fp, c, now);
}

static void *run_thread(void *arg) {
    FastPath *fp = arg;
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(fp->ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        pthread_mutex_lock(&fp->lock);
        if (fp->stopping) {
            pthread_mutex_unlock(&fp->lock);
            break;
        }
        double now = monotonic_now();
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 == WAKE_ID) {
                uint64_t value;
                ssize_t ignored = read(fp->wake_fd, &value, sizeof(value));
                (void)ignored;
                continue;
            }
            conn_event(fp, events[i].data.u64, events[i].events, now);
        }
        pthread_mutex_unlock(&fp->lock);
    }
    return NULL;
}

/* ------------------------------------------------------------ Python type */

static void close_fds(FastPath *fp) {
    int *fds[] = {&fp->ep, &fp->wake_fd, &fp->notify_fd};
    for (size_t i = 0; i < 3; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

static int FastPath_init(FastPath *fp, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"max_line", NULL};
    Py_ssize_t max_line = 512;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|n", kwlist, &max_line))
        return -1;
    if (fp->inited) {
        PyErr_SetString(PyExc_RuntimeError, "already initialised");
        return -1;
    }
    fp->max_line = max_line < 64 ? 64 : (size_t)max_line;
    fp->ep = epoll_create1(EPOLL_CLOEXEC);
    fp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    fp->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fp->ep < 0 || fp->wake_fd < 0 || fp->notify_fd < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        close_fds(fp);
        return -1;
    }
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.u64 = WAKE_ID;
    if (epoll_ctl(fp->ep, EPOLL_CTL_ADD, fp->wake_fd, &ev) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        close_fds(fp);
        return -1;
    }
    if (pthread_mutex_init(&fp->lock, NULL) != 0) {
        PyErr_SetString(PyExc_OSError, "cannot create a mutex");
        close_fds(fp);
        return -1;
    }
    fp->inited = 1;
    return 0;
}

static int ready(FastPath *fp) {
    if (!fp->inited) {
        PyErr_SetString(PyExc_RuntimeError, "FastPath is not initialised");
        return 0;
    }
    return 1;
}

static void close_all(FastPath *fp) {
    for (size_t fd = 0; fd < fp->conns_cap; fd++) {
        if (fp->conns[fd] != NULL)
            conn_close(fp, fp->conns[fd]);
    }
}

static void free_queue(FastPath *fp) {
    for (size_t i = 0; i < fp->qlen; i++)
        free(fp->queue[i]);
    fp->qlen = 0;
}

static PyObject *stop_thread(FastPath *fp) {
    if (fp->started) {
        pthread_mutex_lock(&fp->lock);
        fp->stopping = 1;
        pthread_mutex_unlock(&fp->lock);
        uint64_t one = 1;
        ssize_t ignored = write(fp->wake_fd, &one, sizeof(one));
        (void)ignored;
        Py_BEGIN_ALLOW_THREADS
        pthread_join(fp->thread, NULL);
        Py_END_ALLOW_THREADS
        fp->started = 0;
    }
    Py_RETURN_NONE;
}

static void FastPath_dealloc(FastPath *fp) {
    PyObject *ignored = fp->inited ? stop_thread(fp) : NULL;
    Py_XDECREF(ignored);
    if (fp->inited) {
        close_all(fp);
        free_queue(fp);
        cache_clear(fp);
        free(fp->queue);
        free(fp->conns);
        buf_free(&fp->batch);
        close_fds(fp);
        pthread_mutex_destroy(&fp->lock);
    }
    Py_TYPE(fp)->tp_free((PyObject *)fp);
}

static PyObject *FastPath_start(FastPath *fp, PyObject *unused) {
    if (!ready(fp))
        return NULL;
    if (fp->started)
        Py_RETURN_NONE;
    if (fp->stopping) {
        PyErr_SetString(PyExc_RuntimeError, "FastPath was stopped");
        return NULL;
    }
    /* the thread takes no signal: SIGTERM, SIGHUP and the rest go to Python's thread */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&fp->thread, NULL, run_thread, fp);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        errno = err;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    fp->started = 1;
    Py_RETURN_NONE;
}

static PyObject *FastPath_stop(FastPath *fp, PyObject *unused) {
    if (!ready(fp))
        return NULL;
    PyObject *result = stop_thread(fp);
    if (result == NULL)
        return NULL;
    Py_DECREF(result);
    pthread_mutex_lock(&fp->lock);
    fp->stopping = 1;
    close_all(fp);
    free_queue(fp);
    cache_clear(fp);
    pthread_mutex_unlock(&fp->lock);
    Py_RETURN_NONE;
}

static PyObject *FastPath_add(FastPath *fp, PyObject *args) {
    int fd;
    if (!PyArg_ParseTuple(args, "i", &fd))
        return NULL;
    if (!ready(fp))
        return NULL;
    if (fd < 0 || (unsigned)fd > FD_MASK) {
        PyErr_SetString(PyExc_ValueError, "descriptor out of range");
        return NULL;
    }
    conn_t *c = calloc(1, sizeof(conn_t));
    if (c == NULL)
        return PyErr_NoMemory();
    pthread_mutex_lock(&fp->lock);
    if (fp->stopping) {
        pthread_mutex_unlock(&fp->lock);
        free(c);
        PyErr_SetString(PyExc_RuntimeError, "FastPath was stopped");
        return NULL;
    }
    if ((size_t)fd >= fp->conns_cap) {
        size_t cap = fp->conns_cap ? fp->conns_cap : 1024;
        while (cap <= (size_t)fd)
            cap *= 2;
        conn_t **conns = realloc(fp->conns, cap * sizeof(conn_t *));
        if (conns == NULL) {
            pthread_mutex_unlock(&fp->lock);
            free(c);
            return PyErr_NoMemory();
        }
        memset(conns + fp->conns_cap, 0, (cap - fp->conns_cap) * sizeof(conn_t *));
        fp->conns = conns;
        fp->conns_cap = cap;
    }
    if (fp->conns[fd] != NULL) {
        pthread_mutex_unlock(&fp->lock);
        free(c);
        PyErr_SetString(PyExc_ValueError, "descriptor already served");
        return NULL;
    }
    fp->serial++;
    c->fd = fd;
    c->id = (fp->serial << FD_BITS) | (uint64_t)fd;
    c->events = EPOLLIN;
    c->last_active = monotonic_now();
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    if (epoll_ctl(fp->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        int err = errno;
        pthread_mutex_unlock(&fp->lock);
        free(c);
        errno = err;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    fp->conns[fd] = c;
    fp->count++;
    uint64_t id = c->id;
    pthread_mutex_unlock(&fp->lock);
    return PyLong_FromUnsignedLongLong(id);
}

static PyObject *FastPath_respond(FastPath *fp, PyObject *args) {
    unsigned long long id;
    Py_buffer reply;
    int close_after = 0;
    if (!PyArg_ParseTuple(args, "Ky*|p", &id, &reply, &close_after))
        return NULL;
    if (!ready(fp)) {
        PyBuffer_Release(&reply);
        return NULL;
    }
    pthread_mutex_lock(&fp->lock);
    conn_t *c = conn_get(fp, id);
    int found = c != NULL && !fp->stopping;
    if (found) {
        c->flags &= ~C_WAITING;
        if (buf_append(&fp->batch, reply.buf, (size_t)reply.len) < 0) {
            conn_close(fp, c);
        } else {
            if (close_after)
                c->flags |= C_CLOSING;
            conn_run(fp, c, monotonic_now());
        }
    }
    pthread_mutex_unlock(&fp->lock);
    PyBuffer_Release(&reply);
    return PyBool_FromLong(found);
}

static PyObject *FastPath_close(FastPath *fp, PyObject *args) {
    unsigned long long id;
    if (!PyArg_ParseTuple(args, "K", &id))
        return NULL;
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    conn_t *c = conn_get(fp, id);
    if (c != NULL)
        conn_close(fp, c);
    pthread_mutex_unlock(&fp->lock);
    return PyBool_FromLong(c != NULL);
}

static PyObject *FastPath_peer(FastPath *fp, PyObject *args) {
    unsigned long long id;
    if (!PyArg_ParseTuple(args, "K", &id))
        return NULL;
    if (!ready(fp))
        return NULL;
    struct sockaddr_storage addr;
    socklen_t size = sizeof(addr);
    int ok = 0;
    pthread_mutex_lock(&fp->lock);
    conn_t *c = conn_get(fp, id);
    if (c != NULL)
        ok = getpeername(c->fd, (struct sockaddr *)&addr, &size) == 0;
    pthread_mutex_unlock(&fp->lock);
    if (!ok)
        Py_RETURN_NONE;
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (addr.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&addr;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        port = ntohs(in6->sin6_port);
    }
    return Py_BuildValue("(si)", host, port);
}

static PyObject *FastPath_take(FastPath *fp, PyObject *unused) {
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    msg_t **queue = fp->queue;
    size_t qlen = fp->qlen;
    fp->queue = NULL;
    fp->qlen = fp->qcap = 0;
    fp->notified = 0;
    pthread_mutex_unlock(&fp->lock);
    PyObject *list = PyList_New((Py_ssize_t)qlen);
    for (size_t i = 0; i < qlen; i++) {
        msg_t *m = queue[i];
        if (list != NULL) {
            PyObject *item;
            if (m->kind == MSG_LINE)
                item = Py_BuildValue("(Kiy#)", (unsigned long long)m->id, m->kind, m->data,
                                     (Py_ssize_t)m->len);
            else
                item = Py_BuildValue("(KiO)", (unsigned long long)m->id, m->kind, Py_None);
            if (item == NULL) {
                Py_CLEAR(list);
            } else {
                PyList_SET_ITEM(list, (Py_ssize_t)i, item);
            }
        }
        free(m);
    }
    free(queue);
    return list;
}

static PyObject *FastPath_share(FastPath *fp, PyObject *args) {
    Py_buffer key, reply;
    long long tag;
    double deadline;
    if (!PyArg_ParseTuple(args, "y*y*Ld", &key, &reply, &tag, &deadline))
        return NULL;
    int failed = 0;
    if (ready(fp)) {
        if (memchr(key.buf, '\n', (size_t)key.len) == NULL) {
            pthread_mutex_lock(&fp->lock);
            failed = cache_put(fp, key.buf, (size_t)key.len, reply.buf, (size_t)reply.len,
                               tag, deadline);
            pthread_mutex_unlock(&fp->lock);
        }
    } else {
        failed = 1;
    }
    PyBuffer_Release(&key);
    PyBuffer_Release(&reply);
    if (failed) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *FastPath_forget(FastPath *fp, PyObject *args) {
    long long tag;
    if (!PyArg_ParseTuple(args, "L", &tag))
        return NULL;
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    size_t dropped = cache_drop(fp, tag);
    pthread_mutex_unlock(&fp->lock);
    return PyLong_FromSize_t(dropped);
}

static PyObject *FastPath_forget_all(FastPath *fp, PyObject *unused) {
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    cache_clear(fp);
    pthread_mutex_unlock(&fp->lock);
    Py_RETURN_NONE;
}

/* Close the connections idle (no complete line, nothing with Python) since before
 * idle_before, and those whose replies stayed unread since before stalled_before. */
static PyObject *FastPath_sweep(FastPath *fp, PyObject *args) {
    double idle_before, stalled_before;
    if (!PyArg_ParseTuple(args, "dd", &idle_before, &stalled_before))
        return NULL;
    if (!ready(fp))
        return NULL;
    size_t idle = 0, stalled = 0;
    pthread_mutex_lock(&fp->lock);
    for (size_t fd = 0; fd < fp->conns_cap; fd++) {
        conn_t *c = fp->conns[fd];
        if (c == NULL)
            continue;
        if ((c->flags & C_PAUSED) && c->paused_since < stalled_before) {
            stalled++;
            conn_close(fp, c);
        } else if (!(c->flags & C_WAITING) && c->last_active < idle_before) {
            idle++;
            conn_close(fp, c);
        }
    }
    pthread_mutex_unlock(&fp->lock);
    return Py_BuildValue("(nn)", (Py_ssize_t)idle, (Py_ssize_t)stalled);
}

static PyObject *FastPath_set_max_line(FastPath *fp, PyObject *args) {
    Py_ssize_t max_line;
    if (!PyArg_ParseTuple(args, "n", &max_line))
        return NULL;
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    fp->max_line = max_line < 64 ? 64 : (size_t)max_line;
    pthread_mutex_unlock(&fp->lock);
    Py_RETURN_NONE;
}

static PyObject *FastPath_get_count(FastPath *fp, void *closure) {
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    size_t count = fp->count;
    pthread_mutex_unlock(&fp->lock);
    return PyLong_FromSize_t(count);
}

static PyObject *FastPath_get_notify_fd(FastPath *fp, void *closure) {
    return PyLong_FromLong(fp->notify_fd);
}

static PyObject *FastPath_get_stats(FastPath *fp, void *closure) {
    if (!ready(fp))
        return NULL;
    pthread_mutex_lock(&fp->lock);
    unsigned long long hits = fp->hits, posted = fp->posted;
    size_t entries = fp->entries, bytes = fp->cache_bytes, held = 0, largest = 0;
    for (size_t fd = 0; fd < fp->conns_cap; fd++) {
        conn_t *c = fp->conns[fd];
        if (c == NULL)
            continue;
        size_t size = c->in.cap + c->out.cap;
        held += size;
        if (size > largest)
            largest = size;
    }
    pthread_mutex_unlock(&fp->lock);
    return Py_BuildValue("{sKsKsnsnsnsn}", "hits", hits, "posted", posted, "shared",
                         (Py_ssize_t)entries, "shared_bytes", (Py_ssize_t)bytes,
                         "buffered", (Py_ssize_t)held, "largest", (Py_ssize_t)largest);
}

static PyMethodDef FastPath_methods[] = {
    {"start", (PyCFunction)FastPath_start, METH_NOARGS, "Start the serving thread."},
    {"stop", (PyCFunction)FastPath_stop, METH_NOARGS,
     "Stop the thread and close every connection (each reported as closed)."},
    {"add", (PyCFunction)FastPath_add, METH_VARARGS,
     "add(fd) -> id: serve a connected, non-blocking socket (the descriptor is now ours)."},
    {"respond", (PyCFunction)FastPath_respond, METH_VARARGS,
     "respond(id, reply, close=False) -> bool: answer the line posted for id."},
    {"close", (PyCFunction)FastPath_close, METH_VARARGS, "close(id) -> bool: close at once."},
    {"peer", (PyCFunction)FastPath_peer, METH_VARARGS, "peer(id) -> (host, port) | None."},
    {"take", (PyCFunction)FastPath_take, METH_NOARGS,
     "take() -> [(id, kind, line | None)]: what the thread posted since the last call."},
    {"share", (PyCFunction)FastPath_share, METH_VARARGS,
     "share(line, reply, tag, deadline): answer line with reply until the monotonic deadline."},
    {"forget", (PyCFunction)FastPath_forget, METH_VARARGS,
     "forget(tag) -> int: drop the shared replies of one tag."},
    {"forget_all", (PyCFunction)FastPath_forget_all, METH_NOARGS, "Drop every shared reply."},
    {"sweep", (PyCFunction)FastPath_sweep, METH_VARARGS,
     "sweep(idle_before, stalled_before) -> (idle, stalled): close idle and stalled clients."},
    {"set_max_line", (PyCFunction)FastPath_set_max_line, METH_VARARGS,
     "set_max_line(n): request lines longer than n bytes are refused from now on."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef FastPath_getset[] = {
    {"count", (getter)FastPath_get_count, NULL, "Connections served.", NULL},
    {"notify_fd", (getter)FastPath_get_notify_fd, NULL,
     "An eventfd that becomes readable when take() has something.", NULL},
    {"stats", (getter)FastPath_get_stats, NULL,
     "Counters: lines answered here (hits) and posted, shared replies and their bytes, "
     "connection buffers in all (buffered) and the largest.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject FastPathType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "upskit.server._fastpath.FastPath",
    .tp_basicsize = sizeof(FastPath),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Client connections served from a native thread (see the module's source).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)FastPath_init,
    .tp_dealloc = (destructor)FastPath_dealloc,
    .tp_methods = FastPath_methods,
    .tp_getset = FastPath_getset,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastpath",
    "NUT server connections answered from a native thread.", -1, NULL,
};

PyMODINIT_FUNC PyInit__fastpath(void) {
    if (PyType_Ready(&FastPathType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&FastPathType);
    if (PyModule_AddObject(m, "FastPath", (PyObject *)&FastPathType) < 0) {
        Py_DECREF(&FastPathType);
        Py_DECREF(m);
        return NULL;
    }
    PyModule_AddIntConstant(m, "LINE", MSG_LINE);
    PyModule_AddIntConstant(m, "OVERLONG", MSG_OVERLONG);
    PyModule_AddIntConstant(m, "CLOSED", MSG_CLOSED);
    return m;
}
