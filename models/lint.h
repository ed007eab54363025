/* lint — risky designs in a scenario, each with the reason and its source
 * (issue: design lint). Lint never refuses a scenario: the risks are what
 * golive is for; it says what an experienced operator would point out. */
#ifndef GOLIVE_MODELS_LINT_H
#define GOLIVE_MODELS_LINT_H

#include <glib.h>

#include "models/scenario.h"

/* Appends one message per risk found (g_free'd strings) to warnings. */
void lint_scenario(const scenario *sc, GPtrArray *warnings);

#endif
