/* nutload: a closed-loop load generator for NUT network servers (upsd, upskit).
 *
 * One thread, non-blocking sockets and epoll, so that the generator is not what
 * limits the rate.  Each of N connections sends one request line and waits for the
 * whole reply (one line, or up to "END LIST ..." for a LIST request) before sending
 * the next.  At the end it prints one line of key=value pairs: requests done, rate,
 * latency percentiles (microseconds) and the generator's own CPU time, so that a
 * bench can say whether the generator or the server was the limit.
 *
 *   nutload [--rate R] HOST PORT CLIENTS SECONDS 'GET VAR ups ups.status'
 *   nutload --connect HOST PORT CLIENTS 'GET VAR ups ups.status'
 *
 * --rate paces the load to R requests per second in all (a connection whose reply
 * has come waits for its turn), so that both servers can be compared at the same
 * rate with the generator using well under one core.
 *
 * --connect opens CLIENTS connections (at most 256 connecting at a time), sends one
 * request on each and waits for its reply, keeps them all open, then closes them all;
 * it prints how long the connections took to be answered.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536
#define LAT_BUCKETS 200000 /* 1 us buckets up to 200 ms; later ones land in the last */

struct conn {
    int fd;
    int connected;
    int answered;
    int writing; /* EPOLLOUT wanted: the request did not fit in the socket */
    size_t sent;
    size_t have;
    double started;
    char buf[BUF];
};

static const char *request;
static size_t request_len;
static char end_marker[256];
static int is_list;
static uint64_t *latency;
static uint64_t done;
static double rate; /* requests per second in all; 0: as fast as the server answers */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_self(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static struct sockaddr_storage addr;
static socklen_t addr_len;

static void resolve(const char *host, const char *port) {
    struct addrinfo hints = {0}, *res;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "nutload: %s:%s: %s\n", host, port, gai_strerror(rc));
        exit(2);
    }
    memcpy(&addr, res->ai_addr, res->ai_addrlen);
    addr_len = res->ai_addrlen;
    freeaddrinfo(res);
}

static int open_conn(struct conn *c, int ep) {
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        perror("nutload: socket");
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->connected = 0;
    c->answered = 0;
    c->writing = 1;
    c->sent = c->have = 0;
    if (connect(fd, (struct sockaddr *)&addr, addr_len) < 0 && errno != EINPROGRESS) {
        perror("nutload: connect");
        close(fd);
        return -1;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

/* Send what is left of the request; 0 when it is all out, 1 when the socket is full.
 * The epoll interest changes only when the socket fills or drains, not per request. */
static int send_request(struct conn *c, int ep) {
    if (c->sent == 0)
        c->started = now();
    while (c->sent < request_len) {
        ssize_t n = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN) {
                if (!c->writing) {
                    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                    c->writing = 1;
                }
                return 1;
            }
            perror("nutload: send");
            exit(3);
        }
        c->sent += (size_t)n;
    }
    if (c->writing) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->writing = 0;
    }
    return 0;
}

/* Whether the bytes held so far end a whole reply. */
static int reply_complete(struct conn *c) {
    if (c->have == 0 || c->buf[c->have - 1] != '\n')
        return 0;
    if (!is_list)
        return 1;
    /* a LIST reply ends with END LIST ...; an ERR reply is one line */
    if (c->have >= 4 && memcmp(c->buf, "ERR ", 4) == 0)
        return 1;
    size_t len = strlen(end_marker);
    return c->have >= len && memcmp(c->buf + c->have - len, end_marker, len) == 0;
}

/* Read what is there; 1 when a whole reply has arrived. */
static int read_reply(struct conn *c) {
    for (;;) {
        if (c->have == BUF)
            c->have = 0; /* only the tail matters for the end marker */
        ssize_t n = recv(c->fd, c->buf + c->have, BUF - c->have, 0);
        if (n < 0) {
            if (errno == EAGAIN)
                return reply_complete(c);
            perror("nutload: recv");
            exit(3);
        }
        if (n == 0) {
            fprintf(stderr, "nutload: the server closed a connection\n");
            exit(3);
        }
        c->have += (size_t)n;
        if (reply_complete(c))
            return 1;
    }
}

static void record(struct conn *c, double t) {
    double us = (t - c->started) * 1e6;
    size_t bucket = us < 0 ? 0 : (size_t)us;
    if (bucket >= LAT_BUCKETS)
        bucket = LAT_BUCKETS - 1;
    latency[bucket]++;
    done++;
}

static double percentile(double p) {
    uint64_t want = (uint64_t)(p * (double)done), seen = 0;
    for (size_t i = 0; i < LAT_BUCKETS; i++) {
        seen += latency[i];
        if (seen > want)
            return (double)i;
    }
    return (double)LAT_BUCKETS;
}

static void set_request(const char *line) {
    static char buf[1024];
    snprintf(buf, sizeof buf - 1, "%s\n", line);
    request = buf;
    request_len = strlen(buf);
    is_list = strncmp(line, "LIST ", 5) == 0;
    if (is_list) {
        /* "LIST VAR ups" -> "END LIST VAR ups\n" */
        snprintf(end_marker, sizeof end_marker, "END %s\n", line);
    }
}

static int load(int clients, double seconds) {
    int ep = epoll_create1(0);
    struct conn *conns = calloc((size_t)clients, sizeof *conns);
    latency = calloc(LAT_BUCKETS, sizeof *latency);
    if (!conns || !latency) {
        fprintf(stderr, "nutload: out of memory\n");
        return 2;
    }
    for (int i = 0; i < clients; i++)
        if (open_conn(&conns[i], ep) < 0)
            return 3;
    struct epoll_event events[512];
    int ready = 0;
    while (ready < clients) { /* every connection up before the clock starts */
        int n = epoll_wait(ep, events, 512, 5000);
        if (n <= 0) {
            fprintf(stderr, "nutload: connections not established in time\n");
            return 3;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c->connected)
                continue;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err) {
                fprintf(stderr, "nutload: connect: %s\n", strerror(err));
                return 3;
            }
            c->connected = 1;
            ready++;
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            c->writing = 0;
        }
    }
    /* with --rate: connections whose reply has come, waiting for their turn (a ring) */
    struct conn **waiting = calloc((size_t)clients, sizeof *waiting);
    size_t head = 0, queued = 0;
    uint64_t issued = 0;
    double cpu0 = cpu_self(), start = now(), stop = start + seconds;
    for (int i = 0; i < clients; i++) {
        if (rate > 0) {
            waiting[(head + queued++) % (size_t)clients] = &conns[i];
        } else {
            send_request(&conns[i], ep);
        }
    }
    double t = start;
    while (t < stop) {
        int timeout = 100;
        if (rate > 0) {
            uint64_t allowed = (uint64_t)((t - start) * rate);
            while (queued && issued < allowed) {
                struct conn *c = waiting[head];
                head = (head + 1) % (size_t)clients;
                queued--;
                issued++;
                send_request(c, ep);
            }
            if (queued)
                timeout = 1;
        }
        int n = epoll_wait(ep, events, 512, timeout);
        t = now();
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c->sent < request_len) {
                send_request(c, ep);
                continue;
            }
            if (read_reply(c)) {
                record(c, t);
                c->have = c->sent = 0;
                if (t >= stop)
                    continue;
                if (rate > 0) {
                    waiting[(head + queued++) % (size_t)clients] = c;
                } else {
                    send_request(c, ep);
                }
            }
        }
    }
    free(waiting);
    double elapsed = now() - start, cpu = cpu_self() - cpu0;
    printf("requests=%llu seconds=%.3f rate=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f "
           "max_us=%.0f generator_cpu_s=%.3f generator_core_share=%.3f\n",
           (unsigned long long)done, elapsed, done / elapsed, percentile(0.5), percentile(0.9),
           percentile(0.99), percentile(0.999999), cpu, cpu / elapsed);
    for (int i = 0; i < clients; i++)
        close(conns[i].fd);
    return 0;
}

static int connect_many(int clients) {
    int ep = epoll_create1(0);
    struct conn *conns = calloc((size_t)clients, sizeof *conns);
    if (!conns) {
        fprintf(stderr, "nutload: out of memory\n");
        return 2;
    }
    const int window = 256;
    int opened = 0, answered = 0, in_flight = 0;
    double start = now(), deadline = start + 120;
    struct epoll_event events[512];
    while (answered < clients) {
        while (in_flight < window && opened < clients) {
            if (open_conn(&conns[opened], ep) < 0)
                return 3;
            opened++;
            in_flight++;
        }
        int n = epoll_wait(ep, events, 512, 1000);
        if (now() > deadline) {
            fprintf(stderr, "nutload: only %d of %d connections answered in 120 s\n", answered,
                    clients);
            break;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c->answered)
                continue;
            if (!c->connected) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) {
                    fprintf(stderr, "nutload: connect: %s\n", strerror(err));
                    return 3;
                }
                c->connected = 1;
                send_request(c, ep);
                continue;
            }
            if (c->sent < request_len) {
                send_request(c, ep);
                continue;
            }
            if (read_reply(c)) {
                c->answered = 1;
                answered++;
                in_flight--;
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
            }
        }
    }
    double took = now() - start;
    printf("connections=%d answered=%d seconds=%.3f generator_cpu_s=%.3f\n", clients, answered,
           took, cpu_self());
    fflush(stdout);
    for (int i = 0; i < opened; i++)
        close(conns[i].fd);
    return answered == clients ? 0 : 3;
}

int main(int argc, char **argv) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (argc > 2 && strcmp(argv[1], "--rate") == 0) {
        rate = atof(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc == 6 && strcmp(argv[1], "--connect") == 0) {
        resolve(argv[2], argv[3]);
        set_request(argv[5]);
        return connect_many(atoi(argv[4]));
    }
    if (argc != 6) {
        fprintf(stderr,
                "usage: nutload [--rate R] HOST PORT CLIENTS SECONDS 'REQUEST'\n"
                "       nutload --connect HOST PORT CLIENTS 'REQUEST'\n");
        return 2;
    }
    resolve(argv[1], argv[2]);
    set_request(argv[5]);
    return load(atoi(argv[3]), atof(argv[4]));
}
