/* interrupt — the one piece of process-wide state golive has: a signal
 * handler can only reach a static flag. */
#include "cli/interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t caught;
static volatile int flag;

static void on_signal(int sig)
{
    caught = sig;
    flag = 1;
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
