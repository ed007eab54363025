/* iolat — the expected latency of one small synchronous write from a VM to
 * its disk, by storage design (sources.md 1.1, 2.7): what protocol A, B or C, a
 * filer or a replicated pool cost each write. */
#ifndef GOLIVE_MODELS_STORAGE_IOLAT_H
#define GOLIVE_MODELS_STORAGE_IOLAT_H

#include "models/scenario.h"

/* Seconds, from the storage network's latency and storage.disk_latency. */
double iolat_write(const scenario *sc);

#endif
