/* load — a scenario file for a command: every error printed on stderr
 * (file, JSON path, what was expected), NULL if it cannot be used. */
#ifndef GOLIVE_CLI_LOAD_H
#define GOLIVE_CLI_LOAD_H

#include "models/scenario.h"

scenario *load_scenario(const char *path);

#endif
