/* buildinfo — see the header; build/gen/version.h is written by make. */
#include "cli/buildinfo.h"

#include "version.h"

const char *cli_version(void) { return GOLIVE_VERSION " (" GOLIVE_GIT ")"; }
