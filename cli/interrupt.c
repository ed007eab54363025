/* interrupt — the one piece of process-wide state golive has: a signal
 * handler can only reach static data. */
#include "cli/interrupt.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>


#define MAX_TRACKED 16
#define MAX_PATH 4096

static volatile sig_atomic_t caught;
static volatile int flag;
static volatile sig_atomic_t immediate;
static volatile sig_atomic_t committed;
/* the tracked paths: a slot is in use when its first byte is not 0 */
static char tracked[MAX_TRACKED][MAX_PATH];

void interrupt_abandon(int status)
{
    for (int i = 0; i < MAX_TRACKED; i++)
        if (tracked[i][0])
            unlink(tracked[i]); /* async-signal-safe, as write and _exit */
    _exit(status);
}

static void leave(int sig)
{
    static const char none[] = "golive: interrupted; nothing written\n";
    static const char some[] = "golive: interrupted; the outputs written so far are complete, nothing more written\n";
    ssize_t n = committed ? write(STDERR_FILENO, some, sizeof some - 1) : write(STDERR_FILENO, none, sizeof none - 1);
    (void)n;
    interrupt_abandon(128 + sig);
}

static void on_signal(int sig)
{
    caught = sig;
    flag = 1;
    if (immediate)
        leave(sig);
}

const volatile int *interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &flag;
}

int interrupt_signal(void)
{
    return (int)caught;
}

void interrupt_immediate(bool past_too)
{
    immediate = 1;
    if (past_too && caught)
        leave((int)caught);
}


/* Blocks SIGINT and SIGTERM, keeping the mask it replaces in *old (a
 * caller's own hold must survive the tracking done inside it). */
static void block(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_BLOCK, &s, old);
}

bool interrupt_track(const char *path)
{
    size_t n = strlen(path);
    if (n >= MAX_PATH)
        return false;
    sigset_t old;
    block(&old); /* the handler never sees a half-copied path */
    bool ok = false;
    for (int i = 0; i < MAX_TRACKED && !ok; i++)
        if (!tracked[i][0]) {
            memcpy(tracked[i], path, n + 1);
            ok = true;
        }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return ok;
}

void interrupt_untrack(const char *path)
{
    sigset_t old;
    block(&old);
    for (int i = 0; i < MAX_TRACKED; i++)
        if (tracked[i][0] && !strcmp(tracked[i], path))
            tracked[i][0] = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void on_abort(int sig)
{
    if (errno == ENOMEM) {
        static const char msg[] = "golive: out of memory (an allocation failed): run fewer runs (--runs), split "
                                  "them over machines (--shard), or raise the memory limit; nothing written\n";
        ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)n;
        interrupt_abandon(2);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void interrupt_catch_out_of_memory(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_abort;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGABRT, &sa, NULL);
}

void interrupt_hold(void) { block(NULL); }

void interrupt_committed(void) { committed = 1; }

void interrupt_release(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}
